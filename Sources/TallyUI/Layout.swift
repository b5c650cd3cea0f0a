import TallyCore

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
  public var hintRow = 0
  public var guidelines: Rect?
  public var guidelinesFullScreen = false

  /// Computes the layout for a state.
  public static func compute(_ state: AppState) -> Layout {
    var layout = Layout()
    let w = state.width
    let h = state.height
    if w < minimumWidth || h < minimumHeight {
      layout.tooSmall = true
      return layout
    }
    layout.statusRow = h - 2
    layout.hintRow = h - 1
    var mainWidth = w
    if state.guidelines.visible {
      if w >= sidePaneWidth {
        let pane = min(80, w * 2 / 5)
        mainWidth = w - pane - 1
        layout.guidelines = Rect(x: mainWidth + 1, y: 1, width: pane, height: h - 3)
      } else {
        layout.guidelinesFullScreen = true
        layout.guidelines = Rect(x: 0, y: 1, width: w, height: h - 3)
      }
    }
    layout.main = Rect(x: 0, y: 0, width: mainWidth, height: h - 2)
    var y = 1
    if !state.session.showFields.isEmpty {
      layout.metaRow = y
      y += 1
    }
    let bottom = h - 2  // first row not available
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
    return layout
  }

  /// Width the task text wraps to.
  public static func textWidth(_ state: AppState) -> Int { compute(state).text.width }
}
