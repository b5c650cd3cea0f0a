import TallyCore
import TallyText

/// The guidelines pane: rendered Markdown, scrolled, with search matches marked.
enum GuidelinesView {
  static func draw(_ screen: inout Screen, _ state: AppState, area: Rect, fullScreen: Bool) {
    screen.fill(area)
    let g = state.guidelines
    var title = " Guidelines"
    if let version = state.session.guidelinesVersion { title += " (\(version.prefix(15)))" }
    screen.write(title, x: area.x, y: area.y, style: .bold, clip: area)
    let body = Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 1)
    guard let rendered = g.rendered, state.session.guidelines != nil else {
      let note =
        state.session.guidelinesNote ?? "This project has no guidelines. Add `guidelines: guide.md` to tally.yaml."
      for (i, line) in StyledWrap.wrap(StyledLine(note, .dim), width: body.width).prefix(body.height).enumerated() {
        screen.write(line, x: body.x, y: body.y + i, clip: body)
      }
      return
    }
    let lines = rendered.lines
    let start = min(g.scroll, max(0, lines.count - 1))
    for (row, line) in lines.dropFirst(start).prefix(body.height).enumerated() {
      screen.write(line, x: body.x, y: body.y + row, clip: body)
    }
    // Matches: reverse video, the current one also underlined, so they show without colour.
    for (i, hit) in g.hits.enumerated() where hit.line >= start && hit.line < start + body.height {
      let y = body.y + hit.line - start
      for dx in 0..<hit.length {
        let x = body.x + hit.column + dx
        guard x < body.maxX else { break }
        var cell = screen[x, y]
        cell.style.reverse = true
        if i == g.hitIndex { cell.style.underline = true }
        screen[x, y] = cell
      }
    }
    if lines.count > body.height {
      let percent = min(100, (start + body.height) * 100 / max(1, lines.count))
      let info = " \(percent)% "
      screen.write(info, x: area.maxX - DisplayWidth.of(info), y: area.y, style: .dim, clip: area)
    }
  }
}

/// The `?` screen: every key, from the keymap table.
enum HelpView {
  static func draw(_ screen: inout Screen, _ state: AppState) {
    let w = min(screen.width - 2, 76)
    var rows: [(String, String)] = [("1-9, letters", "choose: single submits, multi toggles, taxonomy: down")]
    var lines: [StyledLine] = []
    // The general keys, then those of the task on screen (span keys while a span question is active).
    var contexts: Set<KeyContext> = [.labeling, .guidelines, .anywhere]
    if state.activeQuestion?.kind == .spans {
      contexts.insert(.spans)
      rows = [("1-9, letters", "label the selection or the word under the cursor; relabel the span there")]
    }
    if state.session.layout.compare != nil {
      contexts.insert(.compare)
      rows = [("1 2 3 4", "left better, right better, tie, both bad (then 1 slightly / 2 clearly)")]
    }
    let spanKeys = Set(Keymap.bindings.filter { $0.context == .spans }.flatMap(\.keys))
    // The task's own keys first, so they stay on screen when the list is taller than the terminal.
    let ordered =
      Keymap.bindings.filter { $0.context == .spans || $0.context == .compare }
      + Keymap.bindings.filter { $0.context != .spans && $0.context != .compare }
    var lastGroup: String?
    for binding in ordered where contexts.contains(binding.context) {
      var keys = binding.keys
      // Keys a span question takes over are listed with it, not with the task keys.
      if contexts.contains(.spans) && binding.context != .spans { keys.removeAll { spanKeys.contains($0) } }
      if keys.isEmpty { continue }
      let label = keys.map(\.label).joined(separator: " ")
      if let group = binding.group, group == lastGroup, let last = rows.last {
        rows[rows.count - 1] = (last.0 + "/" + label, group)
        continue
      }
      lastGroup = binding.group
      rows.append((label, binding.helpText))
    }
    let keyWidth = min(16, rows.map { DisplayWidth.of($0.0) }.max() ?? 8)
    let indent = StyledLine(String(repeating: " ", count: keyWidth + 2))
    for (keys, help) in rows {
      let pad = String(repeating: " ", count: max(1, keyWidth - DisplayWidth.of(keys) + 2))
      let line = StyledLine([StyledRun(keys, .bold), StyledRun(pad + help)])
      lines += StyledWrap.wrap(line, width: w - 4, restIndent: indent)
    }
    let h = min(screen.height, lines.count + 2)
    let x = (screen.width - w) / 2
    let y = max(0, (screen.height - h) / 2)
    let box = Rect(x: x, y: y, width: w, height: h)
    Box.draw(&screen, box, title: " Keys — any key closes ")
    let inner = Rect(x: x + 2, y: y + 1, width: w - 4, height: h - 2)
    for (i, line) in lines.prefix(inner.height).enumerated() {
      screen.write(line, x: inner.x, y: inner.y + i, clip: inner)
    }
  }
}
