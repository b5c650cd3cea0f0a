import TallyCore
import TallyText

/// Where each part of the labeling screen goes for the current size. Shared by `update` (scroll limits)
/// and the renderer, so both agree.
public struct Layout: Sendable, Equatable {
  public static let minimumWidth = 60
  public static let minimumHeight = 16
  /// From this width on, the guidelines open beside the task instead of over it.
  public static let sidePaneWidth = 120

  public var tooSmall = false
  public var main = Rect(x: 0, y: 0, width: 0, height: 0)
  public var metaRow: Int?
  public var text = Rect(x: 0, y: 0, width: 0, height: 0)
  public var textRule = 0
  public var question = Rect(x: 0, y: 0, width: 0, height: 0)
  public var statusRow = 0
  /// The first row of the message or hint area, under the status bar.
  public var hintRow = 0
  /// Rows of that area: 1, or up to 3 for a long message.
  public var messageRows = 1
  public var guidelines: Rect?
  public var guidelinesFullScreen = false
  /// Span tasks on a wide screen: the list of spans beside the text.
  public var sideList: Rect?
  /// Side-by-side tasks: the prompt, left and right panes' text areas; the two response headers; the
  /// line between the columns (nil when stacked).
  public var comparePanes: [Rect] = []
  public var compareHeaders: [Rect] = []
  public var compareSeparator: Rect?

  /// Computes the layout for a state.
  public static func compute(_ state: AppState) -> Layout {
    var layout = Layout()
    let w = state.width
    let h = state.height
    if w < minimumWidth || h < minimumHeight {
      layout.tooSmall = true
      return layout
    }
    // A message longer than the screen is wide takes up to three rows (never cut off), pushing the rest up.
    layout.messageRows = messageLines(state, width: w).count
    layout.statusRow = h - 1 - layout.messageRows
    layout.hintRow = h - layout.messageRows
    let bottom = layout.statusRow  // first row not available
    var mainWidth = w
    if state.guidelines.visible {
      if w >= sidePaneWidth {
        let pane = min(80, w * 2 / 5)
        mainWidth = w - pane - 1
        layout.guidelines = Rect(x: mainWidth + 1, y: 1, width: pane, height: bottom - 1)
      } else {
        layout.guidelinesFullScreen = true
        layout.guidelines = Rect(x: 0, y: 1, width: w, height: bottom - 1)
      }
    }
    layout.main = Rect(x: 0, y: 0, width: mainWidth, height: bottom)
    var y = 1
    if !state.session.showFields.isEmpty {
      layout.metaRow = y
      y += 1
    }
    let questionLines = QuestionView.lines(state, width: mainWidth - 2).count
    let available = bottom - y
    // The text keeps at least a third of the room (4 rows while descriptions are shown); the question
    // takes what it needs of the rest.
    let textMinimum = state.showDescriptions ? 4 : max(4, available / 3)
    let questionHeight = min(questionLines, max(3, available - textMinimum - 1))
    let textHeight = available - questionHeight - 1
    layout.text = Rect(x: 1, y: y, width: mainWidth - 2, height: textHeight)
    layout.textRule = y + textHeight
    layout.question = Rect(x: 1, y: y + textHeight + 1, width: mainWidth - 2, height: questionHeight)
    if state.current?.task != nil && !state.atEnd {
      if state.session.layout.compare != nil {
        layoutCompare(&layout, state)
      } else if SpanEditor.question(state) != nil, layout.text.width >= 90 {
        let listWidth = min(34, layout.text.width / 4)
        layout.sideList = Rect(
          x: layout.text.maxX - listWidth, y: layout.text.y, width: listWidth, height: layout.text.height)
        layout.text.width -= listWidth + 2
      }
    }
    return layout
  }

  /// Splits the text area into the prompt (up to a quarter of it) and the two responses: in columns from
  /// 76 columns on, stacked below that.
  static func layoutCompare(_ layout: inout Layout, _ state: AppState) {
    let area = layout.text
    let promptHeight = min(max(1, state.compare.lineCount(0)), max(2, area.height / 4))
    let prompt = Rect(x: area.x, y: area.y, width: area.width, height: promptHeight)
    let region = Rect(
      x: area.x, y: area.y + promptHeight + 1, width: area.width, height: area.height - promptHeight - 1)
    if area.width >= 76 {
      let leftWidth = (area.width - 3) / 2
      let rightX = area.x + leftWidth + 3
      layout.compareHeaders = [
        Rect(x: area.x, y: region.y, width: leftWidth, height: 1),
        Rect(x: rightX, y: region.y, width: area.maxX - rightX, height: 1),
      ]
      layout.comparePanes = [
        prompt, Rect(x: area.x, y: region.y + 1, width: leftWidth, height: region.height - 1),
        Rect(x: rightX, y: region.y + 1, width: area.maxX - rightX, height: region.height - 1),
      ]
      layout.compareSeparator = Rect(x: area.x + leftWidth + 1, y: region.y, width: 1, height: region.height)
    } else {
      let leftHeight = max(1, (region.height - 2) / 2)
      layout.compareHeaders = [
        Rect(x: area.x, y: region.y, width: area.width, height: 1),
        Rect(x: area.x, y: region.y + 1 + leftHeight, width: area.width, height: 1),
      ]
      layout.comparePanes = [
        prompt, Rect(x: area.x, y: region.y + 1, width: area.width, height: leftHeight),
        Rect(x: area.x, y: region.y + 2 + leftHeight, width: area.width, height: region.height - 2 - leftHeight),
      ]
    }
  }

  /// Width the task text wraps to.
  public static func textWidth(_ state: AppState) -> Int { compute(state).text.width }

  /// The message under the status bar, wrapped to the width (at most three lines; the last one cut with …).
  static func messageLines(_ state: AppState, width: Int) -> [StyledLine] {
    guard let message = state.message, state.guidelines.searchInput == nil, state.taskSearch.input == nil else {
      return [StyledLine()]
    }
    let style: Style = state.messageIsError ? .bold : .plain
    let line = StyledLine((state.messageIsError ? "✗ " : "› ") + message, style)
    if DisplayWidth.of(line.plainText) <= width { return [line] }
    var lines = StyledWrap.wrap(line, width: width, restIndent: StyledLine("  "))
    if lines.count > 3 {
      lines = Array(lines.prefix(3))
      var last = lines[2].plainText
      while DisplayWidth.of(last) > width - 1, !last.isEmpty { last.removeLast() }
      lines[2] = StyledLine(last + "…", style)
    }
    return lines
  }
}
