import Foundation
import TallyCore
import TallyJSON
import Testing

/// `tally quality` and the quality side of `tally export`, run as the real binary.
@Suite(.serialized) struct QualityCommandTests {
  func tally(_ arguments: [String], in folder: TemporaryFolder) throws -> (status: Int32, output: String) {
    try TmuxSession.run([TmuxSession.tallyBinary] + arguments, directory: folder.path)
  }

  /// Log lines for one annotator, each a record written the way `tally label` writes it.
  struct Log {
    let who: String
    var lines: [String] = []
    var time = 1_800_000_000.0

    init(_ who: String) { self.who = who }

    @discardableResult
    mutating func answer(
      _ task: String, _ value: String, seconds: Double = 2, flags: [QualityFlag] = [], gold: Bool = false,
      correct: Bool? = nil, phase: Phase? = nil, supersedes: String? = nil
    ) -> String {
      time += 10
      let id = "\(who)-\(lines.count + 1)"
      var r = LabelRecord(
        id: id, type: .answer, task: task, line: 1, annotator: who, answers: JSONObject([("label", .string(value))]),
        submittedAt: time, activeSeconds: seconds, tool: "test", supersedes: supersedes)
      r.flags = flags
      r.gold = gold
      r.correct = correct
      r.phase = phase
      lines.append(r.jsonLine)
      return id
    }

    mutating func event(_ name: String, details: JSONObject? = nil) {
      time += 10
      var r = LabelRecord(
        id: "\(who)-\(lines.count + 1)", type: .event, annotator: who, event: name, submittedAt: time, tool: "test")
      r.details = details
      lines.append(r.jsonLine)
    }

    var text: String { lines.joined(separator: "\n") + "\n" }
  }

