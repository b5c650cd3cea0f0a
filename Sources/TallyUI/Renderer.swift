import TallyCore
import TallyText

/// Draws an `AppState` into a `Screen`. Pure: the same state always gives the same screen.
public enum Renderer {
  static let titleStyle = Style(bold: true, reverse: true)
  static let statusStyle = Style(reverse: true)

  /// The whole screen for a state.
  public static func render(_ state: AppState) -> Screen {
    var screen = Screen(width: state.width, height: state.height)
    render(state, into: &screen)
    return screen
  }

  /// Draws the state into an existing screen, reusing its storage (the runner double-buffers frames).
  public static func render(_ state: AppState, into screen: inout Screen) {
    screen.reset(width: state.width, height: state.height)
    let layout = Layout.compute(state)
    if layout.tooSmall {
      drawTooSmall(&screen, state)
      return
    }
    drawTitle(&screen, state, layout)
    if layout.guidelinesFullScreen, let area = layout.guidelines {
      GuidelinesView.draw(&screen, state, area: area, fullScreen: true)
    } else {
      drawMain(&screen, state, layout)
      if let area = layout.guidelines {
        for y in area.y..<area.maxY { screen.write("│", x: area.x - 1, y: y, style: .dim) }
        GuidelinesView.draw(&screen, state, area: area, fullScreen: false)
      }
    }
    drawStatus(&screen, state, layout)
    switch state.overlay {
    case .help: HelpView.draw(&screen, state)
    case .confirmQuit: drawQuitDialog(&screen)
    case .skipReason(let reason): drawSkipDialog(&screen, reason: reason)
    case .slowDown, .goldPause, .feedback: QualityView.draw(&screen, state, layout)
    case .none: break
    }
  }

  static func drawTooSmall(_ screen: inout Screen, _ state: AppState) {
    let lines = [
      "Enlarge the terminal",
      "needs \(Layout.minimumWidth)×\(Layout.minimumHeight), now \(state.width)×\(state.height)",
      "q quits",
    ]
    let top = max(0, (state.height - lines.count) / 2)
    for (i, line) in lines.enumerated() where top + i < state.height {
      let x = max(0, (state.width - DisplayWidth.of(line)) / 2)
      screen.write(line, x: x, y: top + i, style: i == 0 ? .bold : .plain)
    }
  }

  static func drawTitle(_ screen: inout Screen, _ state: AppState, _ layout: Layout) {
    let w = state.width
    screen.fill(Rect(x: 0, y: 0, width: w, height: 1), style: titleStyle)
    var left = " Tally · \(state.session.projectName)"
    switch state.session.phase {
    case .training: left += " · training"
    case .exam: left += " · exam"
    case nil: break
    }
    if let task = state.current?.task {
      left += " · task \(task.id)"
    } else if let problem = state.current?.problem {
      left += " · line \(problem.line)"
    }
    let right: String
    if state.atEnd {
      right = "end of queue "
    } else {
      // Data tasks only, as the status bar counts them (gold tasks are not given away).
      let number = min(state.current?.ordinal ?? (state.position + 1), max(1, state.labelableCount))
      right = "\(number) of \(state.labelableCount) "
    }
    let rightWidth = DisplayWidth.of(right)
    screen.write(
      left, x: 0, y: 0, style: titleStyle, clip: Rect(x: 0, y: 0, width: max(0, w - rightWidth - 1), height: 1))
    screen.write(right, x: w - rightWidth, y: 0, style: titleStyle)
  }

