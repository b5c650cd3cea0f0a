import Foundation
import TallyJSON
import Testing

/// Drives the real `tally` binary in tmux: label with keystrokes, go back and change an answer, SIGKILL it,
/// restart, finish, export, and check that every submitted answer is there exactly once.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxAvailable))
struct LabelingEndToEndTests {
  static let data = """
    {"id": "t1", "text": "The soup was wonderful.", "lang": "en"}
    {"id": "t2", "text": "El servicio fue terrible.", "lang": "es"}
    {"id": "t3", "text": "東京のホテルは普通でした。", "lang": "ja"}
    {"id": "t4", "text": "Das Essen war gut, aber teuer.", "lang": "de"}
    {"id": "t5", "text": "Delivery arrived \\u001b[31mlate\\u001b[0m again 😡", "lang": "en"}
    {"id": "t6", "text": "Fine.", "lang": "en", "prediction": "pos"}
    {"id": "t7", "text": "Je ne sais pas.", "lang": "fr"}

    """

  static let yaml = """
    name: e2e
    data: data.jsonl
    guidelines: guide.md
    show_fields: [lang]
    questions:
      - name: sentiment
        prompt: Sentiment?
        type: single
        options:
          - name: pos
            display: Positive
          - name: neg
            display: Negative
          - name: neu
            display: Neutral
    # tmux answers instantly: these tests are about labeling and resuming, so the slow-down pause is off
    # (the answers are still flagged too_fast).
    quality:
      too_fast_count: 0

    """

