import TallyCore

/// What a full pass over a data file found: unreadable records and duplicate ids.
public struct DataReport: Sendable, Equatable {
  public var records = 0
  public var malformed = 0
  public var duplicates = 0
  /// The first problems found (up to a limit), in file order.
  public var problems: [DataProblem] = []
  /// True when the list above was cut short.
  public var truncated = false

  public init() {}

  public var problemCount: Int { malformed + duplicates }
}

extension Dataset {
  /// Parses every record, reporting malformed lines and duplicate ids. Keeps at most `limit` problems.
  public func scan(limit: Int = 200) -> DataReport {
    var report = DataReport()
    var seen: [String: Int] = [:]
    seen.reserveCapacity(count)
    func note(_ problem: DataProblem) {
      if report.problems.count < limit { report.problems.append(problem) } else { report.truncated = true }
    }
    for i in 0..<count {
      report.records += 1
      switch task(at: i) {
      case .failure(let problem):
        report.malformed += 1
        note(problem)
      case .success(let task):
        if let first = seen[task.id] {
          report.duplicates += 1
          note(DataProblem(line: task.line, reason: "duplicate id `\(task.id)` (first on line \(first))"))
        } else {
          seen[task.id] = task.line
        }
      }
    }
    return report
  }
}
