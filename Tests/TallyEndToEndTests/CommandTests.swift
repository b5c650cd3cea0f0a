import Foundation
import TallyJSON
import Testing

/// The non-interactive commands, run as the real binary.
@Suite(.serialized) struct CommandTests {
  func tally(_ arguments: [String], in folder: TemporaryFolder) throws -> (status: Int32, output: String) {
    try TmuxSession.run([TmuxSession.tallyBinary] + arguments, directory: folder.path)
  }

  @Test func everySampleProjectValidatesCleanly() throws {
    // The package root: three levels above this file.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    let samples = try FileManager.default.contentsOfDirectory(atPath: root + "/SampleData")
      .filter { FileManager.default.fileExists(atPath: root + "/SampleData/" + $0 + "/tally.yaml") }.sorted()
    #expect(samples == ["compare", "entities", "review", "sentiment", "support-qc", "topics"])
    for sample in samples {
      let result = try TmuxSession.run([TmuxSession.tallyBinary, "validate", "SampleData/" + sample], directory: root)
      #expect(result.status == 0, "\(sample): \(result.output)")
      #expect(
        result.output.contains("0 malformed, 0 duplicate ids; 0 error(s), 0 warning(s)"), "\(sample): \(result.output)")
    }
  }

  @Test func theReviewSamplesBundleBringsThreeAnnotatorsIn() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    let folder = try TemporaryFolder()
    for file in ["tally.yaml", "data.jsonl", "team.bundle"] {
      try folder.write(
        "review/" + file, try String(contentsOfFile: root + "/SampleData/review/" + file, encoding: .utf8))
    }
    try folder.write(
      "review/tally.yaml",
      try folder.read("review/tally.yaml").replacingOccurrences(
        of: "guidelines: ../../Guidelines/sentiment.md\n", with: ""))
    let merged = try tally(["merge", "review", "review/team.bundle"], in: folder)
    #expect(merged.status == 0 && merged.output.contains("added 27 records"), "\(merged.output)")
    let agreement = try tally(["agreement", "review", "--json"], in: folder)
    let doc = try JSONParser.parse(agreement.output.utf8)
    #expect(doc["items"] == .number(8) && doc["annotators"] == .number(3), "\(agreement.output)")
    #expect(try tally(["verify", "review"], in: folder).status == 0)
  }

  @Test func twoProcessesAppendingToOneLogLoseNothing() throws {
    let folder = try TemporaryFolder()
    let log = folder.path + "/shared.jsonl"
    let binary = TmuxSession.tallyBinary
    let one = "'\(binary)' log-stress --log '\(log)' --count 300 --annotator"
    // Two processes at once; `wait PID` returns each one's status.
    let script = "\(one) a & A=$!; \(one) b & B=$!; wait $A || exit 1; wait $B || exit 2"
    let result = try TmuxSession.run(["sh", "-c", script])
    #expect(result.status == 0, "\(result.output)")
    let lines = try folder.read("shared.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.last == "")
    let records = lines.dropLast().map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(records.count == 600)
    #expect(records.allSatisfy { $0 != nil }, "a line was torn or interleaved")
    let ids = Set(records.compactMap { $0?["id"] as? String })
    #expect(ids.count == 600)
    for name in ["a", "b"] {
      let tasks = records.compactMap { $0 }.filter { $0["annotator"] as? String == name }.compactMap {
        $0["task"] as? String
      }
      #expect(tasks == (0..<300).map { "task-\($0)" }, "\(name)'s records are out of order or missing")
    }
  }

  @Test func validateReportsEveryProblemWithFileLineAndFix() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "p/tally.yaml",
      """
      data: data.jsonl
      guidelines: missing.md
      questions:
        - name: label
          type: single
          options: [a, b]

      """)
    try folder.write(
      "p/data.jsonl",
      """
      {"id": "1", "text": "fine"}
      {"id": "2", "text": "broken
      {"id": "1", "text": "duplicate"}
      {"id": "4", "text": "bad prediction", "prediction": "zzz"}

      """)
    try folder.write(
      "p/labels/ann.jsonl",
      #"{"v":1,"id":"r1","type":"answer","task":"1","annotator":"ann","answers":{"label":"a"},"submitted_at":"2026-11-23T10:00:00.000Z","tool":"t"}"#
        + "\n" + #"{"v":1,"id":"r2","ty"#)
    let result = try tally(["validate", "p"], in: folder)
    #expect(result.status == 1)
    let out = result.output
    #expect(out.contains("p/tally.yaml:2: warning: guidelines file p/missing.md cannot be read"))
    #expect(out.contains("p/data.jsonl:2: error: not valid JSON: unexpected end of input at byte 27"))
    #expect(out.contains("p/data.jsonl:3: warning: duplicate id `1` (first on line 1)"))
    #expect(out.contains("p/data.jsonl:4: warning: prediction zzz matches no option"))
    #expect(out.contains("p/labels/ann.jsonl:2: warning: torn last line skipped"))
    #expect(out.contains("4 tasks, 1 malformed, 1 duplicate ids; 1 error(s), 4 warning(s)."))
    #expect(out.components(separatedBy: "  fix: ").count - 1 == 5)
  }

  @Test func validateRejectsUnknownKeys() throws {
    let folder = try TemporaryFolder()
    try folder.write("p/tally.yaml", "data: d.jsonl\nlabelz: [a]\nquestions:\n  - name: q\n    options: [a]\n")
    let result = try tally(["validate", "p"], in: folder)
    #expect(result.status == 1)
    #expect(result.output.contains("p/tally.yaml:2: error: unknown project key `labelz`"))
  }

  @Test func spanFormatsOfTheFinalDatasetNeedASpanQuestion() throws {
    let folder = try TemporaryFolder()
    try folder.write("p/tally.yaml", "data: d.jsonl\nquestions:\n  - name: q\n    options: [a, b]\n")
    try folder.write("p/d.jsonl", "{\"id\":\"1\",\"text\":\"x\"}\n")
    for format in ["spacy", "conll"] {
      let result = try tally(["export", "p", "--final", "--format", format, "--out", "out.\(format)"], in: folder)
      #expect(result.status != 0, "\(result.output)")
      #expect(result.output.contains("--format \(format) --final exports a span question; this project has none"))
      #expect(result.output.contains("fix: use --format jsonl or csv"))
      #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.\(format)"))
      let named = try tally(["export", "p", "--final", "--format", format, "--question", "q"], in: folder)
      #expect(named.status != 0 && named.output.contains("`q` is not one"), "\(named.output)")
    }
  }

  @Test func initWritesAValidCommentedProject() throws {
    let folder = try TemporaryFolder()
    try folder.write("data/reviews.csv", "id,text\n1,good\n2,bad\n")
    let result = try tally(["init", "data/reviews.csv", "--labels", "pos,neg", "--project", "proj"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    let yaml = try folder.read("proj/tally.yaml")
    #expect(yaml.contains("data: ../data/reviews.csv"))
    #expect(yaml.contains("format: csv"))
    #expect(yaml.contains("# The questions asked of each task."))
    let check = try tally(["validate", "proj"], in: folder)
    #expect(check.status == 0, "\(check.output)")
    #expect(check.output.contains("2 tasks, 0 malformed, 0 duplicate ids; 0 error(s), 0 warning(s)."))
    let again = try tally(["init", "data/reviews.csv", "--labels", "pos,neg", "--project", "proj"], in: folder)
    #expect(again.status == 2)
    #expect(again.output.contains("already exists"))
  }

  @Test func exportTakesTheLatestRecordPerTaskAndAnnotator() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "p/tally.yaml",
      """
      data: data.jsonl
      questions:
        - name: topic
          type: taxonomy
          options:
            - name: billing
              children: [refunds, invoices]
            - name: other
        - name: tags
          type: multi
          options: [x, y]

      """)
    try folder.write(
      "p/data.jsonl",
      #"{"id":"t1","text":"Refund, please","lang":"en"}"# + "\n" + #"{"id":"t2","text":"Hi \"there\"","lang":"fr"}"#
        + "\n")
    func line(
      _ id: String, _ task: String, _ who: String, _ answers: String, _ time: String, type: String = "answer",
      extra: String = ""
    ) -> String {
      #"{"v":1,"id":"\#(id)","type":"\#(type)","task":"\#(task)","annotator":"\#(who)","answers":\#(answers),"submitted_at":"2026-11-23T10:00:0\#(time).000Z","tool":"t"\#(extra)}"#
    }
    try folder.write(
      "p/labels/ann.jsonl",
      [
        line("r1", "t1", "ann", #"{"topic":["billing","invoices"],"tags":["x"]}"#, "1"),
        line(
          "r2", "t1", "ann", #"{"topic":["billing","refunds"],"tags":["x","y"]}"#, "2", extra: #","supersedes":"r1""#),
        line("r3", "t2", "ann", "{}", "3", type: "skip", extra: #","skip_reason":"not sure""#),
      ].joined(separator: "\n") + "\n")
    try folder.write("p/labels/bob.jsonl", line("r4", "t1", "bob", #"{"topic":["other"]}"#, "4") + "\n")

    let jsonl = try tally(["export", "p", "--format", "jsonl"], in: folder)
    #expect(jsonl.status == 0)
    let rows = jsonl.output.split(separator: "\n").map(String.init)
    #expect(rows.count == 3)
    #expect(
      rows[0].hasPrefix(#"{"id":"t1","annotator":"ann","answers":{"topic":["billing","refunds"],"tags":["x","y"]},"#))
    #expect(rows[0].hasSuffix(#""record":"r2","data":{"id":"t1","text":"Refund, please","lang":"en"}}"#))
    #expect(rows[1].hasPrefix(#"{"id":"t1","annotator":"bob","answers":{"topic":["other"]}"#))
    #expect(rows[2].contains(#""id":"t2","annotator":"ann","answers":{},"skipped":true,"skip_reason":"not sure""#))

    let csv = try tally(["export", "p", "--format", "csv", "--out", "out.csv"], in: folder)
    #expect(csv.status == 0)
    let text = try folder.read("out.csv")
    let csvRows = text.components(separatedBy: "\r\n")
    #expect(
      csvRows[0]
        == "id,annotator,skipped,skip_reason,topic,tags,submitted_at,active_seconds,guidelines_version,record,data.id,data.text,data.lang"
    )
    #expect(csvRows[1] == #"t1,ann,,,billing/refunds,x|y,2026-11-23T10:00:02.000Z,,,r2,t1,"Refund, please",en"#)
    #expect(csvRows[2] == "t1,bob,,,other,,2026-11-23T10:00:04.000Z,,,r4,t1,\"Refund, please\",en")
    #expect(csvRows[3] == #"t2,ann,true,not sure,,,2026-11-23T10:00:03.000Z,,,r3,t2,"Hi ""there""",fr"#)
  }

  @Test func labelWithoutLabelsOrProjectSaysWhatToDo() throws {
    let folder = try TemporaryFolder()
    try folder.write("d.jsonl", "{\"text\":\"x\"}\n")
    let result = try tally(["label", "d.jsonl"], in: folder)
    #expect(result.status == 2)
    #expect(result.output.contains("no labels given"))
    #expect(result.output.contains("fix: run `tally label d.jsonl --labels a,b,c`"))
    let missing = try tally(["label", "nowhere/"], in: folder)
    #expect(missing.status == 2)
  }
}

/// The fuzz target, built normally, replays the corpus the fuzzer starts from: every input holds its checks.
@Suite struct FuzzReplayTests {
  @Test func theJSONCorpusReplaysCleanly() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    let corpus = root + "/Tests/TallyJSONTests/Corpus"
    let files = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted().map { corpus + "/" + $0 }
    let binary = URL(fileURLWithPath: TmuxSession.tallyBinary).deletingLastPathComponent().appendingPathComponent(
      "tally-fuzz-json"
    ).path
    let result = try TmuxSession.run([binary] + files)
    #expect(result.status == 0, "\(result.output)")
    #expect(result.output.contains("checked \(files.count) input(s): no problem found"), "\(result.output)")
  }
}