  func makeProject() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write("project/data.jsonl", Self.data)
    try folder.write("project/tally.yaml", Self.yaml)
    try folder.write("project/guide.md", "# Sentiment guide\n\nPick **Positive** when the writer is pleased.\n")
    return folder
  }

  func exportLines(_ folder: TemporaryFolder) throws -> [[String: Any]] {
    let result = try TmuxSession.run(
      [TmuxSession.tallyBinary, "export", "project", "--format", "jsonl"], directory: folder.path)
    #expect(result.status == 0, "export failed: \(result.output)")
    return result.output.split(separator: "\n").compactMap { line in
      try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }
  }

  @Test func labelGoBackKillResumeFinishExport() throws {
    let folder = try makeProject()
    let binary = TmuxSession.tallyBinary
    var session: TmuxSession? = try TmuxSession(
      command: "\(binary) label project --annotator e2e", directory: folder.path)
    guard let first = session else { return }
    // The guidelines are new to this annotator, so they open first.
    try first.waitFor("Sentiment guide")
    try first.send("g")
    try first.waitFor("The soup was wonderful.")
    try first.send("1")  // t1 = pos
    try first.waitFor("El servicio fue terrible.")
    try first.send("2")  // t2 = neg
    try first.waitFor("東京のホテルは普通でした。")
    try first.send("Left")  // back to t2
    try first.waitFor("Already answered")
    try first.send("3")  // t2 = neu, superseding neg
    try first.waitFor("東京のホテルは普通でした。")
    try first.send("3")  // t3 = neu
    let screen = try first.waitFor("Das Essen war gut")
    #expect(screen.contains("3/7 done"))
    // Kill it without warning, mid-session.
    try first.killProgram()
    session = nil

    let second = try TmuxSession(command: "\(binary) label project --annotator e2e", directory: folder.path)
    // Resumes at the first task not answered, without forcing the guidelines again.
    let resumed = try second.waitFor("Das Essen war gut")
    #expect(resumed.contains("3/7 done"))
    #expect(!resumed.contains("Sentiment guide"))
    try second.send("1")  // t4 = pos
    let escaped = try second.waitFor("Delivery arrived")
    // The escape sequence in the data is shown as a visible placeholder, not obeyed.
    #expect(escaped.contains("␛[31mlate␛[0m"))
    try second.send("s")
    try second.waitFor("Reason (optional)")
    try second.type("unsure")
    try second.send("Enter")  // t5 skipped
    try second.waitFor("Fine.")
    #expect(try second.capture().contains("predicted"))
    try second.send("Enter")  // t6 accepts the prediction: pos
    try second.waitFor("Je ne sais pas.")
    try second.send("3")  // t7 = neu
    try second.waitFor("End of the queue")
    try second.send("q")
    try second.waitFor("TALLY-EXIT=0")

    let lines = try exportLines(folder)
    var byTask: [String: [[String: Any]]] = [:]
    for line in lines { byTask[line["id"] as? String ?? "", default: []].append(line) }
    #expect(byTask.keys.sorted() == ["t1", "t2", "t3", "t4", "t5", "t6", "t7"])
    for (task, rows) in byTask { #expect(rows.count == 1, "task \(task) exported \(rows.count) times") }
    func answer(_ task: String) -> String? {
      (byTask[task]?.first?["answers"] as? [String: Any])?["sentiment"] as? String
    }
    #expect(answer("t1") == "pos")
    #expect(answer("t2") == "neu")
    #expect(answer("t3") == "neu")
    #expect(answer("t4") == "pos")
    #expect(byTask["t5"]?.first?["skipped"] as? Bool == true)
    #expect(byTask["t5"]?.first?["skip_reason"] as? String == "unsure")
    #expect(answer("t6") == "pos")
    #expect(answer("t7") == "neu")
    #expect((byTask["t3"]?.first?["data"] as? [String: Any])?["lang"] as? String == "ja")

    // The log kept the superseded answer and the record that replaced it.
    let log = try folder.read("project/labels/e2e/e2e-machine.jsonl")
    let records = log.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let t2 = records.filter { $0["task"] as? String == "t2" }
    #expect(t2.count == 2)
    #expect(t2.last?["supersedes"] as? String == t2.first?["id"] as? String)
    #expect(records.contains { $0["event"] as? String == "guidelines_opened" })
  }

  @Test func quickStartLabelsADataFileDirectly() throws {
    let folder = try TemporaryFolder()
    try folder.write("reviews.txt", "great product\nbroken on arrival\n")
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label reviews.txt --labels good,bad --annotator qs", directory: folder.path)
    let screen = try session.waitFor("great product")
    #expect(screen.contains("reviews.txt.tally"))
    try session.send("1")
    try session.waitFor("broken on arrival")
    try session.send("2")
    try session.waitFor("End of the queue")
    try session.send("q")
    let exit = try session.waitFor("TALLY-EXIT=0")
    #expect(exit.contains("reviews.txt.tally"))
    let export = try TmuxSession.run(
      [TmuxSession.tallyBinary, "export", "reviews.txt.tally", "--format", "csv"], directory: folder.path)
    #expect(export.status == 0)
    let rows = export.output.split(separator: "\r\n").map(String.init)
    try #require(rows.count == 3, "\(export.output)")
    #expect(rows[0].hasPrefix("id,annotator,skipped,skip_reason,label,"))
    #expect(rows[1].contains(",qs,,,good,"))
    #expect(rows[2].contains(",qs,,,bad,"))
  }

  @Test func tinyTerminalAsksToEnlarge() throws {
    let folder = try makeProject()
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label project --annotator tiny", directory: folder.path, width: 40,
      height: 10)
    try session.waitFor("Enlarge the terminal")
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
  }

  @Test func sigtermAndSighupRestoreTheTerminal() throws {
    for signal in [SIGTERM, SIGHUP, SIGINT] {
      let folder = try makeProject()
      let binary = TmuxSession.tallyBinary
      let session = try TmuxSession(
        command:
          "sh -c 'stty -g > before.txt; \(binary) label project --annotator sig; s=$?; stty -g > after.txt; exit $s'",
        directory: folder.path)
      try session.waitFor("Sentiment guide")
      let shell = try #require(try session.programPID())
      // The program is the shell's child: signal tally itself.
      let children = try TmuxSession.run(["pgrep", "-P", String(shell)]).output
      let pid = try #require(Int32(children.split(separator: "\n").first.map(String.init) ?? ""))
      kill(pid, signal)
      let screen = try session.waitFor("TALLY-EXIT=")
      #expect(screen.contains("TALLY-EXIT=\(128 + signal)"))
      #expect(
        try folder.read("before.txt") == (try folder.read("after.txt")),
        "terminal modes not restored after signal \(signal)")
    }
  }

  @Test func quickStartRatingKillResumeExport() throws {
    let folder = try TemporaryFolder()
    try folder.write("answers.txt", "first answer\nsecond answer\nthird answer\n")
    let command = "\(TmuxSession.tallyBinary) label answers.txt --rating 5 --annotator rater"
    var first: TmuxSession? = try TmuxSession(command: command, directory: folder.path)
    guard let session = first else { return }
    let screen = try session.waitFor("first answer")
    #expect(screen.contains("1 — worst"))
    #expect(screen.contains("5 — best"))
    try session.send("4")
    try session.waitFor("second answer")
    try session.send("Left")
    try session.waitFor("Already answered")
    try session.send("5")  // change the first rating to 5
    try session.waitFor("second answer")
    try session.send("2")
    try session.waitFor("third answer")
    try session.killProgram()
    first = nil
    let second = try TmuxSession(command: command, directory: folder.path)
    try second.waitFor("third answer")
    try second.send("1")
    try second.waitFor("End of the queue")
    try second.send("q")
    try second.waitFor("TALLY-EXIT=0")
    let export = try TmuxSession.run([TmuxSession.tallyBinary, "export", "answers.txt.tally"], directory: folder.path)
    let ratings = export.output.split(separator: "\n").compactMap { line -> (String, Int)? in
      guard let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let data = row["data"] as? [String: Any], let text = data["text"] as? String,
        let value = (row["answers"] as? [String: Any])?["label"] as? Int
      else { return nil }
      return (text, value)
    }
    #expect(ratings.map(\.0) == ["first answer", "second answer", "third answer"])
    #expect(ratings.map(\.1) == [5, 2, 1])
  }

  @Test func quickStartFreeTextWithWideCharactersKillResumeExport() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "titles.jsonl",
      #"{"id":"a","text":"Write a title"}"# + "\n" + #"{"id":"b","text":"Another one"}"# + "\n"
        + #"{"id":"c","text":"Last"}"# + "\n")
    let command = "\(TmuxSession.tallyBinary) label titles.jsonl --free-text --annotator writer"
    var first: TmuxSession? = try TmuxSession(command: command, directory: folder.path)
    guard let session = first else { return }
    try session.waitFor("Write a title")
    try session.type("東京 café 😀")
    try session.send("Enter")
    try session.waitFor("Another one")
    try session.type("qs gone")  // command letters are text in the field
    try session.send("BSpace", "BSpace", "BSpace")
    try session.type("ood")
    try session.send("Enter")
    try session.waitFor("Last")
    // Esc hands the keys back to the commands: go back and fix the first answer.
    try session.send("Escape", "Left")
    try session.waitFor("Another one")
    try session.send("Escape", "Left")
    try session.waitFor("Write a title")
    try session.send("Home", "End", "BSpace")  // tmux sends \e[1~ / \e[4~ here: decoded even so
    try session.type("!")
    try session.send("Enter")
    try session.waitFor("Another one")
    try session.killProgram()
    first = nil
    let second = try TmuxSession(command: command, directory: folder.path)
    try second.waitFor("Last")
    try second.type("fin")
    try second.send("Enter")
    try second.waitFor("End of the queue")
    try second.send("q")
    try second.waitFor("TALLY-EXIT=0")
    let export = try TmuxSession.run([TmuxSession.tallyBinary, "export", "titles.jsonl.tally"], directory: folder.path)
    let answers = export.output.split(separator: "\n").compactMap { line -> String? in
      let row = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return (row?["answers"] as? [String: Any])?["label"] as? String
    }
    #expect(answers == ["東京 café !", "qs good", "fin"])
    // Offsets of what follows wide characters are whole characters: the emoji went in one Backspace.
  }

  @Test func badLinesAreCountedOnScreenAndSkipped() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "d.jsonl",
      #"{"id":"1","text":"good one"}"# + "\n" + #"{"id":"2","text":"bro"# + "\n" + #"{"id":"1","text":"dup"}"# + "\n"
        + #"{"id":"4","text":"last one"}"# + "\n")
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label d.jsonl --labels x,y --annotator bad", directory: folder.path)
    let screen = try session.waitFor("1 bad line, 1 duplicate id (tally validate)")
    #expect(screen.contains("good one"))
    #expect(screen.contains("0/2 done"))
    // The title counts the same tasks as the status bar: 2 that can be labeled, not the 4 lines.
    #expect(screen.contains("1 of 2"), "\(screen)")
    try session.send("1")
    // The broken line is skipped; the duplicate id counts as already answered.
    let last = try session.waitFor("last one")
    #expect(last.contains("2 of 2"), "\(last)")
    #expect(last.contains("1/2 done"))
    try session.send("1")
    try session.waitFor("End of the queue")
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
  }
}
