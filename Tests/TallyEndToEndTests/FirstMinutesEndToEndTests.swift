import Foundation
import TallyJSON
import Testing

/// The first ten minutes of a new user, through the real binary: exports that never replace the project's
/// files, quick starts that say which column to use, labels typed as people write them, no forced pause,
/// typed words that never answer, and one session per annotator.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxAvailable))
struct FirstMinutesEndToEndTests {
  func tally(_ arguments: [String], in folder: TemporaryFolder) throws -> (status: Int32, output: String) {
    try TmuxSession.run([TmuxSession.tallyBinary] + arguments, directory: folder.path)
  }

  func records(_ folder: TemporaryFolder, _ log: String) -> [[String: Any]] {
    ((try? folder.read(log)) ?? "").split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  func labels(_ folder: TemporaryFolder, _ log: String) -> [[String: Any]] {
    records(folder, log).filter { $0["type"] as? String != "event" }
  }

  /// Esc, then a pause: a key right behind Esc would arrive as Alt and that key.
  func escape(_ session: TmuxSession) throws {
    try session.send("Escape")
    Thread.sleep(forTimeInterval: 0.15)
  }

  /// A small project with one label log.
  func project() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write("p/data.jsonl", #"{"id":"1","text":"first"}"# + "\n" + #"{"id":"2","text":"second"}"# + "\n")
    try folder.write("p/guide.md", "# Guide\n\nRefunds are billing.\n")
    try folder.write(
      "p/tally.yaml", "data: data.jsonl\nguidelines: guide.md\nquestions:\n  - name: q\n    options: [x, y]\n")
    let record =
      #"{"v":1,"id":"r1","type":"answer","task":"1","annotator":"ana","answers":{"q":"x"},"submitted_at":"2026-11-23T10:00:00.000Z","tool":"t"}"#
    try folder.write("p/labels/ana.jsonl", record + "\n")
    return folder
  }

  @Test func exportNeverReplacesTheProjectsFiles() throws {
    let folder = try project()
    let before = try ["p/data.jsonl", "p/tally.yaml", "p/labels/ana.jsonl", "p/guide.md"].map { try folder.read($0) }
    try FileManager.default.createSymbolicLink(
      atPath: folder.path + "/sneaky.csv", withDestinationPath: folder.path + "/p/labels/ana.jsonl")
    for out in [
      "p/data.jsonl", "./p/../p/tally.yaml", folder.path + "/p/labels/ana.jsonl", "p/labels/new.csv", "sneaky.csv",
      "p/guide.md",
    ] {
      for extra in [[], ["--force"]] {
        let result = try tally(["export", "p", "--format", "csv", "--out", out] + extra, in: folder)
        #expect(result.status == 2, "\(out) \(extra): \(result.output)")
        #expect(result.output.contains("Tally never overwrites it"), "\(out): \(result.output)")
      }
    }
    let after = try ["p/data.jsonl", "p/tally.yaml", "p/labels/ana.jsonl", "p/guide.md"].map { try folder.read($0) }
    #expect(before == after)
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/p/labels/new.csv"))

    // Any other existing file needs --force; the export then replaces it whole.
    try folder.write("out.csv", "keep me")
    let refused = try tally(["export", "p", "--format", "csv", "--out", "out.csv"], in: folder)
    #expect(refused.status == 2)
    #expect(refused.output.contains("--out out.csv already exists"))
    #expect(try folder.read("out.csv") == "keep me")
    let forced = try tally(["export", "p", "--format", "csv", "--out", "out.csv", "--force"], in: folder)
    #expect(forced.status == 0, "\(forced.output)")
    #expect(try folder.read("out.csv").hasPrefix("id,annotator,"))
    let fresh = try tally(["export", "p", "--out", "my export.jsonl"], in: folder)
    #expect(fresh.status == 0)
    #expect(fresh.output.contains("Wrote 'my export.jsonl'."), "\(fresh.output)")
  }

  @Test func initForceKeepsTheOldFile() throws {
    let folder = try project()
    let old = try folder.read("p/tally.yaml")
    let refused = try tally(["init", "p/data.jsonl", "--labels", "a,b", "--project", "p"], in: folder)
    #expect(refused.status == 2)
    #expect(refused.output.contains("p/tally.yaml: error: already exists"))
    let forced = try tally(["init", "p/data.jsonl", "--labels", "a,b", "--project", "p", "--force"], in: folder)
    #expect(forced.status == 0, "\(forced.output)")
    #expect(forced.output.contains("Kept the old project file as p/tally.yaml.bak."))
    #expect(try folder.read("p/tally.yaml.bak") == old)
  }

  @Test func aQuickStartSaysWhichColumnToUseAndLabelsAsTyped() throws {
    let folder = try TemporaryFolder()
    try folder.write("reviews.csv", "review_id,review,stars\nr1,Arrived broken and late,1\nr2,Works as promised,5\n")
    try folder.write("reviews.jsonl", #"{"id":"j1","text":"from the jsonl file"}"# + "\n")
    let refused = try tally(["label", "reviews.csv", "--labels", "good,bad"], in: folder)
    #expect(refused.status == 2)
    #expect(refused.output.contains("reviews.csv: error: no record has a `text` field"), "\(refused.output)")
    #expect(refused.output.contains("rerun with --text-field review"))
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/reviews.csv.tally"))
    let empty = try tally(["label", "reviews.csv", "--labels", "a,,b"], in: folder)
    #expect(empty.status == 2)
    #expect(empty.output.contains("--labels a,,b: label 2 of 3 is empty"))

    let command =
      "\(TmuxSession.tallyBinary) label reviews.csv --text-field review --id-field review_id "
      + "--labels 'very good,bad,👍' --annotator qs"
    let session = try TmuxSession(command: command, directory: folder.path)
    let screen = try session.waitFor("Arrived broken and late")
    #expect(screen.contains("very good"))
    #expect(screen.contains("reviews.csv.tally"))
    try session.send("1")
    try session.waitFor("Works as promised")
    try session.send("3")
    try session.waitFor("End of the queue")
    try session.send("q")
    let exit = try session.waitFor("TALLY-EXIT=0")
    #expect(exit.contains("stored as identifiers: “very good” as very_good, “👍” as thumbs_up_sign"), "\(exit)")
    let answers = labels(folder, "reviews.csv.tally/labels/qs/e2e-machine.jsonl")
    #expect(answers.map { $0["task"] as? String } == ["r1", "r2"])
    #expect(answers.map { ($0["answers"] as? [String: Any])?["label"] as? String } == ["very_good", "thumbs_up_sign"])
    // The JSONL beside it is its own project, not this one.
    let jsonl = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label reviews.jsonl --labels a,b --annotator qs", directory: folder.path)
    try jsonl.waitFor("from the jsonl file")
    try jsonl.send("q")
    try jsonl.waitFor("TALLY-EXIT=0")
    #expect(FileManager.default.fileExists(atPath: folder.path + "/reviews.jsonl.tally/tally.yaml"))
  }

  @Test func aQuickStartDoesNotPauseFastAnswersButFlagsThem() throws {
    let folder = try TemporaryFolder()
    try folder.write("d.txt", (1...8).map { "Short text \($0)." }.joined(separator: "\n") + "\n")
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label d.txt --labels a,b --annotator fast", directory: folder.path)
    try session.waitFor("Short text 1.")
    for i in 1...8 {
      try session.send("1")
      try session.waitFor(i < 8 ? "Short text \(i + 1)." : "End of the queue")
    }
    #expect(!(try session.capture().contains("Slow down")))
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
    let answers = labels(folder, "d.txt.tally/labels/fast/e2e-machine.jsonl")
    #expect(answers.count == 8)
    #expect(answers.allSatisfy { ($0["flags"] as? [String])?.contains("too_fast") == true })
    #expect(
      !records(folder, "d.txt.tally/labels/fast/e2e-machine.jsonl").contains {
        $0["event"] as? String == "slow_down_pause"
      })
  }

  @Test func typedWordsNeverAnswer() throws {
    let folder = try project()
    try folder.write(
      "p/tally.yaml",
      "data: data.jsonl\nguidelines: guide.md\nquestions:\n  - name: q\n    options: [x, y, z]\n  - name: note\n    type: text\n"
    )
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label p --annotator typist", directory: folder.path)
    try session.waitFor("Guide")
    try session.send("g")
    try session.waitFor("first")
    // The reported trap: with the guidelines closed, `/refund 2` answered 2.
    try session.type("/refund 2")
    try session.waitFor("/refund 2")
    try escape(session)
    try session.send("g")
    // The skip reason, typed and cancelled.
    try session.type("s")
    try session.waitFor("Reason (optional)")
    try session.type("1 2 3 the refund was late")
    try escape(session)
    Thread.sleep(forTimeInterval: 0.3)
    #expect(
      labels(folder, "p/labels/typist/e2e-machine.jsonl").isEmpty,
      "\(records(folder, "p/labels/typist/e2e-machine.jsonl"))")
    // Answer the first question; the second is free text: words typed there stay there.
    try session.type("1")
    try session.waitFor("characters")
    try session.type("a note with 1 2 3")
    try session.waitFor("a note with 1 2 3")
    #expect(labels(folder, "p/labels/typist/e2e-machine.jsonl").isEmpty)
    // Quitting now would lose them: asked first, and words at the question do nothing.
    try session.send("C-c")
    try session.waitFor("Quit?")
    try session.type("the refu")
    Thread.sleep(forTimeInterval: 0.3)
    #expect(try session.capture().contains("Quit?"))
    #expect(labels(folder, "p/labels/typist/e2e-machine.jsonl").isEmpty)
    try session.type("y")
    try session.waitFor("TALLY-EXIT=0")
    #expect(labels(folder, "p/labels/typist/e2e-machine.jsonl").isEmpty)
  }

