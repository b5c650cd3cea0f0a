/// A problem found in a project file or data file, naming where it is and how to fix it.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible, Error {
  public enum Severity: String, Sendable, Equatable { case error, warning }

  public var severity: Severity
  public var file: String
  /// 1-based line, when known.
  public var line: Int?
  public var message: String
  public var fix: String?

  public init(_ severity: Severity = .error, file: String, line: Int? = nil, _ message: String, fix: String? = nil) {
    self.severity = severity
    self.file = file
    self.line = line
    self.message = message
    self.fix = fix
  }

  /// `file:line: error: message` followed by `  fix: …` when there is one.
  public var description: String {
    var place = file
    if let line { place += ":\(line)" }
    var text = "\(place): \(severity.rawValue): \(message)"
    if let fix { text += "\n  fix: \(fix)" }
    return text
  }
}

extension Array where Element == Diagnostic {
  public var hasErrors: Bool { contains { $0.severity == .error } }
}
