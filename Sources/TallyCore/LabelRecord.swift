import TallyJSON

/// The kind of a label-log record.
public enum RecordType: String, Sendable, Equatable {
  /// Answers to a task's questions.
  case answer
  /// The annotator skipped the task.
  case skip
  /// Something that happened in a session (guidelines opened, a pause), not tied to an answer.
  case event
  /// A reviewer's decision on a task: which records it settles, and how (never an annotator's answer).
  case review
}

/// How a review settles a task.
public enum ReviewDecision: String, Sendable, Equatable, CaseIterable {
  /// The aggregate of the annotators' answers is the final answer.
  case acceptAggregate = "accept_aggregate"
  /// One annotator's answer is the final answer (`chose` names them).
  case chose
  /// The reviewer's own answer is the final answer.
  case override
  /// Back to (some of) its annotators with a reason; not settled.
  case sendBack = "send_back"
}

/// What a quality check found about an answer. Flagged answers are kept; reviewers decide.
public enum QualityFlag: String, Sendable, Equatable, CaseIterable {
  /// Answered in less active time than the task needs to be read.
  case tooFast = "too_fast"
  /// Part of a run of the same answer that the annotator's answer distribution makes unlikely.
  case sameAnswerRun = "same_answer_run"
  /// Given while the annotator's recent gold accuracy was below the project's threshold.
  case belowGoldThreshold = "below_gold_threshold"
}

/// Answers given in training or an exam rather than in labeling.
public enum Phase: String, Sendable, Equatable {
  case training
  case exam
}

/// One line of an annotator's append-only label log.
///
/// Records are never rewritten: changing an answer appends a record whose `supersedes` names the one it
/// replaces. Ids are globally unique, so merging logs is a union.
public struct LabelRecord: Sendable, Equatable {
  public static let formatVersion = 1

  public var id: String
  public var type: RecordType
  public var task: String?
  /// 1-based line of the task in the data file when it was labeled.
  public var line: Int?
  public var annotator: String
  /// Question name → answer: a string (single), a list (multi, or a taxonomy path).
  public var answers: JSONObject
  public var skipReason: String?
  /// For events: what happened, e.g. `guidelines_opened`.
  public var event: String?
  public var shownAt: Double?
  public var submittedAt: Double
  public var activeSeconds: Double?
  public var guidelinesVersion: String?
  public var tool: String
  public var supersedes: String?
  /// True when the answer equals the data's prediction as shown.
  public var acceptedPrediction: Bool?
  /// Side-by-side tasks: which response (`a` or `b`) was shown on the left.
  public var shownLeft: String?
  /// What the quality checks found (`too_fast`, `same_answer_run`, `below_gold_threshold`); the label is kept.
  public var flags: [QualityFlag] = []
  /// A gold (attention-check) task, and whether the answer matched the expected one.
  public var gold = false
  public var correct: Bool?
  /// Training or exam answers (kept out of the labels); nil for labeling.
  public var phase: Phase?
  /// For events: what happened in detail (a pause's length, an exam's score).
  public var details: JSONObject?
  /// The SHA-256 (hex) of the previous record line of the same log, `LogChain.genesis` for the first: the
  /// hash chain that makes an edited, removed, inserted or reordered record show. Set by the log writer.
  public var prev: String?
  /// An Ed25519 signature (base64) of the line without this field, by the annotator's key. Always last.
  public var sig: String?
  /// Reviews: the records the review settles, the decision, the annotator chosen, the reviewer's comment, the
  /// queue it was made in, and for a task sent back, to whom and why. The final answer is in `answers`.
  public var resolves: [String] = []
  public var decision: ReviewDecision?
  public var chose: String?
  public var comment: String?
  public var queue: String?
  public var sentTo: [String] = []
  public var reason: String?

  public init(
    id: String, type: RecordType, task: String? = nil, line: Int? = nil, annotator: String,
    answers: JSONObject = JSONObject(), skipReason: String? = nil, event: String? = nil, shownAt: Double? = nil,
    submittedAt: Double, activeSeconds: Double? = nil, guidelinesVersion: String? = nil, tool: String,
    supersedes: String? = nil, acceptedPrediction: Bool? = nil
  ) {
    self.id = id
    self.type = type
    self.task = task
    self.line = line
    self.annotator = annotator
    self.answers = answers
    self.skipReason = skipReason
    self.event = event
    self.shownAt = shownAt
    self.submittedAt = submittedAt
    self.activeSeconds = activeSeconds
    self.guidelinesVersion = guidelinesVersion
    self.tool = tool
    self.supersedes = supersedes
    self.acceptedPrediction = acceptedPrediction
  }
}

