import TallyCore
import TallyJSON
import TallyStats
import TallyText

/// What reviews say about the annotators and the reviewers: per annotator, answers reviewed, upheld and
/// overturned (with a Wilson interval) and tasks sent back; per reviewer, tasks settled, median seconds per task
/// and how often a second reviewer changed their decision; and the confusions reviews reveal (annotator said X,
/// the review said Y), most frequent first.
public struct ReviewAudit: Sendable {
  public struct AnnotatorRow: Sendable, Equatable {
    public var annotator: String
    public var reviewed = 0
    public var upheld = 0
    public var overturned = 0
    public var sentBack = 0
    public var overturnedShare: Double? { reviewed > 0 ? Double(overturned) / Double(reviewed) : nil }
    public var overturnedInterval: ClosedRange<Double>? { Wilson.interval(successes: overturned, trials: reviewed) }
  }

  public struct ReviewerRow: Sendable, Equatable {
    public var reviewer: String
    public var settled = 0
    public var sentBack = 0
    public var medianSeconds: Double?
    /// Decisions a later review by someone else changed.
    public var changedByAnother = 0
  }

  public var annotators: [AnnotatorRow] = []
  public var reviewers: [ReviewerRow] = []
  public var confusions: [(said: String, review: String, count: Int)] = []

  public static func make(items: [ReviewItem]) -> ReviewAudit {
    var byAnnotator: [String: AnnotatorRow] = [:]
    var byReviewer: [String: ReviewerRow] = [:]
    var seconds: [String: [Double]] = [:]
    var confusions: [String: [String: Int]] = [:]
    for item in items {
      for a in item.answers where byAnnotator[a.annotator] == nil {
        byAnnotator[a.annotator] = AnnotatorRow(annotator: a.annotator)
      }
      for (n, review) in item.reviews.enumerated() {
        var row = byReviewer[review.reviewer] ?? ReviewerRow(reviewer: review.reviewer)
        if let s = review.activeSeconds { seconds[review.reviewer, default: []].append(s) }
        if review.decision == .sendBack {
          row.sentBack += 1
          for name in review.sentTo { byAnnotator[name, default: AnnotatorRow(annotator: name)].sentBack += 1 }
        } else {
          row.settled += 1
          if let later = item.reviews.dropFirst(n + 1).first(where: {
            $0.reviewer != review.reviewer && $0.decision != .sendBack
          }),
            later.answer?.category != review.answer?.category
          {
            row.changedByAnother += 1
          }
        }
        byReviewer[review.reviewer] = row
      }
      // The standing decision judged against the answers it settled.
      guard let review = item.reviews.last(where: { $0.decision != .sendBack }), let final = review.answer else {
        continue
      }
      for a in item.answers where review.resolves.isEmpty || review.resolves.contains(a.recordID) {
        guard let given = a.answer else { continue }
        byAnnotator[a.annotator, default: AnnotatorRow(annotator: a.annotator)].reviewed += 1
        if given.category == final.category {
          byAnnotator[a.annotator]?.upheld += 1
        } else {
          byAnnotator[a.annotator]?.overturned += 1
          confusions[given.category, default: [:]][final.category, default: 0] += 1
        }
      }
    }
    var audit = ReviewAudit()
    audit.annotators = byAnnotator.values.sorted { $0.annotator < $1.annotator }
    audit.reviewers = byReviewer.values.map { row in
      var row = row
      if let list = seconds[row.reviewer], !list.isEmpty { row.medianSeconds = Percentile.quantile(list, 0.5) }
      return row
    }.sorted { $0.reviewer < $1.reviewer }
    audit.confusions = confusions.flatMap { said, reviews in reviews.map { (said, $0.key, $0.value) } }
      .sorted { ($0.count, $1.said, $1.review) > ($1.count, $0.said, $0.review) }
    return audit
  }

  /// The audit of a project's first question (or `question`).
  public static func make(project: Project, question: Question? = nil) throws -> ReviewAudit? {
    guard let q = question ?? project.config.questions.first else { return nil }
    let store = try LabelStore.load(project: project)
    guard store.entries.contains(where: { $0.type == .review }) else { return nil }
    return make(items: ReviewData.load(project: project, store: store, question: q, dataset: nil).items)
  }

  public var json: JSONValue {
    func number(_ x: Double?) -> JSONValue { x.map(JSONValue.number) ?? .null }
    var o = JSONObject()
    o["annotators"] = .array(
      annotators.map { r in
        .object(
          JSONObject([
            ("annotator", .string(r.annotator)), ("reviewed", .number(Double(r.reviewed))),
            ("upheld", .number(Double(r.upheld))), ("overturned", .number(Double(r.overturned))),
            ("overturned_share", number(r.overturnedShare)),
            ("overturned_low", number(r.overturnedInterval?.lowerBound)),
            ("overturned_high", number(r.overturnedInterval?.upperBound)), ("sent_back", .number(Double(r.sentBack))),
          ]))
      })
    o["reviewers"] = .array(
      reviewers.map { r in
        .object(
          JSONObject([
            ("reviewer", .string(r.reviewer)), ("settled", .number(Double(r.settled))),
            ("sent_back", .number(Double(r.sentBack))), ("median_seconds", number(r.medianSeconds)),
            ("changed_by_another", .number(Double(r.changedByAnother))),
          ]))
      })
    o["confusions"] = .array(
      confusions.map {
        .object(
          JSONObject([
            ("annotator_said", .string($0.said)), ("review_said", .string($0.review)),
            ("count", .number(Double($0.count))),
          ]))
      })
    return .object(o)
  }

  public func table() -> String {
    func pct(_ x: Double?) -> String { x.map { "\(Int(($0 * 100).rounded()))%" } ?? "–" }
    var rows = [["annotator", "reviewed", "upheld", "overturned", "95% interval", "sent back"]]
    for r in annotators {
      rows.append([
        r.annotator, "\(r.reviewed)", "\(r.upheld)", "\(r.overturned) (\(pct(r.overturnedShare)))",
        r.overturnedInterval.map { "\(pct($0.lowerBound))–\(pct($0.upperBound))" } ?? "–", "\(r.sentBack)",
      ])
    }
    var text =
      "\nReviews\n" + TextTable.render(header: rows[0], rows: Array(rows.dropFirst()), rightAligned: [1, 2, 3, 5])
    var reviewerRows = [["reviewer", "settled", "sent back", "median s", "changed by another"]]
    for r in reviewers {
      reviewerRows.append([
        r.reviewer, "\(r.settled)", "\(r.sentBack)",
        r.medianSeconds.map { JSONValue.format(number: ($0 * 10).rounded() / 10) } ?? "–",
        "\(r.changedByAnother)",
      ])
    }
    text +=
      "\n"
      + TextTable.render(header: reviewerRows[0], rows: Array(reviewerRows.dropFirst()), rightAligned: [1, 2, 3, 4])
    if !confusions.isEmpty {
      text += "Confusions reviews found (annotator said → review said):\n"
      for c in confusions.prefix(10) { text += "  \(c.said) → \(c.review): \(c.count)\n" }
    }
    return text
  }
}
