#if canImport(Glibc)
  import Glibc
#endif

/// One annotator's current answer to a task, as a reviewer sees it.
public struct ReviewedAnswer: Sendable, Equatable {
  public var annotator: String
  public var recordID: String
  /// nil for a skip.
  public var answer: Answer?
  public var skipReason: String?
  public var flags: [QualityFlag]
  public var activeSeconds: Double?
  public var submittedAt: Double
  /// Side-by-side: the response shown on the left.
  public var shownLeft: String?
  /// Two current answers of this annotator (two machines): sync's concurrent answers.
  public var concurrent = false

  public init(
    annotator: String, recordID: String, answer: Answer?, skipReason: String? = nil, flags: [QualityFlag] = [],
    activeSeconds: Double? = nil, submittedAt: Double, shownLeft: String? = nil
  ) {
    self.annotator = annotator
    self.recordID = recordID
    self.answer = answer
    self.skipReason = skipReason
    self.flags = flags
    self.activeSeconds = activeSeconds
    self.submittedAt = submittedAt
    self.shownLeft = shownLeft
  }
}

/// A review already made of a task.
public struct PastReview: Sendable, Equatable {
  public var reviewer: String
  public var recordID: String
  public var decision: ReviewDecision
  public var answer: Answer?
  public var chose: String?
  public var comment: String?
  public var sentTo: [String]
  public var reason: String?
  public var submittedAt: Double
  public var activeSeconds: Double?
  /// The answer records it settled.
  public var resolves: [String]

  public init(
    reviewer: String, recordID: String, decision: ReviewDecision, answer: Answer?, chose: String? = nil,
    comment: String? = nil, sentTo: [String] = [], reason: String? = nil, submittedAt: Double,
    activeSeconds: Double? = nil, resolves: [String] = []
  ) {
    self.reviewer = reviewer
    self.recordID = recordID
    self.decision = decision
    self.answer = answer
    self.chose = chose
    self.comment = comment
    self.sentTo = sentTo
    self.reason = reason
    self.submittedAt = submittedAt
    self.activeSeconds = activeSeconds
    self.resolves = resolves
  }
}

/// One task for review: every annotator's current answer, the aggregate, what is known (gold, prediction), and
/// the reviews made of it.
public struct ReviewItem: Sendable, Equatable {
  public static func == (a: ReviewItem, b: ReviewItem) -> Bool {
    a.task == b.task && a.order == b.order && a.answers == b.answers && a.aggregate == b.aggregate
      && a.confidence == b.confidence && a.gold == b.gold && a.prediction == b.prediction && a.reviews == b.reviews
  }

  public var task: String
  /// Data order (for queues that keep it).
  public var order: Int
  public var answers: [ReviewedAnswer] { didSet { tally = ReviewItem.count(answers) } }
  /// The given answers' categories with how many gave each, most first (then by name).
  public private(set) var tally: [(category: String, count: Int)] = []
  /// The aggregate's answer and confidence (nil without answers).
  public var aggregate: Answer?
  public var confidence: Double
  public var gold: Answer?
  public var prediction: Answer?
  /// Oldest first: the last stands.
  public var reviews: [PastReview] = []

  public init(
    task: String, order: Int, answers: [ReviewedAnswer], aggregate: Answer?, confidence: Double,
    gold: Answer? = nil, prediction: Answer? = nil, reviews: [PastReview] = []
  ) {
    self.task = task
    self.order = order
    self.answers = answers
    self.tally = ReviewItem.count(answers)
    self.aggregate = aggregate
    self.confidence = confidence
    self.gold = gold
    self.prediction = prediction
    self.reviews = reviews
  }

  static func count(_ answers: [ReviewedAnswer]) -> [(category: String, count: Int)] {
    tally(answers.compactMap { $0.answer?.category })
  }

  /// Categories with how many gave each, most first (then by name).
  public static func tally(_ categories: [String]) -> [(category: String, count: Int)] {
    var counts: [(category: String, count: Int)] = []
    for category in categories {
      if let i = counts.firstIndex(where: { $0.category == category }) {
        counts[i].count += 1
      } else {
        counts.append((category, 1))
      }
    }
    return counts.sorted { ($0.count, $1.category) > ($1.count, $0.category) }
  }

  /// How many annotators gave the most common answer.
  public var agreeing: Int { tally.first?.count ?? 0 }

  /// The answers differ.
  public var disagrees: Bool { tally.count > 1 }

  /// Entropy (bits) of the answers' categories: the uncertainty the disagreement queue sorts by.
  public var entropy: Double { ReviewItem.entropy(tally.map(\.count)) }

  /// Entropy (bits) of a distribution given as counts.
  public static func entropy(_ counts: [Int]) -> Double {
    let n = Double(counts.reduce(0, +))
    guard n > 0 else { return 0 }
    var h = 0.0
    for c in counts where c > 0 {
      let p = Double(c) / n
      h -= p * log2(p)
    }
    return h
  }

  /// The review that stands: the latest, unless an annotator answered again after it (a task sent back and
  /// answered, or a changed answer) — then the task is open again.
  public var standingReview: PastReview? {
    ReviewItem.standing(reviews, latestAnswer: answers.map(\.submittedAt).max())
  }

