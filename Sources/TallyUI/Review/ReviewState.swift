import TallyCore
import TallyJSON
import TallyText

/// What the reviewer is doing besides deciding: typing a comment, choosing whom to send a task back to and why,
/// or reading the keys or the guidelines.
public enum ReviewMode: Sendable, Equatable {
  case deciding
  case comment(String)
  /// Sending back: to whom (nil: all of the task's annotators) and the reason typed so far.
  case sendBack(to: String?, reason: String)
  case help
  case guidelines
}

/// A decision the runner writes: a `review` record, fsync'd, before the screen moves on.
public struct ReviewDraft: Sendable, Equatable {
  public var item: Int
  public var decision: ReviewDecision
  public var answer: Answer?
  public var chose: String?
  public var comment: String?
  public var sentTo: [String] = []
  public var reason: String?
  /// The answer records this decision settles.
  public var resolves: [String]
  public var activeSeconds: Double
}

/// The review program's state: the items, the queue (positions into `items`), where the reviewer is, and what
/// this session decided. Plain values: `ReviewApp.update` changes it, the runner only performs effects.
public struct ReviewState: Sendable {
  public var question: Question
  public var items: [ReviewItem]
  public var queue: [Int]
  public var queueName: String
  public var position = 0
  public var reviewer: String
  /// Annotator names shown as A1, A2, … (`--blind`).
  public var blind: Bool
  /// Estimated accuracy per annotator (Dawid–Skene), where known.
  public var accuracy: [String: Double] = [:]
  /// Task texts loaded so far, by item.
  public var texts: [Int: String] = [:]
  public var guidelines: String?
  public var mode: ReviewMode = .deciding
  /// A comment typed with `c`, attached to the next decision on this task.
  public var pendingComment: String?
  public var message: String?
  /// The decision being written (keys wait until it is durable).
  public var pending: ReviewDraft?
  /// Items decided in this session, and how.
  public var decided: [Int: ReviewDecision] = [:]
  public var width: Int
  public var height: Int
  /// When the current task was shown (for the review's active seconds).
  public var shownAt: Double = 0

  public init(
    question: Question, items: [ReviewItem], queue: [Int], queueName: String, reviewer: String, blind: Bool,
    width: Int, height: Int
  ) {
    self.question = question
    self.items = items
    self.queue = queue
    self.queueName = queueName
    self.reviewer = reviewer
    self.blind = blind
    self.width = width
    self.height = height
  }

  /// The item on screen, nil at the end of the queue.
  public var current: Int? { position < queue.count ? queue[position] : nil }

  /// How an annotator is named on screen.
  public func label(_ annotator: String, in item: ReviewItem) -> String {
    guard blind else { return annotator }
    let index = item.answers.firstIndex { $0.annotator == annotator } ?? 0
    return "A\(index + 1)"
  }
}

/// What the review program asks the runner to do.
public enum ReviewEffect: Sendable, Equatable {
  case write(ReviewDraft)
  case loadText(Int)
  case quit
}

/// What the runner tells the review program.
public enum ReviewEvent: Sendable, Equatable {
  case key(Key)
  case written(item: Int)
  case writeFailed(String)
  /// The task's text, and its prediction when the data has one (read with the text, not at start-up).
  case textLoaded(item: Int, text: String, prediction: Answer? = nil)
  case resize(width: Int, height: Int)
}