  static func drawMain(_ screen: inout Screen, _ state: AppState, _ layout: Layout) {
    let main = layout.main
    if state.atEnd {
      drawEnd(&screen, state, layout)
      return
    }
    guard let current = state.current else {
      screen.write("Loading…", x: 1, y: layout.text.y, style: .dim)
      return
    }
    if let problem = current.problem {
      screen.write(
        "This line of the data file cannot be read:", x: 1, y: layout.text.y, style: .bold, clip: layout.text)
      screen.write(problem.description, x: 1, y: layout.text.y + 1, clip: layout.text)
      screen.write(
        "→ goes on to the next task; `tally validate` lists every problem.", x: 1, y: layout.text.y + 3, style: .dim,
        clip: layout.text)
      return
    }
    guard let task = current.task else { return }
    if let row = layout.metaRow {
      var line = StyledLine()
      for (i, field) in state.session.showFields.enumerated() {
        if i > 0 { line.runs.append(StyledRun(" · ", .dim)) }
        line.runs.append(StyledRun(field + ": ", .dim))
        line.runs.append(StyledRun(task.fields[field]?.displayText ?? "—", .plain))
      }
      screen.write(line, x: 1, y: row, clip: Rect(x: 1, y: row, width: main.width - 2, height: 1))
    }
    if state.session.layout.compare != nil {
      CompareView.draw(&screen, state, layout)
      screen.write(String(repeating: "─", count: main.width), x: 0, y: layout.textRule, style: .dim, clip: main)
    } else {
      drawText(&screen, state, layout)
    }
    let questionLines = QuestionView.lines(state, width: layout.question.width)
    let area = layout.question
    let overflow = questionLines.count > area.height && area.height > 0
    let first = overflow ? max(0, min(state.questionScroll, questionLines.count - area.height)) : 0
    for (row, line) in questionLines.dropFirst(first).prefix(area.height).enumerated() {
      screen.write(line, x: area.x, y: area.y + row, clip: area)
    }
    if overflow {
      // Options that do not fit scroll (J/K); say how many are hidden and where.
      let below = questionLines.count - first - area.height
      var info = below > 0 ? " ↓ \(below) more line\(below == 1 ? "" : "s") (J) " : " end of options "
      if first > 0 { info = " ↑ \(first) above (K) ·" + info }
      screen.write(info, x: max(0, main.width - DisplayWidth.of(info) - 1), y: area.maxY - 1, style: .bold, clip: main)
    }
  }

  /// The task text (with spans, for span questions), and the rule under it.
  static func drawText(_ screen: inout Screen, _ state: AppState, _ layout: Layout) {
    let main = layout.main
    let area = layout.text
    let lines = state.textLayout
    let start = min(state.textScroll, max(0, lines.count - 1))
    if let question = SpanEditor.question(state) {
      SpanView.drawText(&screen, state, area: area, question: question)
      if let list = layout.sideList {
        for y in list.y..<list.maxY { screen.write("│", x: list.x - 2, y: y, style: .dim) }
        SpanView.drawList(&screen, state, area: list, question: question)
      }
    } else {
      for (row, line) in lines.dropFirst(start).prefix(area.height).enumerated() {
        var x = area.x
        for cell in line.cells { x = screen.put(cell, x: x, y: area.y + row, style: .plain, clip: area) }
      }
    }
    TaskSearch.highlight(&screen, state, pane: 0, area: area, start: start)
    // The rule under the text, with a scroll position when the text does not fit.
    let ruleY = layout.textRule
    screen.write(String(repeating: "─", count: main.width), x: 0, y: ruleY, style: .dim, clip: main)
    if lines.count > area.height {
      let last = min(lines.count, start + area.height)
      let more = last < lines.count ? " ↓ more (PgDn) " : " end of text "
      let info = " lines \(start + 1)–\(last) of \(lines.count) ·" + more
      let x = max(0, main.width - DisplayWidth.of(info) - 2)
      screen.write(info, x: x, y: ruleY, style: .bold, clip: main)
    }
  }

  static func drawEnd(_ screen: inout Screen, _ state: AppState, _ layout: Layout) {
    let area = Rect(x: 2, y: layout.text.y + 1, width: layout.main.width - 4, height: layout.main.height - 2)
    let skipped = min(state.skippedCount, state.doneCount)
    let answered = state.doneCount - skipped
    var lines: [StyledLine] =
      state.session.phase.map { practiceEnd(state, phase: $0) } ?? [
        StyledLine("✓ End of the queue", .bold),
        StyledLine(""),
        StyledLine(
          "\(state.doneCount) of \(state.labelableCount) tasks handled: \(answered) answered, \(skipped) skipped."),
        StyledLine("Every label is saved in the project folder \(state.session.projectFolder)."),
        StyledLine(""),
      ]
    let open = state.labelableCount - state.doneCount
    if state.session.phase != nil {
      lines.append(StyledLine("←  go back through your answers"))
      lines.append(StyledLine("q  quit"))
    } else if open > 0 {
      lines.insert(
        StyledLine("\(open) task\(open == 1 ? " was" : "s were") passed over with → and not answered yet."), at: 3)
      lines.append(StyledLine("Enter  go to the first task not answered yet"))
    }
    if state.session.phase == nil {
      if state.skippedCount > 0 { lines.append(StyledLine("r  revisit the skipped tasks")) }
      lines.append(StyledLine("←  go back through your answers"))
      lines.append(StyledLine("q  quit"))
    }
    var y = area.y
    for line in lines {
      for wrapped in StyledWrap.wrap(line, width: area.width) where y < area.maxY {
        screen.write(wrapped, x: area.x, y: y, clip: area)
        y += 1
      }
    }
  }

