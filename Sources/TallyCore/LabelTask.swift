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

  public init(line: Int, reason: String) {
    self.line = line
    self.reason = reason
  }

  public var description: String { "line \(line): \(reason)" }
}
