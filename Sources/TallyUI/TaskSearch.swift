import TallyCore
import TallyText

/// A match of a task-text search: a pane (0 for the task text, or a side-by-side pane), a line of its laid-out
/// text, and the columns it covers there.
public struct TaskSearchHit: Sendable, Equatable {
  public var pane: Int
  public var line: Int
  public var column: Int
  public var length: Int

  public init(pane: Int, line: Int, column: Int, length: Int) {
    self.pane = pane
    self.line = line
    self.column = column
    self.length = length
  }
}

/// Searching the task text with `/` in a project that has no guidelines to search.
public struct TaskSearchState: Sendable, Equatable {
  /// Text typed after `/`, while typing.
  public var input: String?
  public var query = ""
  public var hits: [TaskSearchHit] = []
  public var hitIndex = 0
  /// The `layoutGeneration` the hits were found in (stale after a re-wrap).
  public var generation = -1

  public init() {}
}

/// `/` in the task text: the prompt takes every key until Enter or Esc (so typed words never answer), then
/// the matches are marked and `n` / `N` move between them; in a span question the cursor goes to the match,
/// side by side the pane holding it gets the focus.
enum TaskSearch {
  static func start(_ state: inout AppState) {
    state.taskSearch.input = ""
  }

  /// Keys while the search is being typed.
  static func key(_ key: Key, _ state: inout AppState) -> [Effect] {
    guard let typed = state.taskSearch.input else { return [] }
    switch Prompt.edit(typed, key: key, limit: 200) {
    case .cancel: state.taskSearch.input = nil
    case .accept:
      state.taskSearch.input = nil
      run(&state, query: typed)
    case .edited(let text): state.taskSearch.input = text
    case .quit:
      state.taskSearch.input = nil
      return App.requestQuit(&state)
    case .other, .ignored: break
    }
    return []
  }

  static func run(_ state: inout AppState, query: String) {
    state.taskSearch.query = query
    state.taskSearch.hitIndex = 0
    refresh(&state)
    guard !query.isEmpty else { return }
    let hits = state.taskSearch.hits
    if hits.isEmpty {
      state.message = "No match for “\(query)” in the task text."
      return
    }
    // The first match at or below what is on screen.
    let (pane, top) = scrollPosition(state)
    state.taskSearch.hitIndex = hits.firstIndex { $0.pane > pane || ($0.pane == pane && $0.line >= top) } ?? 0
    reveal(&state)
  }

  /// `n` / `N`.
  static func jump(_ state: inout AppState, step: Int) {
    if state.taskSearch.generation != state.layoutGeneration { refresh(&state) }
    let hits = state.taskSearch.hits
    guard !hits.isEmpty else {
      state.message = state.taskSearch.query.isEmpty ? "Search with / first." : "No matches in this task."
      return
    }
    state.taskSearch.hitIndex = (state.taskSearch.hitIndex + step + hits.count) % hits.count
    reveal(&state)
  }

  /// Finds the query again in the lines as they are laid out now.
  static func refresh(_ state: inout AppState) {
    state.taskSearch.generation = state.layoutGeneration
    let query = state.taskSearch.query
    guard !query.isEmpty else {
      state.taskSearch.hits = []
      return
    }
    var hits: [TaskSearchHit] = []
    for (pane, lines) in paneLines(state).enumerated() {
      let found = MarkdownRenderer.search(RenderedMarkdown(lines: lines), for: query)
      hits += found.map { TaskSearchHit(pane: pane, line: $0.line, column: $0.column, length: $0.length) }
    }
    state.taskSearch.hits = hits
    state.taskSearch.hitIndex = min(state.taskSearch.hitIndex, max(0, hits.count - 1))
  }

  /// The lines searched: the task text, or a side-by-side task's three panes as shown.
  static func paneLines(_ state: AppState) -> [[StyledLine]] {
    func plain(_ lines: [WrappedLine]) -> [StyledLine] {
      lines.map { line in StyledLine(line.cells.map(\.text).joined()) }
    }
    if state.session.layout.compare != nil {
      let compare = state.compare
      return (0..<3).map { compare.rendersMarkdown ? compare.markdown[$0] : plain(compare.lines[$0]) }
    }
    return [plain(state.textLayout)]
  }

  static func scrollPosition(_ state: AppState) -> (pane: Int, line: Int) {
    if state.session.layout.compare != nil {
      let pane = state.compare.focus.rawValue
      return (pane, state.compare.scroll[pane])
    }
    return (0, state.textScroll)
  }

  /// Scrolls (or moves the span cursor, or the side-by-side focus) to the current match.
  static func reveal(_ state: inout AppState) {
    let hits = state.taskSearch.hits
    guard hits.indices.contains(state.taskSearch.hitIndex) else { return }
    let hit = hits[state.taskSearch.hitIndex]
    state.message = "Match \(state.taskSearch.hitIndex + 1) of \(hits.count) in the task (n next, N previous)"
    if state.session.layout.compare != nil {
      let pane = ComparePane(rawValue: hit.pane) ?? .prompt
      state.compare.focus = pane
      let layout = Layout.compute(state)
      let height = layout.comparePanes[safe: hit.pane]?.height ?? 1
      let target = max(0, hit.line - max(0, min(2, height - 1)))
      CompareView.scroll(&state, pane, by: target - state.compare.scroll[hit.pane], layout: layout)
      return
    }
    if state.activeQuestion?.kind == .spans, !state.cursorStops.isEmpty {
      if let stop = state.cursorStops.first(where: { $0.line == hit.line && $0.column >= hit.column })
        ?? state.cursorStops.first(where: { $0.line > hit.line })
      {
        state.draft.spanCursor = stop.offset
        SpanEditor.reveal(&state)
      }
      return
    }
    let height = max(1, Layout.compute(state).text.height)
    let target = max(0, hit.line - min(2, height - 1))
    state.textScroll = max(0, min(target, state.textLayout.count - height))
  }

  /// Marks the matches in a pane drawn at `area` from line `start`: reverse video, the current one also
  /// underlined, so they show without colour.
  static func highlight(_ screen: inout Screen, _ state: AppState, pane: Int, area: Rect, start: Int) {
    let search = state.taskSearch
    guard !search.hits.isEmpty, search.generation == state.layoutGeneration else { return }
    for (i, hit) in search.hits.enumerated()
    where hit.pane == pane && hit.line >= start && hit.line < start + area.height {
      let y = area.y + hit.line - start
      for dx in 0..<hit.length {
        let x = area.x + hit.column + dx
        guard x < area.maxX else { break }
        var cell = screen[x, y]
        cell.style.reverse = true
        if i == search.hitIndex { cell.style.underline = true }
        screen[x, y] = cell
      }
    }
  }
}
