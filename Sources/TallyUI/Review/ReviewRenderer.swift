import TallyCore
import TallyText

/// Draws the review program into a screen of cells: the task, every annotator's answer, the aggregate, what is
/// known, the reviews made, and the keys. Untrusted text goes through the same cells as labeling.
public enum ReviewRenderer {
  public static func render(_ state: ReviewState, into screen: inout Screen) {
    screen.reset(width: state.width, height: state.height)
    let w = screen.width
    let h = screen.height
    guard w >= 20, h >= 8 else {
      _ = screen.write("Make the terminal larger.", x: 0, y: 0)
      return
    }
    var lines: [StyledLine] = []
    func add(_ line: StyledLine, indent: Int = 0) {
      lines += StyledWrap.wrap(line, width: w, restIndent: StyledLine(String(repeating: " ", count: indent)))
    }
    let title: String
    if let item = state.current {
      title =
        " Review · \(state.queueName) · \(state.position + 1)/\(state.queue.count) · task \(state.summaries[item].task)"
        + " · \(state.decided.count) decided "
    } else {
      title = " Review · \(state.queueName) · \(state.decided.count) decided "
    }
    switch state.mode {
    case .help:
      add(StyledLine("Review keys", .bold))
      for row in ReviewKeymap.helpRows() {
        add(StyledLine([StyledRun(pad(row.keys, 12), .bold), StyledRun(row.help, .plain)]), indent: 12)
      }
      draw(lines, title: title, state: state, into: &screen)
      return
    case .guidelines:
      lines = Array(state.guidelinesRendered.dropFirst(state.guidelinesScroll))
      draw(lines, title: title + "· guidelines ", state: state, into: &screen)
      return
    case .search where state.searchingGuidelines:
      lines = Array(state.guidelinesRendered.dropFirst(state.guidelinesScroll))
      draw(lines, title: title + "· guidelines ", state: state, into: &screen)
      return
    default: break
    }
    guard let index = state.current else {
      add(
        StyledLine(
          state.queue.isEmpty
            ? "✓ Nothing to review in the \(state.queueName) queue."
            : "✓ End of the \(state.queueName) queue: \(state.decided.count) decided this session.", .bold))
      add(StyledLine("p goes back · q quits", .dim))
      draw(lines, title: title, state: state, into: &screen)
      return
    }
    guard let item = state.items[index] else {
      add(StyledLine("Reading the task…", .dim))
      draw(lines, title: title, state: state, into: &screen)
      return
    }
    let question = state.question
    // The task, at most half the screen; j/k scroll it. Spans: the merged (majority) spans drawn in the text.
    let text = state.texts[index] ?? "…"
    let room = max(3, (h - 4) / 2)
    var spanText: (lines: [WrappedLine], spans: [Span], shown: Int)?
    if question.kind == .spans, case .spans(let merged)? = item.aggregate {
      let wrapped = TextWrap.wrap(text, width: max(10, w - 2), inserts: SpanEditor.tags(merged))
      let start = min(state.textScroll, max(0, wrapped.count - 1))
      let shown = min(room, wrapped.count - start)
      spanText = (wrapped, merged, shown)
      lines += Array(repeating: StyledLine(""), count: shown)
    } else {
      var textLines: [StyledLine] = []
      for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        textLines += StyledWrap.wrap(
          StyledLine(String(paragraph)), width: w - 2, firstIndent: StyledLine("  "), restIndent: StyledLine("  "))
      }
      let start = min(state.textScroll, max(0, textLines.count - 1))
      textLines = Array(textLines.dropFirst(start))
      if textLines.count > room {
        textLines = Array(textLines.prefix(room - 1)) + [StyledLine("  … (j/k scroll)", .dim)]
      }
      lines += textLines
    }
    add(StyledLine(""))
    // Every annotator's answer.
    let given = item.answers.filter { $0.answer != nil }.count
    add(StyledLine("\(question.name): \(item.answers.count) annotators, \(item.agreeing) of \(given) agree", .bold))
    for (n, a) in item.answers.enumerated() {
      let key = n < Keymap.pickKeys.count ? "⇧\(n + 1)" : "  "
      var runs = [StyledRun("  \(key) ", .dim), StyledRun(pad(state.label(a.annotator, at: index), 10), .bold)]
      if let answer = a.answer {
        runs.append(StyledRun(answer.display(question), .plain))
      } else {
        runs.append(StyledRun("skipped" + (a.skipReason.map { " (“\($0)”)" } ?? ""), .dim))
      }
      if let left = a.shownLeft { runs.append(StyledRun("  (\(left) on the left)", .dim)) }
      if let seconds = a.activeSeconds { runs.append(StyledRun("  \(format(seconds)) s", .dim)) }
      if let accuracy = state.accuracy[a.annotator] {
        runs.append(StyledRun("  est. \(Int((accuracy * 100).rounded()))%", .dim))
      }
      for flag in a.flags { runs.append(StyledRun("  ⚑ \(flag.rawValue)", Style(foreground: .yellow))) }
      if a.concurrent { runs.append(StyledRun("  ⚑ two current answers", Style(foreground: .yellow))) }
      add(StyledLine(runs), indent: 15)
    }
    if let aggregate = item.aggregate {
      add(
        StyledLine([
          StyledRun(question.kind == .spans ? "  majority   " : "  aggregate  ", .dim),
          StyledRun(aggregate.display(question), .bold),
          StyledRun("  \(Int((item.confidence * 100).rounded()))%", .plain),
        ]), indent: 13)
    }
    if let gold = item.gold { add(StyledLine("  gold       " + gold.display(question)), indent: 13) }
    if let prediction = item.prediction { add(StyledLine("  predicted  " + prediction.display(question)), indent: 13) }
    for review in item.reviews.suffix(2) {
      let what: String
      switch review.decision {
      case .acceptAggregate: what = "accepted the aggregate"
      case .chose: what = "chose \(review.chose.map { state.label($0, at: index) } ?? "?")"
      case .override: what = "answered \(review.answer?.display(question) ?? "")"
      case .sendBack:
        what =
          "sent it back to \(review.sentTo.map { state.label($0, at: index) }.joined(separator: ", ")): \(review.reason ?? "")"
      }
      add(
        StyledLine(
          "  reviewed   \(review.reviewer) \(what)" + (review.comment.map { " — “\($0)”" } ?? ""), .dim), indent: 13)
    }
    if let decided = state.decided[index] { add(StyledLine("  ✓ decided this session (\(decided.rawValue))", .bold)) }
    let keys = ReviewApp.optionKeys(question)
    let edit = Keymap.keyLabels(.editAnswer, in: .review)
    if !keys.isEmpty {
      let options = zip(keys, question.options).map { "\($0.0) \($0.1.display)" }.joined(separator: " · ")
      let there = question.kind == .single || question.kind == .rating ? "" : " (on the labeling screen)"
      add(StyledLine("  your answer: " + options + there, .dim), indent: 15)
    } else if state.editorSession != nil {
      add(StyledLine("  your answer: \(edit) (on the labeling screen, the aggregate to start from)", .dim), indent: 15)
    }
    if let comment = state.pendingComment { add(StyledLine("  comment: “\(comment)”", .italic), indent: 12) }
    draw(lines, title: title, state: state, into: &screen)
    if let spanText {
      SpanView.draw(
        &screen, lines: spanText.lines, spans: spanText.spans, from: state.textScroll,
        area: Rect(x: 2, y: 1, width: w - 2, height: spanText.shown), question: question)
    }
  }

  static func draw(_ lines: [StyledLine], title: String, state: ReviewState, into screen: inout Screen) {
    let w = screen.width
    let h = screen.height
    _ = screen.write(pad(title, w), x: 0, y: 0, style: .reverse)
    // Bottom: the prompt or message, then the hint line.
    var bottom: [StyledLine] = []
    switch state.mode {
    case .comment(let text): bottom.append(StyledLine("Comment: \(text)▏  (Enter keeps it, Esc drops it)", .bold))
    case .sendBack(let to, let reason):
      var whom = "all its annotators"
      if let to { whom = state.current.map { state.label(to, at: $0) } ?? to }
      bottom.append(StyledLine("Send back to \(whom) (Tab: whom) — reason: \(reason)▏", .bold))
    case .search(let typed):
      bottom.append(
        StyledLine(
          "Search \(state.searchingGuidelines ? "the guidelines" : "the queue (id, text, names, answers, comments)"): "
            + "\(typed)▏", .bold))
    default:
      if let message = state.message { bottom.append(StyledLine(message, .bold)) }
    }
    let bottomLines = bottom.flatMap { StyledWrap.wrap($0, width: w) }
    let body = max(0, h - 2 - bottomLines.count)
    for (y, line) in lines.prefix(body).enumerated() { _ = screen.write(line, x: 0, y: y + 1) }
    for (n, line) in bottomLines.enumerated() { _ = screen.write(line, x: 0, y: h - 1 - bottomLines.count + n) }
    _ = screen.write(
      ReviewKeymap.hint(width: w), x: 0, y: h - 1, style: .dim, clip: Rect(x: 0, y: h - 1, width: w, height: 1))
  }

  static func pad(_ text: String, _ width: Int) -> String {
    let used = DisplayWidth.of(text)
    return used >= width ? text : text + String(repeating: " ", count: width - used)
  }

  static func format(_ x: Double) -> String {
    let tenths = (x * 10).rounded() / 10
    return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
  }
}
