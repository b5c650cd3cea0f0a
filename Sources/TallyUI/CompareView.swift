import TallyCore
import TallyText

/// Side-by-side tasks: the prompt on top and two responses in columns (stacked when narrow), each
/// scrollable, with word-level differences on demand. Which response is on the left is decided per task
/// from the project seed; answers are stored as `a`/`b`, never as screen sides.
enum CompareView {
  static let actions: Set<Action> = [
    .scrollDown, .scrollUp, .pageDown, .pageUp, .textStart, .textEnd, .focusPrevious, .focusNext, .scrollBothDown,
    .scrollBothUp, .toggleDiff, .toggleRaw,
  ]

  /// Sets up a newly shown task: sides (as recorded before, else from the seed), texts and scroll.
  static func show(_ state: inout AppState, task: LabelTask, previous: LabelRecord?, spec: CompareSpec) {
    var compare = CompareState()
    if let recorded = previous?.shownLeft, recorded == "a" || recorded == "b" {
      compare.leftIsA = recorded == "a"
    } else {
      compare.leftIsA = CompareSides.leftIsA(taskID: task.id, seed: state.session.seed, randomize: spec.randomizeSides)
    }
    let a = task.fields[spec.responseAField]?.displayText ?? ""
    let b = task.fields[spec.responseBField]?.displayText ?? ""
    compare.texts = [task.text, compare.leftIsA ? a : b, compare.leftIsA ? b : a]
    if spec.showModels {
      let modelA = spec.modelAField.flatMap { task.fields[$0]?.displayText }
      let modelB = spec.modelBField.flatMap { task.fields[$0]?.displayText }
      compare.models = compare.leftIsA ? [modelA, modelB] : [modelB, modelA]
    }
    // A task answered before was read then; changing the answer does not ask for the scrolling again.
    if previous?.type == .answer { compare.seenEnd = [true, true] }
    compare.markdownEnabled = spec.markdown
    // Raw or formatted is the annotator's choice for the session, not per task.
    compare.showRaw = state.compare.showRaw
    state.compare = compare
  }

  /// Wraps each pane's text for its width (when the width changed) and keeps the scroll positions valid.
  static func relayout(_ state: inout AppState, _ layout: Layout) {
    for pane in ComparePane.allCases {
      let i = pane.rawValue
      let width = layout.comparePanes[safe: i]?.width ?? 0
      if state.compare.widths[i] != width {
        state.compare.lines[i] = TextWrap.wrap(state.compare.texts[i], width: max(1, width))
        state.compare.widths[i] = width
        state.layoutGeneration += 1
      }
      if state.compare.rendersMarkdown && state.compare.markdownWidths[i] != width {
        state.compare.markdown[i] =
          MarkdownRenderer.render(state.compare.texts[i], width: max(1, width), lineBreaks: true).lines
        state.compare.markdownWidths[i] = width
        state.layoutGeneration += 1
      }
    }
    // Pane widths do not depend on the prompt's length, but heights do: clamp with the settled layout.
    let settled = Layout.compute(state)
    for pane in ComparePane.allCases { scroll(&state, pane, by: 0, layout: settled) }
  }

