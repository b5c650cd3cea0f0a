import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore

/// The review screen's fast index (`ReviewIndex`: one look at each line, items read when shown) agrees with the
/// full read (`ReviewData`, which the reports and the final dataset use) on every task and every field, for
/// log lines written by Tally and by hand: escaped strings, spacing, skips, answers to other questions only,
/// known and unknown flags, gold, reviews that stand or not, concurrent answers from two machines.
@Suite struct ReviewIndexTests {
  static let single = Question(
    name: "q", kind: .single, options: [AnswerOption(name: "x"), AnswerOption(name: "y"), AnswerOption(name: "z")])
  static let multi = Question(
    name: "m", kind: .multi, options: [AnswerOption(name: "red"), AnswerOption(name: "blue")])
  static let spans = Question(
    name: "s", kind: .spans, options: [AnswerOption(name: "PER"), AnswerOption(name: "LOC")])

  var n = 0

  mutating func line(
    _ task: String, _ who: String, q: String? = nil, m: [String]? = nil, s: [(Int, Int, String)]? = nil,
    type: RecordType = .answer, at: Double = 0, flags: [QualityFlag] = [], gold: Bool = false, line: Int? = 1,
    id: String? = nil, supersedes: String? = nil
  ) -> String {
    n += 1
    var answers = JSONObject()
    if let q { answers["q"] = .string(q) }
    if let m { answers["m"] = .array(m.map { .string($0) }) }
    if let s {
      answers["s"] = .array(
        s.map {
          .object(
            JSONObject([("start", .number(Double($0.0))), ("end", .number(Double($0.1))), ("label", .string($0.2))]))
        })
    }
    var r = LabelRecord(
      id: id ?? "r\(n)-\(who)", type: type, task: task, line: line, annotator: who, answers: answers,
      submittedAt: 1.8e9 + at, tool: "test", supersedes: supersedes)
    r.flags = flags
    r.gold = gold
    return r.jsonLine
  }

  func review(_ id: String, task: String, _ decision: ReviewDecision, at: Double) -> String {
    var r = LabelRecord(
      id: id, type: .review, task: task, annotator: "rev", answers: JSONObject([("q", .string("x"))]),
      submittedAt: 1.8e9 + at, tool: "test")
    r.decision = decision
    r.resolves = ["any"]
    if decision == .sendBack {
      r.sentTo = ["ana"]
      r.reason = "read §2"
    }
    return r.jsonLine
  }

  func store(_ logs: [String: [String]]) throws -> LabelStore {
    let folder = NSTemporaryDirectory() + "tally-review-index-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var paths: [String] = []
    for (name, lines) in logs.sorted(by: { $0.key < $1.key }) {
      let path = folder + "/" + name + ".jsonl"
      try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
      paths.append(path)
    }
    return try LabelStore(paths: paths)
  }

