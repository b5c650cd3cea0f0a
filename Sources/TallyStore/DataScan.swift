import TallyCore

/// What a full pass over a data file found: unreadable records and duplicate ids.
public struct DataReport: Sendable {
  public var records = 0
  public var malformed = 0
  public var duplicates = 0
  /// The first problems found (up to a limit), in file order.
  public var problems: [DataProblem] = []
  /// True when the list above was cut short.
  public var truncated = false
  /// Records lacking a field the project reads (the text field, a response), per field: how many and the
  /// first line. Summarised once instead of listed line by line in `problems`.
  public var missingFields: [String: (count: Int, firstLine: Int)] = [:]
  /// Indices of the records that cannot be labeled (unreadable, or a repeated id), in file order.
  public var unusableRecords: [Int] = []

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
        report.unusableRecords.append(i)
        if let field = problem.missingField {
          let seen = report.missingFields[field]
          report.missingFields[field] = ((seen?.count ?? 0) + 1, seen?.firstLine ?? problem.line)
        } else {
          note(problem)
        }
      case .success(let task):
        if let first = seen[task.id] {
          report.duplicates += 1
          report.unusableRecords.append(i)
          note(DataProblem(line: task.line, reason: "duplicate id `\(task.id)` (first on line \(first))"))
        } else {
          seen[task.id] = task.line
        }
      }
    }
    return report
  }
}
