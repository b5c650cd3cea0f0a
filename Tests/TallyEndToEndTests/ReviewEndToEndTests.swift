import Foundation
import TallyJSON
import Testing

/// A reviewer works the disagreement queue of a project with three annotators' logs in tmux: accepts the
/// aggregate, picks an annotator, overrides, comments, sends a task back; is killed and resumes; the annotator
/// gets the task back first with the reason; the final export says where each answer came from.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxAvailable))
struct ReviewEndToEndTests {
  static let yaml = """
    name: audit
    data: data.jsonl
    reviewers: [rev]
    questions:
      - name: sentiment
        options: [pos, neg, neu]

    """

  /// t1: unanimous pos; t2: pos, pos, neg; t3: pos, neg, neu; t4: neg, neu, neg; t5: neu (only ana).
  func project() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write("p/tally.yaml", Self.yaml)
    try folder.write(
      "p/data.jsonl",
      (1...5).map { #"{"id":"t\#($0)","text":"review text number \#($0)"}"# }.joined(separator: "\n") + "\n")
    let answers: [String: [String]] = [
      "ana": ["pos", "pos", "pos", "neg", "neu"], "ben": ["pos", "pos", "neg", "neu"],
      "cy": ["pos", "neg", "neu", "neg"],
    ]
    for (who, list) in answers {
      let lines = list.enumerated().map { i, label in
        #"{"v":1,"id":"\#(who)-\#(i + 1)","type":"answer","task":"t\#(i + 1)","annotator":"\#(who)","answers":{"sentiment":"\#(label)"},"submitted_at":"2026-12-01T10:00:0\#(i).000Z","active_seconds":5,"tool":"t"}"#
      }
      try folder.write("p/labels/\(who).jsonl", lines.joined(separator: "\n") + "\n")
    }
    return folder
  }

  func review(_ folder: TemporaryFolder, _ extra: String = "") throws -> TmuxSession {
    try TmuxSession(
      command: "\(TmuxSession.tallyBinary) review p --reviewer rev \(extra)", directory: folder.path, width: 100,
      height: 30)
  }

  func finalRows(_ folder: TemporaryFolder) throws -> [String: JSONObject] {
    let result = try TmuxSession.run([TmuxSession.tallyBinary, "export", "p", "--final"], directory: folder.path)
    #expect(result.status == 0, "\(result.output)")
    var rows: [String: JSONObject] = [:]
    for line in result.output.split(separator: "\n") {
      if let o = (try? JSONParser.parse(line.utf8))?.objectValue, let id = o["id"]?.stringValue { rows[id] = o }
    }
    return rows
  }

  @Test func theLabelingScreenSearchAndQueuesInsideReview() throws {
    let folder = try project()
    let session = try review(folder)
    try session.waitFor("review text number 3")
    // e: the labeling screen for this task; q goes back without deciding.
    try session.send("e")
    try session.waitFor("Review of t3: Enter final, q back")
    try session.send("q")
    try session.waitFor("Back to the review")
    // Tab: the next queue; Shift-Tab back.
    try session.send("Tab")
    try session.waitFor("Review · flagged")
    try session.send("BTab")
    try session.waitFor("Review · disagreements")
    // /: search the queue; typed words never decide.
    try session.send("/")
    try session.type("number 4")
    try session.send("Enter")
    var screen = try session.waitFor("Match for “number 4”")
    #expect(screen.contains("review text number 4"))
    #expect((try? folder.read("p/labels/rev/e2e-machine.jsonl"))?.isEmpty ?? true)  // nothing decided yet
    // An override given on the labeling screen: 2 (neg) there submits, and the review moves on.
    try session.send("e")
    try session.waitFor("Review of t4")
    try session.send("2")
    screen = try session.waitFor("Saved: your answer (neg)")
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
    let records = try folder.read("p/labels/rev/e2e-machine.jsonl").split(separator: "\n").compactMap {
      (try? JSONParser.parse($0.utf8))?.objectValue
    }
    #expect(records.map { $0["decision"]?.stringValue } == ["override"])
    #expect(records.first?["task"] == .string("t4"))
    #expect(records.first?["answers"] == .object(JSONObject([("sentiment", .string("neg"))])))
  }

  @Test func aReviewerSettlesTheDisagreementsAndTheAnnotatorAnswersWhatWasSentBack() throws {
    let folder = try project()
    // Before any review: the final dataset is the aggregate, unanimous or single answer.
    var rows = try finalRows(folder)
    #expect(rows["t1"]?["source"] == .string("unanimous") && rows["t5"]?["source"] == .string("single"))
    #expect(rows["t2"]?["source"] == .string("aggregate"))

    // The disagreement queue, most uncertain first: t3 (three ways), then t2 and t4 (two against one).
    let first = try review(folder)
    var screen = try first.waitFor("review text number 3")
    #expect(screen.contains("disagreements · 1/3"))
    screen = try first.waitFor("⇧3 cy")
    #expect(screen.contains("ana") && screen.contains("ben"))
    try first.send("c")
    try first.type("ambiguous wording")
    try first.send("Enter")
    try first.waitFor("comment: “ambiguous wording”")
    try first.send("3")  // override: neu
    // (Wait for the line itself: a screen is captured while it is drawn, top to bottom.)
    screen = try first.waitFor("Saved: your answer (neu)")
    #expect(screen.contains("review text number 2"))
    try first.send("Enter")  // t2: accept the aggregate (pos)
    try first.waitFor("review text number 4")
    // Killed before deciding t4: nothing decided is lost.
    try first.killProgram()

    let second = try review(folder)
    screen = try second.waitFor("review text number 4")
    #expect(screen.contains("1/1"), "\(screen)")
    try second.send("b")
    try second.send("Tab")  // to ana only
    try second.type("neg and neu both fit: read section 2")
    try second.send("Enter")
    try second.waitFor("End of the disagreements queue")
    try second.send("q")
    try second.waitFor("TALLY-EXIT=0")

    // ana's next session shows t4 first, with the reason; her new answer supersedes the old one.
    let ana = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label p --annotator ana", directory: folder.path, width: 100, height: 30)
    screen = try ana.waitFor("Sent back by rev: neg and neu both fit: read section 2")
    #expect(screen.contains("review text number 4"), "\(screen)")
    try ana.send("3")  // neu
    // Everything else is answered: the queue goes on from there, all done.
    try ana.waitFor("5/5 done")
    try ana.send("q")
    try ana.waitFor("TALLY-EXIT=0")

    // t4 is back in the queue (its answers changed after the review); pick cy's answer with Shift-3.
    let third = try review(folder)
    screen = try third.waitFor("review text number 4")
    try third.send("#")
    try third.waitFor("End of the disagreements queue")
    try third.send("q")
    try third.waitFor("TALLY-EXIT=0")

    rows = try finalRows(folder)
    #expect(rows["t3"]?["source"] == .string("review") && rows["t3"]?["reviewer"] == .string("rev"))
    #expect(rows["t3"]?["answers"] == .object(JSONObject([("sentiment", .string("neu"))])))
    #expect(rows["t2"]?["source"] == .string("review"))
    #expect(rows["t2"]?["answers"] == .object(JSONObject([("sentiment", .string("pos"))])))
    #expect(rows["t4"]?["answers"] == .object(JSONObject([("sentiment", .string("neg"))])))  // cy's
    #expect(rows["t4"]?["annotators"]?["ana"] == .string("neu"))  // ana's new answer
    #expect(rows["t1"]?["source"] == .string("unanimous"))

    // The reviewer's records: chained, with what they settle.
    let log = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/p/labels/rev")
    #expect(log == ["e2e-machine.jsonl"])
    let records = try folder.read("p/labels/rev/e2e-machine.jsonl").split(separator: "\n").compactMap {
      (try? JSONParser.parse($0.utf8))?.objectValue
    }
    #expect(records.map { $0["decision"]?.stringValue } == ["override", "accept_aggregate", "send_back", "chose"])
    #expect(records[0]["comment"] == .string("ambiguous wording"))
    #expect(records[0]["resolves"]?.arrayValue?.count == 3)
    #expect(records[2]["sent_to"] == .array([.string("ana")]))
    #expect(records[3]["chose"] == .string("cy"))
    #expect(records.allSatisfy { $0["queue"] == .string("disagreements") && $0["type"] == .string("review") })
    let verify = try TmuxSession.run([TmuxSession.tallyBinary, "verify", "p"], directory: folder.path)
    #expect(verify.status == 0, "\(verify.output)")

    // The audit figures agree with what was done: t3 overridden to neu (ana, ben overturned; cy upheld), t2
    // accepted as pos (ana, ben upheld; cy overturned), t4 cy's neg chosen (cy upheld, ben overturned; ana's new
    // answer came after the send-back and is counted with the review that settled it), ana sent back once.
    let quality = try TmuxSession.run([TmuxSession.tallyBinary, "quality", "p", "--json"], directory: folder.path)
    let reviews = try #require(
      (try? JSONParser.parse(quality.output.utf8))?["reviews"]?.objectValue, "\(quality.output)")
    func row(_ name: String) -> JSONObject? {
      reviews["annotators"]?.arrayValue?.compactMap(\.objectValue).first { $0["annotator"] == .string(name) }
    }
    #expect(row("ana")?["sent_back"] == .number(1))
    #expect(row("cy")?["upheld"] == .number(2) && row("cy")?["overturned"] == .number(1), "\(reviews)")
    #expect(row("ben")?["overturned"] == .number(2), "\(reviews)")
    // The team report shows the same, reviewers beside annotators.
    let report = try TmuxSession.run(
      ["/usr/bin/env", "NO_COLOR=1", TmuxSession.tallyBinary, "report", "p"], directory: folder.path)
    #expect(report.output.contains("reviews") && report.output.contains("changed by another"), "\(report.output)")
    #expect(
      report.output.split(separator: "\n").contains { $0.hasPrefix("rev ") && $0.contains("3") }, "\(report.output)")
    let reviewer = reviews["reviewers"]?.arrayValue?.first?.objectValue
    #expect(
      reviewer?["reviewer"] == .string("rev") && reviewer?["settled"] == .number(3)
        && reviewer?["sent_back"] == .number(1))
  }

  @Test func onlyListedReviewersMayReview() throws {
    let folder = try project()
    let result = try TmuxSession.run(
      [TmuxSession.tallyBinary, "review", "p", "--reviewer", "ana"], directory: folder.path)
    #expect(result.status == 2 && result.output.contains("not one of this project's reviewers"))
  }
}