  /// A project whose gold file shares the id `t1` with the data.
  func project(in folder: TemporaryFolder) throws {
    try folder.write(
      "p/tally.yaml",
      """
      data: data.jsonl
      questions:
        - name: label
          type: single
          options: [pos, neg]
      quality:
        gold: gold.jsonl

      """)
    try folder.write(
      "p/data.jsonl",
      #"{"id":"t1","text":"good"}"# + "\n" + #"{"id":"t2","text":"bad"}"# + "\n" + #"{"id":"t3","text":"meh"}"# + "\n")
    try folder.write(
      "p/gold.jsonl",
      #"{"id":"t1","text":"good (gold)","gold":"pos"}"# + "\n" + #"{"id":"g2","text":"awful","gold":"neg"}"# + "\n")
  }

  func sampleLogs(in folder: TemporaryFolder) throws {
    var ann = Log("ann")
    ann.answer("t1", "pos", seconds: 4)
    ann.answer("t2", "pos", seconds: 0.4, flags: [.tooFast, .sameAnswerRun])
    // Gold t1 answered wrong after the data t1: it must not hide the data answer.
    ann.answer("t1", "neg", seconds: 3, gold: true, correct: false)
    ann.answer("g2", "neg", seconds: 3, gold: true, correct: true)
    ann.answer("t3", "pos", seconds: 6, flags: [.sameAnswerRun])
    ann.event("slow_down_pause", details: JSONObject([("seconds", 20), ("too_fast_count", 3), ("too_fast_window", 5)]))
    // Training answers are neither labels nor exported.
    ann.answer("t3", "neg", seconds: 1, flags: [.tooFast], phase: .training)
    ann.event(
      "exam_result",
      details: JSONObject([
        ("score", 0.9), ("correct", 9), ("total", 10), ("pass_mark", 0.8), ("passed", true),
        ("exam_version", "sha256:e1"),
      ]))
    try folder.write("p/labels/ann.jsonl", ann.text)
    var bob = Log("bob")
    bob.answer("t1", "neg", seconds: 8)
    bob.answer("g2", "neg", seconds: 5, gold: true, correct: true)
    // A torn last line: a warning, not a failure.
    try folder.write("p/labels/bob.jsonl", bob.text + #"{"v":1,"id":"bob-9","type":"ans"#)
  }

  @Test func qualityPrintsATableWithATotalAndALegend() throws {
    let folder = try TemporaryFolder()
    try project(in: folder)
    try sampleLogs(in: folder)
    let result = try tally(["quality", "p"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    let out = result.output
    #expect(out.contains("p/labels/bob.jsonl:3: warning: torn last line skipped"))
    let lines = out.split(separator: "\n").map(String.init)
    let header = try #require(lines.firstIndex { $0.hasPrefix("annotator ") })
    #expect(lines[header] == "annotator  labeled  median s  too fast  gold  gold accuracy   runs  below  pauses  exam")
    #expect(
      lines[header + 1]
        == "ann              3       4.0       33%     2  50% (9–91%)        2      0     1/0  passed 90%")
    #expect(lines[header + 2] == "bob              1       8.0        0%     1  100% (21–100%)     0      0     0/0  –")
    #expect(
      lines[header + 3]
        == "total            4       5.0       25%     3  67% (21–94%)       2      0     1/0  1/1 passed")
    #expect(lines[header + 4].hasPrefix("labeled: tasks whose current answer is a label"))
    #expect(out.contains("95% Wilson interval"))
  }

  @Test func qualityJSONCarriesTheSameFigures() throws {
    let folder = try TemporaryFolder()
    try project(in: folder)
    try sampleLogs(in: folder)
    let result = try tally(["quality", "p", "--json"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    // Standard error (the torn-line warning) is in the same capture: take the JSON line.
    let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("{") })
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    let rows = try #require(object["annotators"] as? [[String: Any]])
    #expect(rows.map { $0["annotator"] as? String } == ["ann", "bob"])
    let ann = rows[0]
    #expect(ann["labeled"] as? Int == 3)
    #expect(ann["median_active_seconds"] as? Double == 4)
    #expect(ann["too_fast"] as? Int == 1)
    #expect(ann["gold_seen"] as? Int == 2)
    #expect(ann["gold_accuracy"] as? Double == 0.5)
    let low = try #require(ann["gold_accuracy_low"] as? Double)
    let high = try #require(ann["gold_accuracy_high"] as? Double)
    #expect(abs(low - 0.0945) < 0.0001)
    #expect(abs(high - 0.9055) < 0.0001)
    // t2 and t3 are flagged, but the gold answers between them end the first run.
    #expect(ann["same_answer_runs"] as? Int == 2)
    #expect(ann["slow_down_pauses"] as? Int == 1)
    #expect(ann["gold_threshold_pauses"] as? Int == 0)
    let exam = try #require(ann["exam"] as? [String: Any])
    #expect(exam["attempts"] as? Int == 1)
    #expect(exam["passed"] as? Bool == true)
    #expect((exam["latest"] as? [String: Any])?["exam_version"] as? String == "sha256:e1")
    #expect(rows[1]["exam"] is NSNull)
    let total = try #require(object["total"] as? [String: Any])
    #expect(total["labeled"] as? Int == 4)
    #expect(total["median_active_seconds"] as? Double == 5)
    #expect(total["gold_correct"] as? Int == 2)
    #expect(total["annotators"] as? Int == 2)
  }

  @Test func qualityWithoutGoldShowsDashesAndNulls() throws {
    let folder = try TemporaryFolder()
    try folder.write("d.jsonl", #"{"id":"1","text":"x"}"# + "\n")
    try folder.write(
      "d.tally/tally.yaml", "data: ../d.jsonl\nquestions:\n  - name: label\n    type: single\n    options: [a, b]\n")
    var ann = Log("ann")
    ann.answer("1", "a", seconds: 2.25)
    try folder.write("d.tally/labels/ann.jsonl", ann.text)
    // The data file stands for its quick-start project.
    let table = try tally(["quality", "d.jsonl"], in: folder)
    #expect(table.status == 0, "\(table.output)")
    #expect(
      table.output.contains("ann              1       2.3        0%     0  –                 0      0     0/0  –"))
    let json = try tally(["quality", "d.jsonl", "--json"], in: folder)
    let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
    let row = try #require((object?["annotators"] as? [[String: Any]])?.first)
    #expect(row["gold_accuracy"] is NSNull)
    #expect(row["gold_accuracy_low"] is NSNull)
    #expect(row["gold_accuracy_high"] is NSNull)
    #expect(row["median_active_seconds"] as? Double == 2.25)
  }

  @Test func qualityOfAMissingProjectExitsWithTwo() throws {
    let folder = try TemporaryFolder()
    let result = try tally(["quality", "nowhere"], in: folder)
    #expect(result.status == 2)
    #expect(result.output.contains("nowhere: error: no such file or folder"), "\(result.output)")
    // A folder that exists but holds no project says that instead.
    try folder.write("empty/readme.txt", "nothing here")
    let empty = try tally(["quality", "empty"], in: folder)
    #expect(empty.status == 2)
    #expect(empty.output.contains("empty/tally.yaml: error: no project file here"), "\(empty.output)")
  }

  @Test func exportLeavesGoldAndTrainingOutAndCarriesFlags() throws {
    let folder = try TemporaryFolder()
    try project(in: folder)
    try sampleLogs(in: folder)
    let jsonl = try tally(["export", "p", "--format", "jsonl", "--out", "out.jsonl"], in: folder)
    #expect(jsonl.status == 0, "\(jsonl.output)")
    let rows = try folder.read("out.jsonl").split(separator: "\n").map(String.init)
    #expect(rows.count == 4)
    // ann's data answer to t1 survives the later gold answer to t1; the training answer to t3 is not its label.
    #expect(rows[0].hasPrefix(#"{"id":"t1","annotator":"ann","answers":{"label":"pos"},"submitted_at""#))
    #expect(rows[1].hasPrefix(#"{"id":"t1","annotator":"bob","answers":{"label":"neg"},"submitted_at""#))
    #expect(
      rows[2].hasPrefix(
        #"{"id":"t2","annotator":"ann","answers":{"label":"pos"},"flags":["too_fast","same_answer_run"],"submitted_at""#
      ))
    #expect(rows[3].hasPrefix(#"{"id":"t3","annotator":"ann","answers":{"label":"pos"},"flags":["same_answer_run"],"#))
    #expect(!rows.joined().contains(#""gold""#))

    let csv = try tally(["export", "p", "--format", "csv", "--out", "out.csv"], in: folder)
    #expect(csv.status == 0, "\(csv.output)")
    let csvRows = try folder.read("out.csv").components(separatedBy: "\r\n")
    #expect(
      csvRows[0]
        == "id,annotator,skipped,skip_reason,label,flags,submitted_at,active_seconds,guidelines_version,record,"
        + "data.id,data.text")
    #expect(csvRows[1].hasPrefix("t1,ann,,,pos,,"))
    #expect(csvRows[3].hasPrefix("t2,ann,,,pos,too_fast;same_answer_run,"))
    #expect(csvRows[4].hasPrefix("t3,ann,,,pos,same_answer_run,"))
    #expect(csvRows.count == 6)
  }

  @Test func exportIncludeGoldAddsGoldRowsWithTheirGoldData() throws {
    let folder = try TemporaryFolder()
    try project(in: folder)
    try sampleLogs(in: folder)
    let jsonl = try tally(["export", "p", "--include-gold", "--out", "out.jsonl"], in: folder)
    #expect(jsonl.status == 0, "\(jsonl.output)")
    let rows = try folder.read("out.jsonl").split(separator: "\n").map(String.init)
    #expect(rows.count == 7)
    #expect(rows[0].hasPrefix(#"{"id":"t1","annotator":"ann","answers":{"label":"pos"},"gold":false,"submitted_at""#))
    #expect(rows[0].hasSuffix(#""data":{"id":"t1","text":"good"}}"#))
    // Gold rows come after the data rows, in gold-file order, with the gold file's record.
    #expect(rows[4].hasPrefix(#"{"id":"t1","annotator":"ann","answers":{"label":"neg"},"gold":true,"correct":false,"#))
    #expect(rows[4].hasSuffix(#""data":{"id":"t1","text":"good (gold)","gold":"pos"}}"#))
    #expect(rows[5].hasPrefix(#"{"id":"g2","annotator":"ann","answers":{"label":"neg"},"gold":true,"correct":true,"#))
    #expect(rows[6].hasPrefix(#"{"id":"g2","annotator":"bob","answers":{"label":"neg"},"gold":true,"correct":true,"#))

    let csv = try tally(["export", "p", "--format", "csv", "--include-gold", "--out", "out.csv"], in: folder)
    #expect(csv.status == 0, "\(csv.output)")
    let csvRows = try folder.read("out.csv").components(separatedBy: "\r\n")
    #expect(
      csvRows[0]
        == "id,annotator,skipped,skip_reason,label,flags,gold,correct,submitted_at,active_seconds,guidelines_version,"
        + "record,data.id,data.text,data.gold")
    #expect(csvRows[1].hasPrefix("t1,ann,,,pos,,false,,"))
    #expect(csvRows[3].hasPrefix("t2,ann,,,pos,too_fast;same_answer_run,false,,"))
    #expect(csvRows[5].hasPrefix("t1,ann,,,neg,,true,false,"))
    #expect(csvRows[5].hasSuffix(",t1,good (gold),pos"))
    #expect(csvRows[7].hasPrefix("g2,bob,,,neg,,true,true,"))
  }
}
