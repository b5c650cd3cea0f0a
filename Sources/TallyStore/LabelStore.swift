import TallyCore

/// Every label log of a project, read once, with the current-answer rule applied: per task every annotator's
/// current record, per annotator all their records, and the conflicts found. Export, the quality report,
/// aggregation, agreement and review read labels through it, so they all agree on what an annotator's answer is.
public struct LabelStore: Sendable {
  /// Every record read: logs in name order, lines in file order.
  public private(set) var records: [LabelRecord] = []
  /// Where each record was read.
  public private(set) var places: [RecordPlace] = []
  /// The log paths read, in order.
  public private(set) var logs: [String] = []
  /// Indices into `records` of the current answer or skip of every (task, annotator), labeling only (no
  /// training or exam answers, no events), in the order of `records`.
  public private(set) var current: [Int] = []
  /// Two or more current answers of one annotator to one task.
  public private(set) var conflicts: [AnswerConflict] = []
  /// Lines that could not be read (every complete record is kept).
  public private(set) var problems: [Diagnostic] = []

  /// Reads every log of the project.
  public static func load(project: Project) throws(SystemError) -> LabelStore {
    var logs: [(path: String, records: [(line: Int, record: LabelRecord)])] = []
    var problems: [Diagnostic] = []
    for path in project.logPaths().sorted() {
      let (records, logProblems) = try LabelLogReader.readNumbered(path: path)
      problems += logProblems.map { Diagnostic(.warning, file: Path.display(path), line: $0.line, $0.reason) }
      logs.append((path, records))
    }
    return LabelStore(logs: logs, problems: problems)
  }

  /// A store over records already read (tests, imports).
  public init(logs: [(path: String, records: [(line: Int, record: LabelRecord)])], problems: [Diagnostic] = []) {
    self.problems = problems
    struct Key: Hashable {
      var task: TaskKey
      var annotator: String
    }
    var groups: [Key: [Int]] = [:]
    var order: [Key] = []
    for (path, numbered) in logs {
      self.logs.append(path)
      for (line, record) in numbered {
        let index = records.count
        records.append(record)
        places.append(RecordPlace(file: path, line: line))
        guard record.type != .event, record.phase == nil, let task = record.taskKey else { continue }
        let key = Key(task: task, annotator: record.annotator)
        if groups[key] == nil { order.append(key) }
        groups[key, default: []].append(index)
      }
    }
    current.reserveCapacity(order.count)
    for key in order {
      guard let members = groups[key] else { continue }
      let (winner, concurrent) = CurrentAnswer.resolve(members.map { records[$0].version })
      current.append(members[winner])
      if !concurrent.isEmpty {
        conflicts.append(
          AnswerConflict(
            task: key.task, annotator: key.annotator,
            recordIDs: ([winner] + concurrent).map { records[members[$0]].id }))
      }
    }
    current.sort()
  }

  /// The current answers and skips, gold ones only when asked for.
  public func currentRecords(includeGold: Bool = false) -> [LabelRecord] {
    current.lazy.map { records[$0] }.filter { includeGold || !$0.gold }
  }

  /// Per task, the indices of its annotators' current records.
  public func currentByTask(includeGold: Bool = false) -> [TaskKey: [Int]] {
    var result: [TaskKey: [Int]] = [:]
    for i in current {
      guard let key = records[i].taskKey, includeGold || !key.gold else { continue }
      result[key, default: []].append(i)
    }
    return result
  }

  /// Every annotator who wrote a record, sorted.
  public var annotators: [String] { Set(records.map(\.annotator)).sorted() }

  /// The indices of an annotator's records, in read order.
  public func recordIndices(of annotator: String) -> [Int] {
    records.indices.filter { records[$0].annotator == annotator }
  }

  /// Where the record with this id was read.
  public func place(ofRecord id: String) -> RecordPlace? {
    records.firstIndex { $0.id == id }.map { places[$0] }
  }

  /// The records of each log, as read (the quality report walks them in file order).
  public var recordsByLog: [(path: String, records: [LabelRecord])] {
    var result: [(path: String, records: [LabelRecord])] = logs.map { ($0, []) }
    var index: [String: Int] = [:]
    for (i, path) in logs.enumerated() { index[path] = i }
    for (i, record) in records.enumerated() {
      if let log = index[places[i].file] { result[log].records.append(record) }
    }
    return result
  }
}
