import TallyCore

/// Something that happened, given to `update` with the time it happened and a fresh unique id
/// (so `update` stays deterministic: it never reads a clock or makes ids).
public struct Input: Sendable, Equatable {
  public var event: Event
  /// Seconds since 1970.
  public var time: Double
  /// A globally unique id, used if this input creates a record.
  public var freshID: String

  public init(_ event: Event, time: Double, freshID: String = "") {
    self.event = event
    self.time = time
    self.freshID = freshID
  }
}

/// The events the app reacts to.
public enum Event: Sendable, Equatable {
  case key(Key)
  case resize(width: Int, height: Int)
  /// The task the runner loaded for a `.load` effect.
  case loaded(LoadedTask)
  /// A record from an `.append` effect is durable (written and fsync'd) at this log offset.
  case appended(recordID: String, offset: Int64)
  /// A record could not be written; the screen stays where it is.
  case appendFailed(recordID: String, message: String)
  /// The background pass over the data file finished.
  case dataChecked(DataSummary)
  /// Time passed (once a second), for the clock and rates.
  case tick
}

/// The result of a full pass over the data file.
public struct DataSummary: Sendable, Equatable {
  public var malformed: Int
  public var duplicates: Int
  public var firstProblem: String?

  public init(malformed: Int, duplicates: Int, firstProblem: String? = nil) {
    self.malformed = malformed
    self.duplicates = duplicates
    self.firstProblem = firstProblem
  }
}

/// Which task to load.
public enum LoadRequest: Sendable, Equatable {
  /// Exactly this queue position.
  case exact(Int)
  /// The first position at or after this one whose task this annotator has not handled yet.
  case nextUnhandled(from: Int)
  /// The first position whose task this annotator skipped.
  case firstSkipped
  /// The next skipped task after this position, else the first task not yet handled.
  case nextSkipped(from: Int)
}

/// A task loaded for display: its queue position, the task (or why its line cannot be read) and the
/// annotator's current record for it, if any.
public struct LoadedTask: Sendable, Equatable {
  public var position: Int
  public var task: LabelTask?
  public var problem: DataProblem?
  public var previous: LabelRecord?
  /// The known answer, for a gold task mixed into the queue and for every training or exam task.
  public var gold: GoldAnswer?
  /// A gold task in the labeling queue (shown like any other; scored and recorded as `gold: true`).
  public var isGoldSlot = false
  /// Which data task this is (1 = the first that can be labeled), as the title counts; a gold task gets the
  /// number of the data task after it, so the count never gives checks away.
  public var ordinal: Int?
  /// Shown over the task when it loads (a reviewer sent it back, and why).
  public var notice: String?

  public init(
    position: Int, task: LabelTask? = nil, problem: DataProblem? = nil, previous: LabelRecord? = nil,
    gold: GoldAnswer? = nil, isGoldSlot: Bool = false
  ) {
    self.position = position
    self.task = task
    self.problem = problem
    self.previous = previous
    self.gold = gold
    self.isGoldSlot = isGoldSlot
  }

  /// The key of this task in `AppState.handled` (gold tasks apart from data tasks with the same id).
  public var taskKey: TaskKey? { task.map { TaskKey($0.id, gold: isGoldSlot) } }

  /// The end of the queue.
  public static func end(total: Int) -> LoadedTask { LoadedTask(position: total) }
}

/// Work for the runner: plain values, performed outside `update`.
public enum Effect: Sendable, Equatable {
  /// Append a record to the annotator's log and fsync; answer with `.appended` or `.appendFailed`.
  case append(LabelRecord)
  /// Load a task; answer with `.loaded`.
  case load(LoadRequest)
  case quit
}

/// What the annotator has done with a task: answered or skipped, and where its latest record is.
public struct HandledTask: Sendable, Equatable {
  public var skipped: Bool
  /// Offset of the latest record in the annotator's log (nil until written).
  public var logOffset: Int64?

  public init(skipped: Bool, logOffset: Int64?) {
    self.skipped = skipped
    self.logOffset = logOffset
  }
}