  @Test func oneSessionPerAnnotator() throws {
    let folder = try project()
    let first = try TmuxSession(command: "\(TmuxSession.tallyBinary) label p --annotator solo", directory: folder.path)
    try first.waitFor("Guide")
    let lock = try folder.read("p/labels/solo.lock")
    #expect(lock.contains(#""annotator":"solo""#))
    let second = try tally(["label", "p", "--annotator", "solo"], in: folder)
    #expect(second.status == 4)
    #expect(second.output.contains("solo is already labeling this project in another session: pid"), "\(second.output)")
    #expect(second.output.contains(" on \(ProcessInfo.processInfo.hostName)") || second.output.contains(" on "))
    // Someone else may label at the same time.
    let other = try TmuxSession(command: "\(TmuxSession.tallyBinary) label p --annotator duo", directory: folder.path)
    try other.waitFor("Guide")
    try other.send("g")
    try other.waitFor("first")
    try other.send("q")
    try other.waitFor("TALLY-EXIT=0")
    // A killed session leaves its lock file; the next session takes it over.
    try first.killProgram()
    #expect(FileManager.default.fileExists(atPath: folder.path + "/p/labels/solo.lock"))
    let third = try TmuxSession(command: "\(TmuxSession.tallyBinary) label p --annotator solo", directory: folder.path)
    try third.waitFor("first")
    try third.send("q")
    try third.waitFor("TALLY-EXIT=0")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/p/labels/solo.lock"))
  }