  /// The end of a training run or an exam: the score, and for an exam whether it passed.
  static func practiceEnd(_ state: AppState, phase: Phase) -> [StyledLine] {
    let total = state.session.total
    let correct = state.practice.correct
    let share = total > 0 ? Double(correct) / Double(total) : 0
    let score = "\(correct) of \(total) answered as expected (\(QualityView.percent(share)))."
    switch phase {
    case .training:
      return [
        StyledLine("✓ End of the training", .bold), StyledLine(""), StyledLine(score), StyledLine(""),
        StyledLine("Nothing here is a label. Take the exam with `tally train PROJECT --exam` when you are ready."),
        StyledLine(""),
      ]
    case .exam:
      let mark = state.session.quality.examPassMark
      let passed = share >= mark
      return [
        StyledLine(passed ? "✓ Exam passed" : "✗ Exam not passed", .bold), StyledLine(""), StyledLine(score),
        StyledLine("The pass mark is \(QualityView.percent(mark)). The result is saved in your label log."),
        StyledLine(
          passed
            ? "You can start labeling with `tally label`."
            : "Review the training (`tally train`) and the guidelines, then try again."),
        StyledLine(""),
      ]
    }
  }

  static func drawStatus(_ screen: inout Screen, _ state: AppState, _ layout: Layout) {
    let w = state.width
    let y = layout.statusRow
    screen.fill(Rect(x: 0, y: y, width: w, height: 1), style: statusStyle)
    let total = state.labelableCount
    let done = min(state.doneCount, total)
    let percent = total > 0 ? done * 100 / total : 0
    var parts = ["\(done)/\(total) done (\(percent)%)"]
    if state.skippedCount > 0 { parts.append("\(state.skippedCount) skipped") }
    parts.append(state.labelsPerHour.map { "\($0)/h" } ?? "–/h")
    parts.append(state.session.annotator)
    if state.clock.isIdle(at: state.now, idleLimit: state.session.idleLimit) && !state.atEnd {
      parts.append("⏸ clock paused")
    }
    if state.quality.belowGoldThreshold { parts.append("⚑ below check-task threshold") }
    if state.session.phase == .training, !state.practice.results.isEmpty {
      parts.append("\(state.practice.correct)/\(state.practice.results.count) as expected")
    }
    if let summary = state.dataSummary, summary.malformed + summary.duplicates > 0 {
      var bits: [String] = []
      if summary.malformed > 0 { bits.append("\(summary.malformed) bad line\(summary.malformed == 1 ? "" : "s")") }
      if summary.duplicates > 0 {
        bits.append("\(summary.duplicates) duplicate id\(summary.duplicates == 1 ? "" : "s")")
      }
      parts.append("⚠ " + bits.joined(separator: ", ") + " (tally validate)")
    }
    if !state.logProblems.isEmpty { parts.append("⚠ log: \(state.logProblems.count) line(s) skipped") }
    screen.write(" " + parts.joined(separator: " · "), x: 0, y: y, style: statusStyle)

    let hy = layout.hintRow
    if let searching = state.guidelines.searchInput ?? state.taskSearch.input {
      let what = state.guidelines.searchInput != nil ? "search the guidelines" : "search the task text"
      let help = "  (\(what): Enter · Esc cancels)"
      let end = screen.write("/" + searching, x: 0, y: hy, style: .bold)
      screen.write("▏", x: end, y: hy, style: .bold)
      if end + 1 + DisplayWidth.of(help) <= w { screen.write(help, x: end + 1, y: hy, style: .dim) }
      return
    }
    if state.message != nil {
      for (i, line) in Layout.messageLines(state, width: w).enumerated() {
        screen.write(line, x: 0, y: hy + i, clip: Rect(x: 0, y: hy + i, width: w, height: 1))
      }
      return
    }
    screen.write(hints(state, layout), x: 0, y: hy, style: .dim)
  }