  /// The review of `reviews` (oldest first) that stands, given when the latest answer was submitted.
  public static func standing(_ reviews: [PastReview], latestAnswer: Double?) -> PastReview? {
    guard let last = reviews.last else { return nil }
    if let latest = latestAnswer, latest > last.submittedAt { return nil }
    return last
  }

  /// Settled: a review that stands and is not a send-back.
  public var settled: Bool {
    guard let review = standingReview else { return false }
    return review.decision != .sendBack
  }

  public var flagged: Bool { answers.contains { !$0.flags.isEmpty || $0.concurrent } }
}

/// The review queues: which tasks, in which order. Pure, so each policy is unit-tested.
public enum ReviewQueue: Sendable, Equatable {
  /// Tasks whose answers differ, most uncertain first (entropy, then the aggregate's lowest confidence).
  case disagreements
  /// Tasks with an answer flagged by the quality checks, or concurrent answers from two machines.
  case flagged
  /// A seeded random share of each annotator's work, so everyone is audited, unanimous tasks included.
  case sample(rate: Double, seed: UInt64)
  /// All of one annotator's work.
  case annotator(String)
  /// Tasks where the prediction and the humans' aggregate differ.
  case model
  case all

  public var name: String {
    switch self {
    case .disagreements: return "disagreements"
    case .flagged: return "flagged"
    case .sample: return "sample"
    case .annotator(let name): return "annotator \(name)"
    case .model: return "model"
    case .all: return "all"
    }
  }

  /// Parses `--queue` (`annotator NAME` or `annotator:NAME` for one person's work).
  public static func parse(_ text: String, rate: Double, seed: UInt64) -> ReviewQueue? {
    switch text {
    case "disagreements": return .disagreements
    case "flagged": return .flagged
    case "sample": return .sample(rate: rate, seed: seed)
    case "model": return .model
    case "all": return .all
    default:
      for prefix in ["annotator ", "annotator:", "annotator="] where text.hasPrefix(prefix) {
        let name = String(text.dropFirst(prefix.count))
        return name.isEmpty ? nil : .annotator(name)
      }
      return nil
    }
  }

  /// The queue's items (indices into `items`), in review order; settled tasks only with `again`.
  public func order(_ items: [ReviewItem], again: Bool = false) -> [Int] {
    order(items.map(\.summary), again: again)
  }

  /// The queue's tasks (indices into `tasks`), in review order; settled tasks only with `again`.
  public func order(_ tasks: [ReviewSummary], again: Bool = false) -> [Int] {
    let open = tasks.indices.filter { again || !tasks[$0].settled }
    switch self {
    case .disagreements:
      // The keys computed once per task, not per comparison.
      let keyed = open.filter { tasks[$0].disagrees }.map {
        ($0, tasks[$0].entropy, tasks[$0].confidence, tasks[$0].order)
      }
      return keyed.sorted { x, y in
        if x.1 != y.1 { return x.1 > y.1 }
        if x.2 != y.2 { return x.2 < y.2 }
        return x.3 < y.3
      }.map(\.0)
    case .flagged:
      return open.filter { tasks[$0].flagged }.sorted { tasks[$0].order < tasks[$1].order }
    case .sample(let rate, let seed):
      // Each (annotator, task) drawn with probability `rate` by a hash: the same seed, the same sample.
      let drawn = open.compactMap { i -> (Int, UInt64)? in
        let scores = tasks[i].annotators.map { ReviewQueue.draw(seed: seed, annotator: $0, task: tasks[i].task) }
        guard let best = scores.min(), Double(best) / Double(UInt64.max) < rate else { return nil }
        return (i, best)
      }
      return drawn.sorted { $0.1 < $1.1 }.map(\.0)
    case .annotator(let name):
      return open.filter { tasks[$0].annotators.contains(name) }.sorted { tasks[$0].order < tasks[$1].order }
    case .model:
      return open.filter { i in
        guard let p = tasks[i].prediction, let a = tasks[i].aggregate else { return false }
        return p != a
      }.sorted { tasks[$0].order < tasks[$1].order }
    case .all:
      return open.sorted { tasks[$0].order < tasks[$1].order }
    }
  }

  /// A uniform 64-bit draw for (seed, annotator, task).
  public static func draw(seed: UInt64, annotator: String, task: String) -> UInt64 {
    Assignment.weight(seed: seed ^ 0x5EED_5A3B_1E00_0000, task: task, annotator: annotator)
  }
}

/// Where a final answer came from.
public enum FinalSource: String, Sendable, Equatable {
  case review, aggregate, unanimous, single
}

/// The final dataset's rule: the review that stands if there is one, else a unanimous answer, else the single
/// annotator's, else the aggregate.
public enum FinalAnswer {
  public static func resolve(_ item: ReviewItem) -> (
    answer: Answer?, source: FinalSource, confidence: Double,
    reviewer: String?
  )? {
    if item.settled, let review = item.standingReview {
      return (review.answer, .review, 1, review.reviewer)
    }
    let given = item.answers.compactMap(\.answer)
    guard !given.isEmpty else { return nil }
    if given.count == 1 { return (given[0], .single, 1, nil) }
    if Set(given.map(\.category)).count == 1 { return (given[0], .unanimous, 1, nil) }
    return (item.aggregate, .aggregate, item.confidence, nil)
  }
}
