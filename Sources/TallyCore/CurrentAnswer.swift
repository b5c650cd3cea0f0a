/// The task a record is about, as every reader keys it: its id, and whether it is a gold task (a gold task is
/// kept apart from a data task with the same id: gold files are often made from data items).
public struct TaskKey: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var id: String
  public var gold: Bool

  public init(_ id: String, gold: Bool = false) {
    self.id = id
    self.gold = gold
  }

  public static func < (a: TaskKey, b: TaskKey) -> Bool { (a.gold ? 1 : 0, a.id) < (b.gold ? 1 : 0, b.id) }

  public var description: String { gold ? "gold task `\(id)`" : "task `\(id)`" }
}

extension TaskKey: ExpressibleByStringLiteral {
  /// A data task's key (tests and tables write `"t1"`).
  public init(stringLiteral id: String) { self.init(id) }
}

extension LabelRecord {
  /// The task this record is about (nil for events).
  public var taskKey: TaskKey? { task.map { TaskKey($0, gold: gold) } }

  /// What the current-answer rule reads of this record.
  public var version: RecordVersion { RecordVersion(id: id, supersedes: supersedes, submittedAt: submittedAt) }
}

/// What the current-answer rule needs to know of a record.
public struct RecordVersion: Sendable, Equatable {
  public var id: String
  public var supersedes: String?
  public var submittedAt: Double

  public init(id: String, supersedes: String?, submittedAt: Double) {
    self.id = id
    self.supersedes = supersedes
    self.submittedAt = submittedAt
  }
}

/// Two or more current answers of one annotator to one task: answers given in two sessions or on two machines
/// that did not see each other. The later one (by `submitted_at`, then id) counts; both are kept and named.
public struct AnswerConflict: Sendable, Equatable {
  public var task: TaskKey
  public var annotator: String
  /// Every current record id, the one that counts first.
  public var recordIDs: [String]

  public init(task: TaskKey, annotator: String, recordIDs: [String]) {
    self.task = task
    self.annotator = annotator
    self.recordIDs = recordIDs
  }
}

/// The one rule that decides the current answer of a (task, annotator), used by every reader (the labeling
/// session, export, the quality report, aggregation, review and sync).
///
/// File order is not causal order once logs from several machines are merged, so: a record that another record
/// of the same (task, annotator) supersedes is never current; among the records left, the latest
/// `submitted_at` counts, then the larger record id. More than one record left is a conflict.
public enum CurrentAnswer {
  /// The index of the current version, and the indices of the other versions that are current too (a conflict
  /// when not empty), latest first.
  public static func resolve(_ versions: [RecordVersion]) -> (current: Int, concurrent: [Int]) {
    precondition(!versions.isEmpty, "no versions to resolve")
    if versions.count == 1 { return (0, []) }
    let superseded = Set(versions.compactMap(\.supersedes))
    var candidates = versions.indices.filter { !superseded.contains(versions[$0].id) }
    // Every record superseded by another (a cycle: a rewritten log): fall back to time.
    if candidates.isEmpty { candidates = Array(versions.indices) }
    candidates.sort { isLater(versions[$0], than: versions[$1]) }
    return (candidates[0], Array(candidates.dropFirst()))
  }

  /// True when `a` wins over `b` where neither supersedes the other: later `submitted_at`, then larger id.
  public static func isLater(_ a: RecordVersion, than b: RecordVersion) -> Bool {
    (a.submittedAt, a.id) > (b.submittedAt, b.id)
  }
}

/// Where a record was read: a log file and a line in it.
public struct RecordPlace: Sendable, Equatable, Hashable {
  public var file: String
  public var line: Int

  public init(file: String, line: Int) {
    self.file = file
    self.line = line
  }
}
