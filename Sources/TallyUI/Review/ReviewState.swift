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
  /// Typing a search (`/`): of the guidelines when they are open, else of the queue's tasks.
  case search(String)
  /// Answering the task yourself on the labeling screen (`editor`): every question kind, spans included.
  case editing
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

/// The review program's state: every task as the queues see it (`summaries`), the queue (positions into them),
/// the full items read so far, where the reviewer is, and what this session decided. Plain values:
/// `ReviewApp.update` changes it, the runner only performs effects (reading an item when it is shown).
public struct ReviewState: Sendable {
  public var question: Question
  public var summaries: [ReviewSummary]
  /// The full items read so far (every answer, the reviews made), by task index.
  public var items: [Int: ReviewItem] = [:]
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
  /// The tasks loaded so far (for the labeling screen an override is given on), by item.
  public var tasks: [Int: LabelTask] = [:]
  public var guidelines: String?
  /// The guidelines page's first line, and the guidelines rendered for the screen's width.
  public var guidelinesScroll = 0
  public var guidelinesRendered: [StyledLine] = []
  public var guidelinesWidth = 0
  /// The task text's first line on screen (j/k scroll it).
  public var textScroll = 0
  /// The last search (`/`), for `N`; and whether the one being typed is of the guidelines.
  public var query = ""
  public var searchingGuidelines = false
  /// The labeling session an override is given in (the project's, with only the question reviewed); the runner
  /// sets it. Without it, `e` is not offered.
  public var editorSession: SessionInfo?
  /// The labeling state while the reviewer answers the task themselves.
  public var editor: AppState?
  /// The queues Tab cycles through, and which one is on screen.
  public var queues: [ReviewQueue] = []
  public var queueIndex = 0
  /// Settled tasks stay in the queues (`--again`).
  public var again = false
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
    question: Question, summaries: [ReviewSummary], queue: [Int], queueName: String, reviewer: String, blind: Bool,
    width: Int, height: Int
  ) {
    self.question = question
    self.summaries = summaries
    self.queue = queue
    self.queueName = queueName
    self.reviewer = reviewer
    self.blind = blind
    self.width = width
    self.height = height
  }

  /// Every item read already (tests and small projects).
  public init(
    question: Question, items: [ReviewItem], queue: [Int], queueName: String, reviewer: String, blind: Bool,
    width: Int, height: Int
  ) {
    self.init(
      question: question, summaries: items.map(\.summary), queue: queue, queueName: queueName, reviewer: reviewer,
      blind: blind, width: width, height: height)
    self.items = Dictionary(uniqueKeysWithValues: items.enumerated().map { ($0.offset, $0.element) })
  }

  /// The task on screen (an index into `summaries`), nil at the end of the queue.
  public var current: Int? { position < queue.count ? queue[position] : nil }

  /// How an annotator of task `index` is named on screen (A1, A2, … in name order with `--blind`).
  public func label(_ annotator: String, at index: Int) -> String {
    guard blind else { return annotator }
    let position = summaries[index].annotators.firstIndex(of: annotator) ?? 0
    return "A\(position + 1)"
  }
}

/// What the review program asks the runner to do.
public enum ReviewEffect: Sendable, Equatable {
  case write(ReviewDraft)
  /// Read task `n`'s text and full item; answer with `.textLoaded`.
  case loadText(Int)
  /// Find the next queue position after `after` (wrapping) whose task matches `query` (its id, text,
  /// annotators, answers or comments); answer with `.found`.
  case find(query: String, after: Int)
  case quit
}

/// What the runner tells the review program.
public enum ReviewEvent: Sendable, Equatable {
  case key(Key)
  case written(item: Int)
  case writeFailed(String)
  /// The task's text, and its prediction when the data has one (read with the text, not at start-up).
  /// `review`: the task's full item (every answer, the reviews made), read when it is shown.
  case textLoaded(item: Int, text: String, prediction: Answer? = nil, task: LabelTask? = nil, review: ReviewItem? = nil)
  /// The queue position a search found (nil: no match).
  case found(query: String, position: Int?)
  case resize(width: Int, height: Int)
}
