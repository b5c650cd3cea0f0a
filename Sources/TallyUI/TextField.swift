import TallyCore
import TallyText

/// Editing a free-text answer: a cursor moved by character and word, Home/End, deleting by character and
/// word, multi-line when the question allows it. Works on Characters, so a wide or combined character is
/// one step of the cursor.
enum TextField {
  /// Handles a key while the field has the keys.
  static func key(_ key: Key, question: Question, _ state: inout AppState, _ input: Input) -> [Effect] {
    var text = Array(state.draft.answers[question.name]?.stringValue ?? "")
    var cursor = min(max(0, state.draft.cursor), text.count)
    // Bound keys do what the keymap says; any other character types itself.
    guard let action = Keymap.action(for: key, in: .textField) else {
      guard case .char(let c) = key else { return [] }
      insert(c, into: &text, at: &cursor, question: question, state: &state)
      state.draft.cursor = cursor
      state.draft.fromPrediction = false
      state.draft.answers[question.name] = text.isEmpty ? nil : .string(String(text))
      return []
    }
    switch action {
    case .quit:
      return App.requestQuit(&state)
    case .stopEditing:
      state.draft.editing = false
      state.message =
        "Keys are commands now (\(Keymap.hint(.skip)), \(Keymap.hint(.back)), \(Keymap.hint(.guidelines)), "
        + "\(Keymap.hint(.quit))); \(Keymap.keyLabels(.nextQuestion)) or \(Keymap.keyLabels(.editText)) types again."
      return []
    case .nextQuestion, .previousQuestion, .scrollDown, .scrollUp, .pageDown, .pageUp:
      return App.labelingKey(key, action, &state, input)
    case .textEnter where !question.multiline, .textSubmit:
      return App.enter(&state, input)
    case .textEnter:
      insert("\n", into: &text, at: &cursor, question: question, state: &state)
    case .deleteBack:
      if cursor > 0 {
        text.remove(at: cursor - 1)
        cursor -= 1
      }
    case .deleteForward:
      if cursor < text.count { text.remove(at: cursor) }
    case .cursorLeft: cursor = max(0, cursor - 1)
    case .cursorRight: cursor = min(text.count, cursor + 1)
    case .cursorWordLeft: cursor = wordStart(before: cursor, in: text)
    case .cursorWordRight: cursor = wordEnd(after: cursor, in: text)
    case .cursorLineStart: cursor = lineStart(cursor, text)
    case .cursorLineEnd: cursor = lineEnd(cursor, text)
    case .deleteWordBack:
      let start = wordStart(before: cursor, in: text)
      text.removeSubrange(start..<cursor)
      cursor = start
    case .deleteWordForward:
      let end = wordEnd(after: cursor, in: text)
      text.removeSubrange(cursor..<end)
    case .deleteToLineStart:
      let start = lineStart(cursor, text)
      text.removeSubrange(start..<cursor)
      cursor = start
    case .deleteToLineEnd:
      text.removeSubrange(cursor..<lineEnd(cursor, text))
    default:
      return []
    }
    state.draft.cursor = cursor
    state.draft.fromPrediction = false
    state.draft.answers[question.name] = text.isEmpty ? nil : .string(String(text))
    return []
  }

  static func insert(
    _ c: Character, into text: inout [Character], at cursor: inout Int, question: Question, state: inout AppState
  ) {
    if let max = question.maxLength, text.count >= max {
      state.message = "At most \(max) characters."
      return
    }
    text.insert(c, at: cursor)
    cursor += 1
  }

  /// Why the field's answer cannot be submitted yet, if it cannot.
  static func problem(question: Question, state: AppState) -> String? {
    let count = state.draft.answers[question.name]?.stringValue?.count ?? 0
    if count == 0 {
      return question.required ? "Type an answer first (required)." : nil
    }
    if let min = question.minLength, count < min { return "At least \(min) characters, now \(count)." }
    if let max = question.maxLength, count > max { return "At most \(max) characters, now \(count)." }
    return nil
  }

  static func length(of draft: Draft, question: Question?) -> Int {
    guard let question, question.kind == .text else { return 0 }
    return draft.answers[question.name]?.stringValue?.count ?? 0
  }

  static func wordStart(before cursor: Int, in text: [Character]) -> Int {
    var i = cursor
    while i > 0, !isWord(text[i - 1]) { i -= 1 }
    while i > 0, isWord(text[i - 1]) { i -= 1 }
    return i
  }

  static func wordEnd(after cursor: Int, in text: [Character]) -> Int {
    var i = cursor
    while i < text.count, !isWord(text[i]) { i += 1 }
    while i < text.count, isWord(text[i]) { i += 1 }
    return i
  }

  static func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

  static func lineStart(_ cursor: Int, _ text: [Character]) -> Int {
    var i = cursor
    while i > 0, text[i - 1] != "\n" { i -= 1 }
    return i
  }

  static func lineEnd(_ cursor: Int, _ text: [Character]) -> Int {
    var i = cursor
    while i < text.count, text[i] != "\n" { i += 1 }
    return i
  }

  /// The field as lines for the question area: wrapped to the width, the cursor in reverse video.
  static func lines(_ question: Question, state: AppState, width: Int) -> [StyledLine] {
    let text = state.draft.answers[question.name]?.stringValue ?? ""
    let cursorOffset = String(text.prefix(state.draft.cursor)).unicodeScalars.count
    let wrapped = TextWrap.wrap(text, width: max(4, width - 3))
    var out: [StyledLine] = []
    var cursorDrawn = !state.draft.editing
    for (i, line) in wrapped.enumerated() {
      var styled = StyledLine([StyledRun(" ▏", .dim)])
      for cell in line.cells {
        let atCursor = !cursorDrawn && cell.sourceOffset == cursorOffset
        if atCursor { cursorDrawn = true }
        styled.runs.append(StyledRun(cell.text, atCursor ? .reverse : .plain))
      }
      let isLast = i == wrapped.count - 1
      // A cursor on a line break (or past the end) sits after the line's last cell.
      if !cursorDrawn && cursorOffset >= line.sourceStart && (cursorOffset < line.sourceEnd || isLast) {
        styled.runs.append(StyledRun(" ", .reverse))
        cursorDrawn = true
      }
      out.append(styled)
    }
    var info = "\(text.count) characters"
    if let min = question.minLength { info += ", at least \(min)" }
    if let max = question.maxLength { info += ", at most \(max)" }
    if question.multiline && state.draft.editing { info += " · Enter new line" }
    out.append(StyledLine("   " + info, .dim))
    return out
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