extension LabelRecord {
  /// The record as a JSON object, keys in a fixed order.
  public var json: JSONValue {
    var o = JSONObject()
    o["v"] = .number(Double(LabelRecord.formatVersion))
    o["id"] = .string(id)
    o["type"] = .string(type.rawValue)
    if let task { o["task"] = .string(task) }
    if let line { o["line"] = .number(Double(line)) }
    o["annotator"] = .string(annotator)
    if type == .answer || (type == .review && !answers.isEmpty) { o["answers"] = .object(answers) }
    if let skipReason { o["skip_reason"] = .string(skipReason) }
    if let event { o["event"] = .string(event) }
    if let shownAt { o["shown_at"] = .string(Timestamp.iso8601(shownAt)) }
    o["submitted_at"] = .string(Timestamp.iso8601(submittedAt))
    if let activeSeconds { o["active_seconds"] = .number((activeSeconds * 1000).rounded() / 1000) }
    if let guidelinesVersion { o["guidelines_version"] = .string(guidelinesVersion) }
    o["tool"] = .string(tool)
    if let supersedes { o["supersedes"] = .string(supersedes) }
    if let acceptedPrediction { o["accepted_prediction"] = .bool(acceptedPrediction) }
    if let shownLeft { o["shown_left"] = .string(shownLeft) }
    if !flags.isEmpty { o["flags"] = .array(flags.map { .string($0.rawValue) }) }
    if gold { o["gold"] = .bool(true) }
    if let correct { o["correct"] = .bool(correct) }
    if let phase { o["phase"] = .string(phase.rawValue) }
    if let details { o["details"] = .object(details) }
    if type == .review {
      o["resolves"] = .array(resolves.map { .string($0) })
      if let decision { o["decision"] = .string(decision.rawValue) }
      if let chose { o["chose"] = .string(chose) }
      if let comment { o["comment"] = .string(comment) }
      if let queue { o["queue"] = .string(queue) }
      if !sentTo.isEmpty { o["sent_to"] = .array(sentTo.map { .string($0) }) }
      if let reason { o["reason"] = .string(reason) }
    }
    if let prev { o["prev"] = .string(prev) }
    if let sig { o["sig"] = .string(sig) }
    return .object(o)
  }

  /// One log line, without the newline.
  public var jsonLine: String { json.serialized() }

  /// Reads a record back; nil with a reason when a required field is missing or mistyped.
  public init(json: JSONValue) throws(RecordError) {
    guard let o = json.objectValue else { throw RecordError("a record must be a JSON object") }
    guard let id = o["id"]?.stringValue, !id.isEmpty else { throw RecordError("missing `id`") }
    guard let rawType = o["type"]?.stringValue, let type = RecordType(rawValue: rawType) else {
      throw RecordError("missing or unknown `type`")
    }
    guard let annotator = o["annotator"]?.stringValue else { throw RecordError("missing `annotator`") }
    guard let submitted = o["submitted_at"]?.stringValue, let submittedAt = Timestamp.parse(submitted) else {
      throw RecordError("missing or unreadable `submitted_at`")
    }
    let task = o["task"]?.stringValue
    if type != .event && task == nil { throw RecordError("missing `task`") }
    self.init(
      id: id, type: type, task: task, line: o["line"]?.doubleValue.flatMap { Int(exactly: $0) }, annotator: annotator,
      answers: o["answers"]?.objectValue ?? JSONObject(), skipReason: o["skip_reason"]?.stringValue,
      event: o["event"]?.stringValue, shownAt: o["shown_at"]?.stringValue.flatMap(Timestamp.parse),
      submittedAt: submittedAt, activeSeconds: o["active_seconds"]?.doubleValue,
      guidelinesVersion: o["guidelines_version"]?.stringValue, tool: o["tool"]?.stringValue ?? "",
      supersedes: o["supersedes"]?.stringValue, acceptedPrediction: o["accepted_prediction"]?.boolValue)
    shownLeft = o["shown_left"]?.stringValue
    // Unknown flags (from a newer version) are kept out rather than failing the record.
    flags = o["flags"]?.arrayValue?.compactMap { $0.stringValue.flatMap(QualityFlag.init(rawValue:)) } ?? []
    gold = o["gold"]?.boolValue ?? false
    correct = o["correct"]?.boolValue
    phase = o["phase"]?.stringValue.flatMap(Phase.init(rawValue:))
    details = o["details"]?.objectValue
    prev = o["prev"]?.stringValue
    sig = o["sig"]?.stringValue
    if type == .review {
      resolves = o["resolves"]?.arrayValue?.compactMap(\.stringValue) ?? []
      guard let raw = o["decision"]?.stringValue, let decision = ReviewDecision(rawValue: raw) else {
        throw RecordError("a review without a known `decision`")
      }
      self.decision = decision
      chose = o["chose"]?.stringValue
      comment = o["comment"]?.stringValue
      queue = o["queue"]?.stringValue
      sentTo = o["sent_to"]?.arrayValue?.compactMap(\.stringValue) ?? []
      reason = o["reason"]?.stringValue
    }
  }
}

/// Why a log line is not a valid record.
public struct RecordError: Error, Sendable, Equatable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
