import Testing

@testable import TallyCore
@testable import TallyJSON

/// Two first answers to one task by one annotator (two sessions or machines at once) are found wherever they
/// are; edits, other annotators, gold apart from data, and practice are not doubles.
@Suite struct FirstAnswersTests {
  func record(_ id: String, _ task: String, by annotator: String = "ana", at time: Double, supersedes: String? = nil)
    -> LabelRecord
  {
    LabelRecord(
      id: id, type: .answer, task: task, annotator: annotator, answers: JSONObject([("q", "a")]), submittedAt: time,
      tool: "t", supersedes: supersedes)
  }

  @Test func findsDoublesAcrossFilesInTimeOrder() {
    var gold = record("g1", "t1", at: 5)
    gold.gold = true
    var practice = record("p1", "t1", at: 6)
    practice.phase = .training
    let records: [(RecordPlace, LabelRecord)] = [
      (RecordPlace(file: "a.jsonl", line: 1), record("r2", "t1", at: 20)),
      (RecordPlace(file: "a.jsonl", line: 2), record("r3", "t1", at: 30, supersedes: "r2")),
      (RecordPlace(file: "a.jsonl", line: 3), record("r4", "t2", by: "ben", at: 3)),
      (RecordPlace(file: "a.jsonl", line: 4), gold),
      (RecordPlace(file: "a.jsonl", line: 5), practice),
      (RecordPlace(file: "b.jsonl", line: 7), record("r1", "t1", at: 10)),
      (RecordPlace(file: "b.jsonl", line: 8), record("r5", "t2", at: 40)),
    ]
    let doubles = FirstAnswers.doubles(records.map { (place: $0.0, record: $0.1) })
    #expect(doubles.count == 1)
    let double = doubles[0]
    #expect(double.task == "t1" && double.annotator == "ana" && !double.gold)
    #expect(double.first == RecordPlace(file: "b.jsonl", line: 7))
    #expect(double.second == RecordPlace(file: "a.jsonl", line: 1))
    #expect(double.firstID == "r1" && double.secondID == "r2")
  }
}
