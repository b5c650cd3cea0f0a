import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore

/// The store over every log of a project reads by the current-answer rule, across logs and out of file order,
/// and the resume index of one log agrees with it.
@Suite struct LabelStoreTests {
  func record(
    _ id: String, task: String, by annotator: String = "ana", answer: String, at time: Double,
    supersedes: String? = nil,
    gold: Bool = false
  ) -> LabelRecord {
    var r = LabelRecord(
      id: id, type: .answer, task: task, line: 1, annotator: annotator, answers: JSONObject([("q", .string(answer))]),
      submittedAt: time, tool: "t", supersedes: supersedes)
    r.gold = gold
    return r
  }

  @Test func mergedLogsFromTwoMachinesResolveByTheChainNotByFileOrder() throws {
    // Machine 2's log was read first, and holds the edit of an answer given on machine 1.
    let machine2 = [
      record("b2", task: "t1", answer: "y", at: 50, supersedes: "a1"),
      record("c1", task: "t2", by: "ben", answer: "x", at: 10),
    ]
    let machine1 = [
      record("a1", task: "t1", answer: "x", at: 10),
      record("a2", task: "t3", answer: "x", at: 11),
      // Later in time than the edit, but superseded by it: never current.
      record("a3", task: "t1", answer: "z", at: 60, supersedes: nil),
    ]
    let store = LabelStore(logs: [
      ("m2.jsonl", machine2.enumerated().map { ($0.offset + 1, $0.element) }),
      ("m1.jsonl", machine1.enumerated().map { ($0.offset + 1, $0.element) }),
    ])
    let current = store.currentRecords().map(\.id)
    #expect(Set(current) == ["a3", "c1", "a2"])
    // a3 and b2 both stand (neither supersedes the other): a conflict with both ids, a3 (later) first.
    #expect(store.conflicts == [AnswerConflict(task: "t1", annotator: "ana", recordIDs: ["a3", "b2"])])
    #expect(store.place(ofRecord: "b2") == RecordPlace(file: "m2.jsonl", line: 1))
    #expect(store.currentByTask()[TaskKey("t1")]?.count == 1)
  }

  @Test func uuidIdsAreHeldAsBitsAndGivenBackAsTheyWereWritten() throws {
    let ids = [
      "0193a0c4-7e1f-7abc-8def-0123456789ab", "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-7fff-bfff-ffffffffffff",
    ]
    for text in ids {
      let id = try #require(RecordID.uuid(text))
      guard case .uuid = id else { throw StoreTestError.notAUUID(text) }
      let store = LabelStore(logs: [("log", [(1, record(text, task: "t", answer: "x", at: 1))])])
      #expect(store.idString(id) == text)
      #expect(store.place(ofRecord: text)?.line == 1)
    }
    // Other ids (upper case, short, not hex) are kept as text.
    for text in ["0193A0C4-7E1F-7ABC-8DEF-0123456789AB", "r1", "0193a0c4-7e1f-7abc-8def-0123456789ag"] {
      #expect(RecordID.uuid(text) == nil)
      let store = LabelStore(logs: [("log", [(1, record(text, task: "t", answer: "x", at: 1))])])
      #expect(store.place(ofRecord: text)?.line == 1)
      #expect(store.entries.first.map { store.idString($0.id) } == text)
    }
  }

  enum StoreTestError: Error { case notAUUID(String) }

  @Test func goldAndPracticeAreKeptApart() {
    var training = record("p1", task: "t1", answer: "x", at: 1)
    training.phase = .training
    let logs: [(path: String, records: [(line: Int, record: LabelRecord)])] = [
      (
        "a.jsonl",
        [
          (1, record("d1", task: "t1", answer: "x", at: 1)),
          (2, record("g1", task: "t1", answer: "y", at: 2, gold: true)),
          (3, training),
        ]
      )
    ]
    let store = LabelStore(logs: logs)
    #expect(store.currentRecords().map(\.id) == ["d1"])
    #expect(store.currentRecords(includeGold: true).map(\.id) == ["d1", "g1"])
    #expect(store.conflicts.isEmpty)
  }

  @Test func theResumeIndexFollowsTheSameRule() throws {
    let scratch = Scratch()
    let path = scratch.file("ana.jsonl")
    // The edit is written before the answer it supersedes (a merged log), and a second session answered t2.
    let lines = [
      record("e2", task: "t1", answer: "y", at: 20, supersedes: "e1"),
      record("e1", task: "t1", answer: "x", at: 30),
      record("s1", task: "t2", answer: "x", at: 5),
      record("s2", task: "t2", answer: "y", at: 6),
    ].map(\.jsonLine)
    scratch.write("ana.jsonl", lines.joined(separator: "\n") + "\n")
    let index = try LabelLogReader.index(path: path, annotator: "ana")
    let t1 = try #require(index.latest[TaskKey("t1")])
    #expect(try LabelLogReader.record(path: path, offset: t1.offset).id == "e2")
    let t2 = try #require(index.latest[TaskKey("t2")])
    #expect(try LabelLogReader.record(path: path, offset: t2.offset).id == "s2")
    #expect(index.conflicts == [AnswerConflict(task: "t2", annotator: "ana", recordIDs: ["s2", "s1"])])
  }
}
