import TallyCore
import TallyText

/// Span questions: a cursor over the task text, selections that snap to words (or exact characters),
/// labeling, relabeling and removing spans, and refusing overlaps unless the question allows them.
enum SpanEditor {
  /// Label colours, by option index (colour is never the only marker: spans are underlined and tagged).
  static let palette: [Color] = [.blue, .green, .magenta, .cyan, .yellow, .red]

  static let actions: Set<Action> = [
    .charLeft, .charRight, .wordLeft, .wordRight, .lineUp, .lineDown, .lineStart, .lineEnd, .select, .precision,
    .removeSpan, .previousSpan, .nextSpan, .pageUp, .pageDown,
  ]

  /// The span question whose spans are drawn: the active one, else the first.
  static func question(_ state: AppState) -> Question? {
    if let question = state.activeQuestion, question.kind == .spans { return question }
    return state.session.questions.first { $0.kind == .spans }
  }

  /// The question's spans, read from the draft (drawing uses `state.textLayoutSpans`, the same spans
  /// already read and sorted when the text was laid out).
  static func spans(_ state: AppState, _ question: Question) -> [Span] {
    Span.list(state.draft.answers[question.name])
  }

  /// The colour of a label.
  static func color(of label: String, in question: Question) -> Color {
    palette[(question.options.firstIndex { $0.name == label } ?? 0) % palette.count]
  }

  /// Handles a key while a span question is active; nil when the key is not one of its keys.
  static func key(_ key: Key, question: Question, _ state: inout AppState) -> [Effect]? {
    if let index = App.optionIndex(for: key, question: question, state: state) {
      label(index, question: question, &state)
      return []
    }
    if Keymap.action(for: key, in: .spans) == .close, state.draft.spanAnchor != nil {
      state.draft.spanAnchor = nil
      return []
    }
    guard let action = Keymap.action(for: key, in: .spans), actions.contains(action), !state.cursorStops.isEmpty
    else { return nil }
    let stops = state.cursorStops
    let here = stopIndex(state, atOrBefore: state.draft.spanCursor)
    switch action {
    case .charLeft: moveTo(max(0, here - 1), &state)
    case .charRight: moveTo(min(stops.count - 1, here + 1), &state)
    case .wordRight:
      var i = here + 1
      while i < stops.count && !isWordStart(i, state) { i += 1 }
      moveTo(min(i, stops.count - 1), &state)
    case .wordLeft:
      var i = here - 1
      while i > 0 && !isWordStart(i, state) { i -= 1 }
      moveTo(max(0, i), &state)
    case .lineUp, .lineDown, .pageUp, .pageDown:
      let height = max(1, Layout.compute(state).text.height - 1)
      let delta = action == .lineUp ? -1 : action == .lineDown ? 1 : action == .pageUp ? -height : height
      moveTo(stopOnLine(stops[here].line + delta, column: stops[here].column, state, direction: delta), &state)
    case .lineStart, .lineEnd:
      let line = lineRange(stops[here].line, stops)
      moveTo(action == .lineStart ? line.lowerBound : line.upperBound - 1, &state)
    case .select:
      state.draft.spanAnchor = state.draft.spanAnchor == nil ? state.draft.spanCursor : nil
    case .precision:
      state.draft.characterPrecision.toggle()
      state.message =
        state.draft.characterPrecision
        ? "Selections cover exact characters (c: whole words)."
        : "Selections snap to whole words (c: exact characters)."
    case .removeSpan:
      var spans = spans(state, question)
      guard let i = spans.lastIndex(where: { $0.contains(state.draft.spanCursor) }) else {
        state.message = "No span under the cursor (] jumps to the next one)."
        return []
      }
      let removed = spans.remove(at: i)
      commit(spans, question: question, &state)
      state.message = "Removed \(removed.label) “\(removed.text)”."
    case .previousSpan, .nextSpan:
      let spans = state.textLayoutSpans
      let cursor = state.draft.spanCursor
      let target =
        action == .nextSpan
        ? spans.first { $0.start > cursor } : spans.last { $0.start < startOfSpan(at: cursor, spans) }
      guard let target else {
        state.message =
          spans.isEmpty ? "No spans yet." : action == .nextSpan ? "No span after this one." : "No span before this one."
        return []
      }
      state.draft.spanAnchor = nil
      moveTo(stopIndex(state, atOrBefore: target.start), &state)
    default: return nil
    }
    return []
  }

  /// The start of the span the cursor is in (so `[` goes to the span before it), else the cursor.
  static func startOfSpan(at cursor: Int, _ spans: [Span]) -> Int {
    spans.last { $0.contains(cursor) }?.start ?? cursor
  }

  /// Labels the selection (or the word under the cursor), or relabels the span under the cursor.
  static func label(_ index: Int, question: Question, _ state: inout AppState) {
    guard state.current?.task != nil, question.options.indices.contains(index) else { return }
    let label = question.options[index].name
    var spans = spans(state, question)
    let cursor = state.draft.spanCursor
    let target: (Int, Int)
    if let selection = selection(state) {
      target = selection
    } else if let i = spans.lastIndex(where: { $0.contains(cursor) }) {
      let old = spans[i].label
      spans[i].label = label
      commit(spans, question: question, &state)
      state.message = old == label ? "Already \(label)." : "Relabeled “\(spans[i].text)”: \(old) → \(label)."
      return
    } else if let stop = state.cursorStops[safe: stopIndex(state, atOrBefore: cursor)] {
      target = snap(stop.offset, stop.end, state)
    } else {
      return
    }
    guard target.1 > target.0 else {
      state.message = "Nothing to label: the selection is only spaces."
      state.messageIsError = true
      return
    }
    let span = state.spanText.span(target.0, target.1, label: label)
    if let same = spans.firstIndex(where: { $0.start == span.start && $0.end == span.end }) {
      spans[same].label = label
    } else if !question.allowOverlap, let clash = spans.first(where: { $0.overlaps(span) }) {
      state.message =
        "Overlaps \(clash.label) “\(clash.text)”: spans may not overlap here (x on it removes it)."
      state.messageIsError = true
      return
    } else {
      spans.append(span)
    }
    state.draft.spanAnchor = nil
    commit(spans, question: question, &state)
    state.message = "\(label): “\(span.text)” (\(span.start)–\(span.end))"
  }