  /// Scroll and focus keys; nil for other keys.
  static func key(_ action: Action?, _ state: inout AppState) -> [Effect]? {
    guard let action, actions.contains(action) else { return nil }
    let layout = Layout.compute(state)
    let focus = state.compare.focus
    let page = max(1, (layout.comparePanes[safe: focus.rawValue]?.height ?? 2) - 1)
    switch action {
    case .scrollDown: scroll(&state, focus, by: 1, layout: layout)
    case .scrollUp: scroll(&state, focus, by: -1, layout: layout)
    case .pageDown: scroll(&state, focus, by: page, layout: layout)
    case .pageUp: scroll(&state, focus, by: -page, layout: layout)
    case .scrollBothDown, .scrollBothUp:
      let step = action == .scrollBothDown ? 1 : -1
      scroll(&state, .left, by: step, layout: layout)
      scroll(&state, .right, by: step, layout: layout)
    case .textStart: scroll(&state, focus, by: -state.compare.lineCount(focus.rawValue), layout: layout)
    case .textEnd: scroll(&state, focus, by: state.compare.lineCount(focus.rawValue), layout: layout)
    case .focusNext: state.compare.focus = ComparePane(rawValue: min(2, focus.rawValue + 1)) ?? focus
    case .focusPrevious: state.compare.focus = ComparePane(rawValue: max(0, focus.rawValue - 1)) ?? focus
    case .toggleRaw:
      guard state.compare.markdownEnabled else {
        state.message = "This project shows the texts as stored (compare: markdown: false)."
        return []
      }
      state.compare.showRaw.toggle()
      if !state.compare.showRaw { state.compare.showDiff = false }
      relayoutPanes(&state)
      state.message =
        state.compare.showRaw
        ? "The texts as stored (m formats them again)." : "The texts formatted as Markdown (m shows them as stored)."
    case .toggleDiff:
      state.compare.showDiff.toggle()
      relayoutPanes(&state)
      if state.compare.showDiff && state.compare.diff == nil {
        let changes = WordDiff.changes(state.compare.texts[1], state.compare.texts[2])
        state.compare.diff = [changes.a, changes.b]
      }
      if state.compare.showDiff, let diff = state.compare.diff {
        state.message =
          diff[0].isEmpty && diff[1].isEmpty
          ? "The two responses have the same words." : "Words only in one response are highlighted (w hides them)."
      }
    default: return nil
    }
    return []
  }

  /// Lays the panes out again after what they show changed (raw or formatted), keeping each pane's position
  /// roughly where it was.
  static func relayoutPanes(_ state: inout AppState) {
    state.layoutGeneration += 1
    let before = (0..<3).map { state.compare.lineCount($0) }
    App.relayout(&state)
    for i in 0..<3 where before[i] > 0 {
      state.compare.scroll[i] = state.compare.scroll[i] * state.compare.lineCount(i) / before[i]
    }
    let layout = Layout.compute(state)
    for pane in ComparePane.allCases { scroll(&state, pane, by: 0, layout: layout) }
  }

  /// Scrolls a pane, clamped to its text; reaching the end of a response counts as having read it.
  static func scroll(_ state: inout AppState, _ pane: ComparePane, by delta: Int, layout: Layout) {
    let i = pane.rawValue
    let height = layout.comparePanes[safe: i]?.height ?? 0
    let count = state.compare.lineCount(i)
    state.compare.scroll[i] = max(0, min(state.compare.scroll[i] + delta, count - height))
    if pane != .prompt, height > 0, state.compare.scroll[i] + height >= count {
      state.compare.seenEnd[i - 1] = true
    }
  }

  /// Why an answer cannot be taken yet (the project requires both responses read to the end), or nil.
  static func unreadProblem(_ state: AppState, required: Bool = false) -> String? {
    guard let spec = state.session.layout.compare, spec.requireScroll || required else { return nil }
    let unread = [ComparePane.left, .right].filter { !state.compare.seenEnd[$0.rawValue - 1] }
    guard !unread.isEmpty else { return nil }
    let which = unread.count == 2 ? "both responses" : unread[0] == .left ? "the left response" : "the right response"
    return "Read \(which) to the end first (j/PgDn scrolls, ] [ pick a pane, J scrolls both)."
  }

  // MARK: - Drawing