  /// The hint line, from the keymap: each item is a binding's first key and its hint word, so a key changed in
  /// the table changes here too. Only the option keys (from `tally.yaml`) are worded here.
  static func hints(_ state: AppState, _ layout: Layout) -> String {
    func hint(_ action: Action, _ context: KeyContext? = nil) -> String { Keymap.hint(action, in: context) }
    let quit = hint(.quit)
    let keys = hint(.help)
    let guidelines = hint(.guidelines)
    if layout.guidelinesFullScreen {
      let scroll =
        "\(Keymap.key(.scrollUp))\(Keymap.key(.scrollDown)) \(Keymap.key(.pageUp))/\(Keymap.key(.pageDown)) scroll"
      return fit(
        [
          scroll, hint(.search), "\(Keymap.keyLabels(.nextHit)) \(Keymap.keyLabels(.previousHit)) next/prev",
          "\(Keymap.keyLabels(.guidelines)) close", keys, quit,
        ], width: state.width)
    }
    switch state.overlay {
    case .slowDown(let until), .goldPause(let until, _):
      let wait = Int((until - state.now).rounded(.up))
      return fit(
        [wait > 0 ? "paused: \(wait) s left" : hint(.continueOn, .pause), guidelines, quit], width: state.width)
    case .feedback:
      return fit([hint(.continueOn, .pause), guidelines, quit], width: state.width)
    default:
      break
    }
    if state.atEnd && state.session.phase != nil {
      return fit([hint(.back), guidelines, keys, quit], width: state.width)
    }
    if state.overlay == .confirmQuit {
      return fit([hint(.confirmYes, .confirmQuit), hint(.confirmNo, .confirmQuit)], width: state.width)
    }
    if state.atEnd {
      var items = [hint(.back), guidelines, keys, quit]
      if state.skippedCount > 0 { items.insert(hint(.revisitSkipped), at: 1) }
      if state.doneCount < state.labelableCount { items.insert("\(Keymap.keyLabels(.submit)) open tasks", at: 0) }
      return fit(items, width: state.width)
    }
    if let question = state.activeQuestion, question.kind == .text, state.draft.editing {
      let submit = hint(question.multiline ? .textSubmit : .textEnter, .textField)
      let commands = hint(.stopEditing, .textField)
      let quitHere = hint(.quit, .textField)
      return fit(
        [
          "type your answer", submit,
          "\(Keymap.key(.cursorWordLeft, in: .textField))/\(Keymap.key(.cursorWordRight, in: .textField)) word",
          hint(.deleteWordBack, .textField), commands, quitHere,
        ],
        width: state.width, priority: [submit, commands, quitHere])
    }
    let submit = Keymap.keyLabels(.submit)
    var choose = "1-9 choose"
    if let question = state.activeQuestion {
      let options = App.currentOptions(question, state) ?? []
      let keys = OptionKeys.assign(for: question, options: options)
      let isDigits = keys.allSatisfy(\.isNumber)
      let range = isDigits && keys.count > 1 ? "1-\(keys.count)" : String(keys.prefix(12))
      choose = range + " choose"
      switch question.kind {
      case .multi: choose += " · \(hint(.submit))"
      case .taxonomy:
        choose += " · \(hint(.up))"
        if !question.leafOnly && !state.draft.taxonomyPath.isEmpty { choose += " · \(submit) pick this" }
      case .single, .rating: if state.draft.answers[question.name] != nil { choose += " · \(submit) accept" }
      case .text:
        choose = "\(hint(.editText)) · \(hint(.submit))"
      case .spans:
        choose =
          "\(hint(.select, .spans)) · \(range) label · \(hint(.removeSpan, .spans)) · \(hint(.submit))"
      case .comparison:
        choose = state.draft.askingStrength ? "1 slightly · 2 clearly better" : "1 left · 2 right · 3 tie"
        if !state.draft.askingStrength && question.options.count > 3 { choose += " · 4 both bad" }
      }
    }
    let question = hint(.nextQuestion)
    let task =
      "\(Keymap.key(.back, last: true)) \(Keymap.key(.forward, last: true)) task"
    if state.session.layout.compare != nil {
      var items = [choose]
      if state.session.questions.count > 1 { items.append(question) }
      let scroll =
        "\(Keymap.key(.scrollDown, last: true))/\(Keymap.key(.scrollUp, last: true)) scroll"
      let pane = "\(Keymap.keyLabels(.focusPrevious, in: .compare)) \(Keymap.keyLabels(.focusNext, in: .compare)) pane"
      let both =
        "\(Keymap.keyLabels(.scrollBothDown, in: .compare))/\(Keymap.keyLabels(.scrollBothUp, in: .compare)) both"
      let diff = hint(.toggleDiff, .compare)
      items += [scroll, pane, both, diff, hint(.toggleRaw, .compare), hint(.skip), task, guidelines, keys, quit]
      return fit(items, width: state.width, priority: [keys, quit, scroll, pane, diff])
    }
    if let activeQuestion = state.activeQuestion, activeQuestion.kind == .spans {
      var items = [choose]
      if state.session.questions.count > 1 { items.append(question) }
      func first(_ action: Action) -> String { Keymap.key(action, in: .spans) }
      let move =
        "\(first(.charLeft))\(first(.charRight)) \(first(.wordRight)) \(first(.wordLeft)) "
        + "\(first(.lineUp))\(first(.lineDown)) move"
      let spans = "\(Keymap.keyLabels(.previousSpan, in: .spans)) \(Keymap.keyLabels(.nextSpan, in: .spans)) spans"
      items += [move, spans, hint(.precision, .spans), hint(.skip), task, guidelines, keys, quit]
      return fit(items, width: state.width, priority: [keys, quit, move, task])
    }
    var items = [choose]
    if state.session.questions.count > 1 { items.append(question) }
    items += [hint(.skip), hint(.back), hint(.forward), guidelines, hint(.describe), keys, quit]
    return fit(items, width: state.width, priority: [keys, quit, guidelines, hint(.skip), hint(.back)])
  }