  /// The selection as `[start, end)`: from the anchor to the cursor's cell, snapped to words unless
  /// exact characters are on, without whitespace at the ends.
  static func selection(_ state: AppState) -> (Int, Int)? {
    guard let anchor = state.draft.spanAnchor else { return nil }
    let cursor = state.draft.spanCursor
    let lo = min(anchor, cursor)
    let last = state.cursorStops[safe: stopIndex(state, atOrBefore: max(anchor, cursor))]
    return snap(lo, last?.end ?? max(anchor, cursor) + 1, state)
  }

  static func snap(_ start: Int, _ end: Int, _ state: AppState) -> (Int, Int) {
    state.draft.characterPrecision
      ? state.spanText.trimmed(start, end) : state.spanText.snapToWords(start, end)
  }

  static func commit(_ spans: [Span], question: Question, _ state: inout AppState) {
    state.draft.answers[question.name] = Span.answer(spans)
    state.draft.fromPrediction = false
    App.relayout(&state)
  }

  // MARK: - Cursor

  /// The index of the last stop at or before `offset` (0 when none).
  static func stopIndex(_ state: AppState, atOrBefore offset: Int) -> Int {
    let stops = state.cursorStops
    var lo = 0
    var hi = stops.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if stops[mid].offset <= offset { lo = mid + 1 } else { hi = mid }
    }
    return max(0, lo - 1)
  }

  static func isWordStart(_ i: Int, _ state: AppState) -> Bool {
    let stops = state.cursorStops
    guard state.spanText.isWord(at: stops[i].offset) else { return false }
    return i == 0 || !state.spanText.isWord(at: stops[i - 1].offset) || stops[i - 1].end != stops[i].offset
  }

  /// The stops on one wrapped line (an empty range when the line has none).
  static func lineRange(_ line: Int, _ stops: [CursorStop]) -> Range<Int> {
    func lowerBound(_ target: Int) -> Int {
      var lo = 0
      var hi = stops.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if stops[mid].line < target { lo = mid + 1 } else { hi = mid }
      }
      return lo
    }
    return lowerBound(line)..<lowerBound(line + 1)
  }

  /// The stop nearest `column` on `line`, going further in `direction` past lines without stops.
  static func stopOnLine(_ line: Int, column: Int, _ state: AppState, direction: Int) -> Int {
    let stops = state.cursorStops
    guard let lastLine = stops.last?.line else { return 0 }
    var target = max(0, min(line, lastLine))
    var range = lineRange(target, stops)
    let step = direction < 0 ? -1 : 1
    while range.isEmpty {
      target += step
      if target < 0 || target > lastLine { return stopIndex(state, atOrBefore: state.draft.spanCursor) }
      range = lineRange(target, stops)
    }
    var best = range.lowerBound
    for i in range where stops[i].column <= column { best = i }
    return best
  }

  /// Moves the cursor to a stop and scrolls the text so that it stays in view.
  static func moveTo(_ index: Int, _ state: inout AppState) {
    guard let stop = state.cursorStops[safe: index] else { return }
    state.draft.spanCursor = stop.offset
    reveal(&state)
  }

  /// Scrolls the text so that the cursor's line is visible.
  static func reveal(_ state: inout AppState) {
    guard let stop = state.cursorStops[safe: stopIndex(state, atOrBefore: state.draft.spanCursor)] else { return }
    let height = max(1, Layout.compute(state).text.height)
    if stop.line < state.textScroll {
      state.textScroll = stop.line
    } else if stop.line >= state.textScroll + height {
      state.textScroll = stop.line - height + 1
    }
  }

  // MARK: - Layout

  /// The tag cells drawn after each span ("‹PER›"), sorted by offset.
  static func tags(_ spans: [Span]) -> [(offset: Int, cells: [TextCell])] {
    spans.sorted { ($0.end, $0.start, $0.label) < ($1.end, $1.start, $1.label) }.map { span in
      let cells = TextCells.split("‹" + span.label + "›").map { cell in
        TextCell(text: cell.text, width: cell.width, sourceOffset: span.end, sourceLength: 0)
      }
      return (span.end, cells)
    }
  }

  /// Where the cursor can stand: every drawn cell of the text (tags and the cells of a tab's spaces after
  /// the first are not stops).
  static func stops(_ lines: [WrappedLine]) -> [CursorStop] {
    var stops: [CursorStop] = []
    for (lineIndex, line) in lines.enumerated() {
      var column = 0
      for cell in line.cells {
        defer { column += cell.width }
        guard cell.sourceLength > 0 else { continue }
        if let last = stops.last, last.offset == cell.sourceOffset { continue }
        stops.append(
          CursorStop(
            offset: cell.sourceOffset, end: cell.sourceOffset + cell.sourceLength, line: lineIndex, column: column))
      }
    }
    return stops
  }
}
