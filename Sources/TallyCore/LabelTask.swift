import TallyJSON

/// One task as shown: the record from the data file and what the project reads from it.
public struct LabelTask: Sendable, Equatable {
  /// The task id: the record's id field, or a stable hash of the record.
  public var id: String
  /// 1-based line (or record) number in the data file.
  public var line: Int
  /// The record's fields, in file order.
  public var fields: JSONObject
  /// The text shown.
  public var text: String
  /// A model's prediction, if the data carries one.
  public var prediction: JSONValue?

  public init(id: String, line: Int, fields: JSONObject, text: String, prediction: JSONValue? = nil) {
    self.id = id
    self.line = line
    self.fields = fields
    self.text = text
    self.prediction = prediction
  }
}

/// A data line that could not be read as a task.
public struct DataProblem: Error, Sendable, Equatable, CustomStringConvertible {
  public var line: Int
  public var reason: String
  /// The field the project reads that this record lacks (the text field, a response), when that is the
  /// problem: usually a setting to change rather than a line to fix.
  public var missingField: String?

  public init(line: Int, reason: String, missingField: String? = nil) {
    self.line = line
    self.reason = reason
    self.missingField = missingField
  }

  public var description: String { "line \(line): \(reason)" }
}
