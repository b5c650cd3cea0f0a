/// The format of a data file.
public enum DataFormat: String, Sendable, Equatable, CaseIterable {
  case jsonl, csv, tsv, text

  /// The format a file name implies, if any.
  public static func inferred(fromPath path: String) -> DataFormat? {
    let lower = path.lowercased()
    if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json") { return .jsonl }
    if lower.hasSuffix(".csv") { return .csv }
    if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return .tsv }
    if lower.hasSuffix(".txt") || lower.hasSuffix(".text") { return .text }
    return nil
  }
}

/// The order tasks are queued in.
public enum QueueOrder: Sendable, Equatable {
  case file
  case shuffle(seed: UInt64)
}

/// What a task shows: one text, or a prompt with two responses side by side.
public enum TaskLayout: Sendable, Equatable {
  case text
  case compare(CompareSpec)

  public var compare: CompareSpec? {
    if case .compare(let spec) = self { return spec }
    return nil
  }
}

/// Which fields a side-by-side task reads, and how it is shown.
public struct CompareSpec: Sendable, Equatable {
  public var promptField = "prompt"
  public var responseAField = "response_a"
  public var responseBField = "response_b"
  public var modelAField: String? = "model_a"
  public var modelBField: String? = "model_b"
  /// Show the model names while labeling (off by default: names bias judgements).
  public var showModels = false
  /// Put response `a` left or right at random per task (from the project seed), recorded as `shown_left`.
  public var randomizeSides = true
  /// Answers are refused until both responses have been scrolled to their ends.
  public var requireScroll = false
  /// Render the prompt and responses as Markdown (bold, lists, code blocks), as model output is usually
  /// written; `m` shows the stored text.
  public var markdown = true

  public init() {}
}

/// A project, as `tally.yaml` describes it. Paths are as written (relative to the project folder).
public struct ProjectConfig: Sendable, Equatable {
  public var name: String
  public var data: String
  public var format: DataFormat
  public var textField: String
  public var idField: String
  public var predictionField: String?
  public var showFields: [String]
  public var guidelines: String?
  public var order: QueueOrder
  public var questions: [Question]
  public var layout: TaskLayout = .text
  /// The project seed: shuffling and side-by-side sides derive from it.
  public var seed: UInt64 = 0
  /// Speed checks, gold tasks, training and exams.
  public var quality = QualityConfig()
  /// Annotator → Ed25519 public key (base64): their records must be signed with it.
  public var signingKeys: [String: String] = [:]
  /// Who may review (`tally review` refuses others); nil: anyone.
  public var reviewers: [String]?
  /// Who labels which task, when the work is shared out.
  public var assignment: AssignmentConfig?

  public init(
    name: String, data: String, format: DataFormat? = nil, textField: String = "text", idField: String = "id",
    predictionField: String? = "prediction", showFields: [String] = [], guidelines: String? = nil,
    order: QueueOrder = .file, questions: [Question]
  ) {
    self.name = name
    self.data = data
    self.format = format ?? DataFormat.inferred(fromPath: data) ?? .jsonl
    self.textField = textField
    self.idField = idField
    self.predictionField = predictionField
    self.showFields = showFields
    self.guidelines = guidelines
    self.order = order
    self.questions = questions
  }
}

/// `assignment:` in `tally.yaml`: each task goes to `overlap` of `annotators` (rendezvous hashing), and with
/// `max_overlap`, a task whose aggregate confidence stays below `min_confidence` to more, up to that many.
public struct AssignmentConfig: Sendable, Equatable {
  public var annotators: [String]
  public var overlap: Int
  public var maxOverlap: Int?
  public var minConfidence = 0.7

  public init(annotators: [String], overlap: Int) {
    self.annotators = annotators
    self.overlap = overlap
  }
}
