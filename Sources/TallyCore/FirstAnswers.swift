/// Where a record was read: a log file and a line in it.
public struct RecordPlace: Sendable, Equatable, Hashable {
  public var file: String
  public var line: Int

  public init(file: String, line: Int) {
    self.file = file
    self.line = line
  }
}

/// Two first answers (records that supersede nothing) by one annotator to one task: two sessions, or two
/// machines, answered it without seeing each other's answer.
public struct DoubleFirstAnswer: Sendable, Equatable {
  public var annotator: String
  public var task: String
  public var gold: Bool
  /// The earlier record (by time, then id) and the one after it.
  public var first: RecordPlace
  public var second: RecordPlace
  public var firstID: String
  public var secondID: String
}

/// Finds first answers given twice.
public enum FirstAnswers {
  /// Every (annotator, task) with more than one first answer or skip, in the order found. Training and exam
  /// records are left out (those sets are meant to be repeated), as are events.
  public static func doubles(_ records: [(place: RecordPlace, record: LabelRecord)]) -> [DoubleFirstAnswer] {
    struct Key: Hashable {
      var annotator: String
      var task: String
      var gold: Bool
    }
    var firsts: [Key: [(place: RecordPlace, record: LabelRecord)]] = [:]
    var order: [Key] = []
    for entry in records {
      let record = entry.record
      guard record.type != .event, record.phase == nil, record.supersedes == nil, let task = record.task else {
        continue
      }
      let key = Key(annotator: record.annotator, task: task, gold: record.gold)
      if firsts[key] == nil { order.append(key) }
      firsts[key, default: []].append(entry)
    }
    var result: [DoubleFirstAnswer] = []
    for key in order {
      guard let entries = firsts[key], entries.count > 1 else { continue }
      let sorted = entries.sorted {
        ($0.record.submittedAt, $0.record.id) < ($1.record.submittedAt, $1.record.id)
      }
      for later in sorted.dropFirst() {
        result.append(
          DoubleFirstAnswer(
            annotator: key.annotator, task: key.task, gold: key.gold, first: sorted[0].place, second: later.place,
            firstID: sorted[0].record.id, secondID: later.record.id))
      }
    }
    return result
  }
}
