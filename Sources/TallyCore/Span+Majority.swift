extension Span {
  /// The merged (majority) spans of several annotators' answers: each span (start, end, label) that more than
  /// half of the `answers` marked, in text order. Annotators who marked nothing count (they voted against).
  public static func majority(_ answers: [[Span]]) -> [Span] {
    guard !answers.isEmpty else { return [] }
    var votes: [Span: Int] = [:]
    var order: [Span] = []
    for spans in answers {
      for span in Set(spans.map { Span(start: $0.start, end: $0.end, label: $0.label, text: $0.text) }) {
        if votes[span] == nil { order.append(span) }
        votes[span, default: 0] += 1
      }
    }
    return order.filter { (votes[$0] ?? 0) * 2 > answers.count }.sorted {
      ($0.start, $0.end, $0.label) < ($1.start, $1.end, $1.label)
    }
  }
}