  @Test func validateSaysAMissingFieldOnceAndFindsDoubleFirstAnswers() throws {
    let folder = try TemporaryFolder()
    try folder.write("p/tally.yaml", "data: d.jsonl\nquestions:\n  - name: q\n    options: [x, y]\n")
    try folder.write(
      "p/d.jsonl", (1...5).map { #"{"id":"\#($0)","body":"text number \#($0)"}"# }.joined(separator: "\n") + "\n")
    func record(_ id: String, _ task: String, _ time: String, supersedes: String? = nil) -> String {
      let sup = supersedes.map { #","supersedes":"\#($0)""# } ?? ""
      return
        #"{"v":1,"id":"\#(id)","type":"answer","task":"\#(task)","annotator":"ana","answers":{"q":"x"},"submitted_at":"2026-11-23T10:00:0\#(time).000Z","tool":"t"\#(sup)}"#
    }
    try folder.write(
      "p/labels/ana.jsonl",
      [
        record("a1", "1", "1"), record("a2", "2", "2"), record("a3", "1", "3"),
        record("a4", "2", "4", supersedes: "a2"),
      ]
      .joined(separator: "\n") + "\n")
    let result = try tally(["validate", "p"], in: folder)
    #expect(result.status == 1)
    let out = result.output
    #expect(out.contains("p/d.jsonl:1: error: no record has `text` field"), "\(out)")
    #expect(out.contains("fix: set `text_field: body` in p/tally.yaml"), "\(out)")
    #expect(out.components(separatedBy: "`text` field").count == 2, "said more than once:\n\(out)")
    #expect(!out.contains("fix or remove the line"))
    #expect(
      out.contains(
        "p/labels/ana.jsonl:1: warning: ana has two current answers to task `1` (records a3, a1); the one at "
          + "p/labels/ana.jsonl:3 counts, by time"), "\(out)")
    #expect(!out.contains("answers to task `2`"))
  }
}
