import TallyCore
import TallyText

/// The quality-control screens: the slow-down pause, the gold-threshold pause, and gold or training
/// feedback. Each is a box over the task; the guidelines stay one key away.
enum QualityView {
  static func draw(_ screen: inout Screen, _ state: AppState, _ layout: Layout) {
    // With the guidelines full screen, the annotator is rereading them: leave them readable.
    if layout.guidelinesFullScreen { return }
    let config = state.session.quality
    var title = ""
    var lines: [StyledLine] = []
    switch state.overlay {
    case .slowDown(let until):
      title = " Slow down "
      lines = [
        StyledLine(
          "\(config.tooFastCount) of your last \(config.tooFastWindow) answers came faster than the texts can be read.",
          .bold),
        StyledLine(""),
        StyledLine(
          "They are kept, flagged too_fast, for a reviewer to look at. Take a moment to reread the guidelines (g), then go on at a pace that lets you read each task."
        ),
        StyledLine(""),
        waitLine(until: until, now: state.now),
      ]
    case .goldPause(let until, let accuracy):
      title = " Check tasks "
      let recent = state.quality.recentGold
      let right = recent.filter { $0 }.count
      lines = [
        StyledLine(
          "\(right) of your last \(recent.count) check tasks were answered as expected (\(percent(accuracy))), below the project's \(percent(config.goldMinAccuracy)).",
          .bold),
        StyledLine(""),
        StyledLine(
          "Your answers are kept but marked below_gold_threshold for review until your accuracy on check tasks recovers. Reread the guidelines (g) before going on."
        ),
        StyledLine(""),
        waitLine(until: until, now: state.now),
      ]
    case .feedback(let feedback):
      title = feedback.correct ? " ✓ Correct " : " ✗ Not the expected answer "
      if state.session.phase == nil {
        lines.append(StyledLine("That was a check task with a known answer.", .bold))
        lines.append(StyledLine(""))
      }
      if !feedback.correct {
        lines.append(StyledLine("You answered:", .bold))
        lines += (feedback.given.isEmpty ? ["(nothing: skipped)"] : feedback.given).map { StyledLine("  " + $0) }
      }
      lines.append(StyledLine(feedback.correct ? "Answer:" : "Expected:", .bold))
      lines += feedback.expected.map { StyledLine("  " + $0) }
      if let explanation = feedback.explanation, !explanation.isEmpty {
        lines.append(StyledLine(""))
        lines.append(StyledLine("Why:", .bold))
        lines.append(StyledLine(explanation))
      }
      lines.append(StyledLine(""))
      lines.append(StyledLine("Enter continue · g guidelines · j/k scroll the task", .dim))
    default:
      return
    }
    let area = layout.main
    let width = min(area.width - 4, 72)
    guard width >= 20 else { return }
    var wrapped: [StyledLine] = []
    for line in lines { wrapped += StyledWrap.wrap(line, width: width - 4) }
    let height = min(area.height - 2, wrapped.count + 2)
    guard height >= 3 else { return }
    // Feedback is about the task under it: the box sits low, over the question, leaving its text readable.
    let y: Int
    if case .feedback = state.overlay {
      y = max(area.y + 1, min(layout.textRule - 1, area.maxY - height))
    } else {
      y = area.y + max(1, (area.height - height) / 3)
    }
    let box = Rect(x: area.x + (area.width - width) / 2, y: y, width: width, height: height)
    Box.draw(&screen, box, title: title)
    let inner = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 2)
    for (row, line) in wrapped.prefix(inner.height).enumerated() {
      screen.write(line, x: inner.x, y: inner.y + row, clip: inner)
    }
  }

  /// The countdown, or how to go on once it is over.
  static func waitLine(until: Double, now: Double) -> StyledLine {
    let left = Int((until - now).rounded(.up))
    if left > 0 { return StyledLine("Labeling continues in \(left) s · g guidelines · q quit", .dim) }
    return StyledLine("Enter continue · g guidelines · q quit", .bold)
  }

  static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}