  @Test mutating func theIndexAgreesWithTheFullReadOnEveryTask() throws {
    let ana = [
      line("t1", "ana", q: "x", m: ["red"], s: [(0, 4, "PER")], at: 1),
      // Written by hand: an escaped "x" and spacing.
      #"{"v":1,"id":"hand-1","type":"answer","task":"t2","line":2,"annotator":"ana","answers":{ "q" : "\u0078" , "m":["blue","red"]},"submitted_at":"2027-01-15T08:00:00.000Z","tool":"hand"}"#,
      line("t3", "ana", type: .skip, at: 3),
      line("t4", "ana", m: ["blue"], at: 4),  // answered another question only
      line("t6", "ana", q: "x", at: 5, gold: true),
      line("t7", "ana", q: "x", at: 6), line("t8", "ana", q: "x", at: 6),
      line("t9", "ana", q: "y", at: 6, id: "t9-first"),
      line("t9", "ana", q: "x", at: 30, id: "t9-again", supersedes: "t9-first"),
      line("t10", "ana", q: "z", at: 7, line: nil),
      line("t11", "cy", q: "x", at: 8, id: "c0"),
    ]
    let ben = [
      line("t1", "ben", q: "y", m: ["red", "blue"], s: [(0, 4, "PER"), (9, 13, "LOC")], at: 1),
      #"{"v":1,"id":"hand-2","type":"answer","task":"t2","line":2,"annotator":"ben","answers":{"q":"x","m":["red","blue"]},"flags":["made_up_flag"],"submitted_at":"2027-01-15T08:00:01.000Z","tool":"hand"}"#,
      line("t3", "ben", q: "x", at: 3), line("t4", "ben", q: "z", at: 4), line("t6", "ben", q: "y", at: 5, gold: true),
      line("t7", "ben", q: "y", at: 6), line("t8", "ben", q: "y", at: 6), line("t9", "ben", q: "y", at: 6),
      line("t10", "ben", q: "z", at: 7, line: nil),
    ]
    let cy = [
      line("t1", "cy", q: "y", m: ["blue"], s: [(9, 13, "LOC"), (0, 4, "PER")], at: 2),
      line("t4", "cy", q: "z", at: 4, flags: [.tooFast]),
      // Two machines edited the same answer: concurrent current answers.
      line("t11", "cy", q: "y", at: 9, id: "c1", supersedes: "c0"),
    ]
    let cy2 = [line("t11", "cy", q: "z", at: 10, id: "c2", supersedes: "c0")]
    let rev = [
      review("v7", task: "t7", .acceptAggregate, at: 20), review("v8", task: "t8", .sendBack, at: 20),
      review("v9", task: "t9", .chose, at: 20),
    ]
    let store = try store(["ana": ana, "ben": ben, "cy": cy, "cy2": cy2, "rev": rev])
    for question in [Self.single, Self.multi, Self.spans] {
      let index = ReviewIndex.load(store: store, question: question)
      let full = ReviewData.load(project: try project(question), store: store, question: question, dataset: nil)
      #expect(index.summaries.map(\.task) == full.items.map(\.task), "\(question.name)")
      #expect(index.summaries == full.items.map(\.summary), "\(question.name)")
      for i in index.summaries.indices {
        #expect(index.item(i) == full.items[i], "\(question.name) \(full.items[i].task)")
      }
    }
    let index = ReviewIndex.load(store: store, question: Self.single)
    func summary(_ task: String) -> ReviewSummary? { index.summaries.first { $0.task == task } }
    #expect(summary("t6") == nil)  // gold
    #expect(summary("t1")?.disagrees == true && summary("t1")?.agreeing == 2 && summary("t1")?.aggregate == "y")
    #expect(summary("t2")?.disagrees == false && summary("t2")?.flagged == false)  // escaped x; unknown flag
    #expect(summary("t3")?.annotators == ["ana", "ben"] && summary("t3")?.answered == 1)
    #expect(summary("t4")?.annotators == ["ben", "cy"] && summary("t4")?.flagged == true)
    #expect(summary("t7")?.settled == true && summary("t8")?.settled == false)
    // ana answered again after the review (an edit, not a conflict).
    #expect(summary("t9")?.settled == false && summary("t9")?.flagged == false && summary("t9")?.agreeing == 1)
    #expect(summary("t10")?.order == Int.max && summary("t11")?.flagged == true)
    // Data order: by the records' line, tasks without one last by id.
    #expect(index.summaries.last?.task == "t10")
  }

  func project(_ question: Question) throws -> Project {
    let folder = NSTemporaryDirectory() + "tally-review-index-project-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "name: p\ndata: data.jsonl\nquestions:\n  - name: q\n    options: [x, y, z]\n".write(
      toFile: folder + "/tally.yaml", atomically: false, encoding: .utf8)
    return try Project.load(folder)
  }

  @Test func summariesSortByDataOrderThenId() {
    func s(_ task: String, _ order: Int) -> ReviewSummary {
      ReviewSummary(
        task: task, order: order, annotators: [], tally: [], confidence: 0, flagged: false, settled: false,
        aggregate: nil)
    }
    let list = [s("b", Int.max), s("c", 5), s("a", Int.max), s("d", 0), s("e", 5)]
    #expect(ReviewIndex.dataOrder(list).map { list[$0].task } == ["d", "c", "e", "a", "b"])
  }
}
