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
