/// What the review queues need to know of one task, without its answers: built for every task when review
/// opens, small enough for a million records; the full `ReviewItem` is read only when the task is shown.
public struct ReviewSummary: Sendable, Equatable {
  public var task: String
  /// Data order (for queues that keep it).
  public var order: Int
  /// The annotators with a current answer or skip, in name order.
  public var annotators: [String]
  /// How many gave the most common answer, and how many gave any.
  public var agreeing: Int
  public var answered: Int
  /// Entropy (bits) of the answers' categories.
  public var entropy: Double
  /// The aggregate's confidence (its vote share unless an aggregation method set it).
  public var confidence: Double
  /// Different answers were given.
  public var disagrees: Bool
  /// An answer was flagged by the quality checks, or two machines gave concurrent answers.
  public var flagged: Bool
  /// A review stands that is not a send-back.
  public var settled: Bool
  /// The aggregate's category, nil without answers.
  public var aggregate: String?
  /// The prediction's category, where known.
  public var prediction: String?

  /// `tally`: the given answers' categories with their counts, most first.
  public init(
    task: String, order: Int, annotators: [String], tally: [(category: String, count: Int)], confidence: Double,
    flagged: Bool, settled: Bool, aggregate: String?, prediction: String? = nil
  ) {
    self.task = task
    self.order = order
    self.annotators = annotators
    agreeing = tally.first?.count ?? 0
    answered = tally.reduce(0) { $0 + $1.count }
    entropy = ReviewItem.entropy(tally.map(\.count))
    self.confidence = confidence
    disagrees = tally.count > 1
    self.flagged = flagged
    self.settled = settled
    self.aggregate = aggregate
    self.prediction = prediction
  }
}

extension ReviewItem {
  /// The item as the queues see it.
  public var summary: ReviewSummary {
    ReviewSummary(
      task: task, order: order, annotators: answers.map(\.annotator), tally: tally, confidence: confidence,
      flagged: flagged, settled: settled, aggregate: aggregate?.category, prediction: prediction?.category)
  }
}