  /// Joins hint items with " · ", keeping the first item and then those in `priority`, then the rest,
  /// as many as fit the width; the kept ones stay in their original order.
  static func fit(_ items: [String], width: Int, priority: [String] = []) -> String {
    guard let first = items.first else { return "" }
    let ranked = [first] + priority.filter(items.contains) + items.dropFirst().filter { !priority.contains($0) }
    var kept: Set<String> = []
    var used = 1 + DisplayWidth.of(first)
    kept.insert(first)
    for item in ranked.dropFirst() {
      let cost = 3 + DisplayWidth.of(item)
      if used + cost <= width {
        kept.insert(item)
        used += cost
      }
    }
    return " " + items.filter(kept.contains).joined(separator: " · ")
  }

  /// Quitting would lose answers given on screen but not submitted.
  static func drawQuitDialog(_ screen: inout Screen) {
    let w = min(screen.width - 4, 62)
    let x = (screen.width - w) / 2
    let y = max(1, screen.height / 2 - 2)
    Box.draw(&screen, Rect(x: x, y: y, width: w, height: 5), title: " Quit? ")
    let inner = Rect(x: x + 2, y: y + 1, width: w - 4, height: 3)
    screen.write("This task's answers are not submitted yet.", x: inner.x, y: inner.y, style: .bold, clip: inner)
    screen.write("Quitting now loses them (everything submitted is saved).", x: inner.x, y: inner.y + 1, clip: inner)
    screen.write("y or Enter quit · n or Esc keep labeling", x: inner.x, y: inner.y + 2, style: .dim, clip: inner)
  }

  static func drawSkipDialog(_ screen: inout Screen, reason: String) {
    let w = min(screen.width - 4, 70)
    let x = (screen.width - w) / 2
    let y = max(1, screen.height / 2 - 2)
    let box = Rect(x: x, y: y, width: w, height: 5)
    Box.draw(&screen, box, title: " Skip this task ")
    let inner = Rect(x: x + 2, y: y + 1, width: w - 4, height: 3)
    screen.write("Reason (optional):", x: inner.x, y: inner.y, style: .bold, clip: inner)
    // Show the end of a long reason.
    var shown = reason
    while DisplayWidth.of(shown) > inner.width - 2, !shown.isEmpty { shown.removeFirst() }
    let end = screen.write(shown, x: inner.x, y: inner.y + 1, clip: inner)
    screen.write("▏", x: end, y: inner.y + 1, style: .bold, clip: inner)
    screen.write("Enter skip · Esc cancel", x: inner.x, y: inner.y + 2, style: .dim, clip: inner)
  }
}

/// Boxes drawn with line characters.
enum Box {
  static func draw(_ screen: inout Screen, _ rect: Rect, title: String = "") {
    guard rect.width >= 2, rect.height >= 2 else { return }
    screen.fill(rect)
    let horizontal = String(repeating: "─", count: rect.width - 2)
    screen.write("┌" + horizontal + "┐", x: rect.x, y: rect.y)
    for y in (rect.y + 1)..<(rect.maxY - 1) {
      screen.write("│", x: rect.x, y: y)
      screen.write("│", x: rect.maxX - 1, y: y)
    }
    screen.write("└" + horizontal + "┘", x: rect.x, y: rect.maxY - 1)
    if !title.isEmpty { screen.write(title, x: rect.x + 2, y: rect.y, style: .bold, clip: rect) }
  }
}