  static func draw(_ screen: inout Screen, _ state: AppState, _ layout: Layout) {
    let panes = layout.comparePanes
    guard panes.count == 3 else { return }
    let compare = state.compare
    for pane in ComparePane.allCases {
      let i = pane.rawValue
      let area = panes[i]
      if compare.rendersMarkdown {
        let lines = compare.markdown[i]
        let start = min(compare.scroll[i], max(0, lines.count - 1))
        for (row, line) in lines.dropFirst(start).prefix(area.height).enumerated() {
          screen.write(line, x: area.x, y: area.y + row, clip: area)
        }
        TaskSearch.highlight(&screen, state, pane: i, area: area, start: start)
        continue
      }
      let lines = compare.lines[i]
      let start = min(compare.scroll[i], max(0, lines.count - 1))
      let ranges = compare.showDiff && pane != .prompt ? compare.diff?[i - 1] ?? [] : []
      var r = 0
      for (row, line) in lines.dropFirst(start).prefix(area.height).enumerated() {
        var x = area.x
        for cell in line.cells {
          var style = Style.plain
          if !ranges.isEmpty {
            while r < ranges.count && ranges[r].upperBound <= cell.sourceOffset { r += 1 }
            if r < ranges.count && ranges[r].contains(cell.sourceOffset) {
              style = Style(bold: true, underline: true, foreground: .yellow)
            }
          }
          x = screen.put(cell, x: x, y: area.y + row, style: style, clip: area)
        }
      }
      TaskSearch.highlight(&screen, state, pane: i, area: area, start: start)
    }
    // Pane headers: which side, focus, and how far it has been read.
    for (pane, header) in zip([ComparePane.left, .right], layout.compareHeaders) {
      let i = pane.rawValue
      let focused = compare.focus == pane
      let style = focused ? Style(bold: true, reverse: true) : .bold
      screen.fill(header, style: style)
      var title = pane == .left ? " 1 Left" : " 2 Right"
      if let model = compare.models[i - 1] { title += " · \(model)" }
      if focused { title += " ◆" }
      screen.write(title, x: header.x, y: header.y, style: style, clip: header)
      let lines = compare.lineCount(i)
      let height = panes[i].height
      let status: String
      if lines <= height {
        status = "all shown "
      } else if compare.scroll[i] + height >= lines {
        status = "✓ end "
      } else {
        status =
          "↓ \(min(99, (compare.scroll[i] + height) * 100 / max(1, lines)))%\(compare.seenEnd[i - 1] ? " ✓" : "") "
      }
      screen.write(status, x: header.maxX - DisplayWidth.of(status), y: header.y, style: style, clip: header)
    }
    if let separator = layout.compareSeparator {
      for y in separator.y..<separator.maxY { screen.write("│", x: separator.x, y: y, style: .dim) }
    }
    // Under the prompt: a rule that says when the prompt is longer than its pane.
    let prompt = panes[0]
    let ruleY = prompt.maxY
    if ruleY < layout.textRule {
      var rule = String(repeating: "─", count: max(0, layout.main.width))
      if compare.focus == .prompt { rule = String(repeating: "━", count: max(0, layout.main.width)) }
      screen.write(rule, x: 0, y: ruleY, style: .dim, clip: layout.main)
      let count = compare.lineCount(0)
      if count > prompt.height {
        let last = min(count, compare.scroll[0] + prompt.height)
        let info = " prompt lines \(compare.scroll[0] + 1)–\(last) of \(count) · [ focuses it "
        screen.write(
          info, x: max(0, layout.main.width - DisplayWidth.of(info) - 2), y: ruleY, style: .bold, clip: layout.main)
      }
    }
  }

  /// Options of a comparison question on one line (they are few): key, mark, label.
  static func optionLine(_ options: [AnswerOption], keys: [Character], chosen: String?, predicted: Bool) -> StyledLine {
    var line = StyledLine()
    for (i, option) in options.enumerated() {
      if i > 0 { line.runs.append(StyledRun("   ")) }
      let isChosen = option.name == chosen
      line.runs.append(StyledRun(" \(keys[i]) ", Style(bold: true, reverse: true)))
      line.runs.append(StyledRun(isChosen ? " (•) " : " ( ) ", isChosen ? .bold : .plain))
      line.runs.append(StyledRun(option.display, isChosen ? Style(bold: true, underline: true) : .plain))
      if isChosen && predicted { line.runs.append(StyledRun(" ← predicted", .dim)) }
    }
    return line
  }

  /// The screen side (`left`/`right`) of a stored answer (`a`/`b`), other answers unchanged.
  static func side(of answer: String, _ state: AppState) -> String {
    switch answer {
    case "a": return state.compare.leftIsA ? "left" : "right"
    case "b": return state.compare.leftIsA ? "right" : "left"
    default: return answer
    }
  }

  /// The stored answer (`a`/`b`) for a screen side.
  static func response(forSide side: String, _ state: AppState) -> String {
    switch side {
    case "left": return state.compare.leftIsA ? "a" : "b"
    case "right": return state.compare.leftIsA ? "b" : "a"
    default: return side
    }
  }
}
