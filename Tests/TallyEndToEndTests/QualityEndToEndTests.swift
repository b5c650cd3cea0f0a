import Foundation
import TallyJSON
import Testing

/// Quality control through the real binary in tmux: too-fast flags and the slow-down pause, gold tasks in
/// the queue, gold feedback, the gold-threshold pause, and an exam that gates labeling. Every test checks
/// the label log the binary wrote.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxAvailable))
struct QualityEndToEndTests {
  /// A project of `data` short texts and `gold` check tasks whose expected answer is `neg`, with `quality`
  /// lines added under `quality:`.
  func project(data: Int = 30, gold: Int = 0, quality: String, extra: String = "") throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write(
      "data.jsonl",
      (0..<data).map { #"{"id": "d\#($0)", "text": "Data text number \#($0)."}"# }.joined(separator: "\n") + "\n")
    if gold > 0 {
      try folder.write(
        "gold.jsonl",
        (0..<gold).map {
          #"{"id": "g\#($0)", "text": "Check \#($0): choose neg.", "gold": "neg", "explanation": "The text asks for neg (\#($0))."}"#
        }.joined(separator: "\n") + "\n")
    }
    try folder.write(
      "tally.yaml",
      """
      name: qc
      data: data.jsonl
      seed: 3
      questions:
        - name: label
          options: [pos, neg]
      \(extra)
      quality:
      \(quality.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))

      """)
    return folder
  }

  func records(_ folder: TemporaryFolder, annotator: String = "qa") throws -> [[String: Any]] {
    try folder.read("labels/\(annotator)/e2e-machine.jsonl").split(separator: "\n").compactMap {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  func answers(_ records: [[String: Any]]) -> [[String: Any]] { records.filter { $0["type"] as? String == "answer" } }

  func flags(_ record: [String: Any]) -> [String] { record["flags"] as? [String] ?? [] }

  /// Answers `pos` (key 1) until the screen shows `text`, at most `tries` times.
  func answerUntil(_ session: TmuxSession, _ text: String, tries: Int) throws {
    for _ in 0..<tries {
      try session.send("1")
      Thread.sleep(forTimeInterval: 0.15)
      if try session.capture().contains(text) { return }
    }
  }

  /// Waits until the log has `count` records of `type` (the screen can move before a test reads the file).
  func waitForRecords(_ folder: TemporaryFolder, count: Int, type: String = "answer") throws -> [[String: Any]] {
    let deadline = Date().addingTimeInterval(10)
    var found: [[String: Any]] = []
    while Date() < deadline {
      found = ((try? records(folder)) ?? []).filter { $0["type"] as? String == type }
      if found.count >= count { return found }
      Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record("expected \(count) \(type) records, found \(found.count)")
    return found
  }

  @Test func instantAnswersAreFlaggedTooFastAndStopTheQueue() throws {
    let folder = try project(
      quality: "min_seconds: 5\ntoo_fast_count: 3\ntoo_fast_window: 5\npause_seconds: 4\nsame_answer_run: 0")
    let command = "\(TmuxSession.tallyBinary) label . --annotator qa"
    var first: TmuxSession? = try TmuxSession(command: command, directory: folder.path)
    guard let session = first else { return }
    try session.waitFor("Data text number 0.")
    try session.send("1")
    try session.waitFor("Flagged too fast")
    try session.send("1", "2")
    let paused = try session.waitFor("Slow down")
    #expect(paused.contains("3 of your last 5 answers came faster than the texts can be read."))
    // The queue is stopped: answer keys do nothing while the pause lasts.
    try session.send("1", "2", "Enter")
    Thread.sleep(forTimeInterval: 0.3)
    let during = answers(try records(folder))
    #expect(during.count == 3)
    #expect(during.allSatisfy { flags($0) == ["too_fast"] })
    let events = try records(folder).filter { $0["event"] as? String == "slow_down_pause" }
    #expect(events.count == 1)
    #expect((events.first?["details"] as? [String: Any])?["seconds"] as? Double == 4)
    // Quitting does not cut the pause short: a restarted session is still paused.
    try session.killProgram()
    first = nil
    let second = try TmuxSession(command: command, directory: folder.path)
    try second.waitFor("Slow down")
    try second.waitFor("Enter continue")
    try second.send("Enter")
    try second.waitFor("Data text number 3.")
    Thread.sleep(forTimeInterval: 5.2)
    try second.send("2")
    let fourth = try waitForRecords(folder, count: 4)
    #expect(flags(fourth[3]).isEmpty, "\(fourth[3])")
    #expect((fourth[3]["active_seconds"] as? Double ?? 0) >= 5)
  }

  @Test func goldTasksAppearAtAboutTheRateAndNeverBackToBack() throws {
    let folder = try project(
      data: 60, gold: 40,
      quality:
        "min_seconds: 0\ntoo_fast_count: 0\nsame_answer_run: 0\ngold: gold.jsonl\ngold_rate: 0.25\ngold_min_accuracy: 0"
    )
    let session = try TmuxSession(command: "\(TmuxSession.tallyBinary) label . --annotator qa", directory: folder.path)
    let first = try session.waitFor("Data text number 0.")
    let total = try #require(first.range(of: #"1 of (\d+)"#, options: .regularExpression).map { String(first[$0]) })
    var seen = 0
    while seen < 200 {
      try session.send("2")
      seen += 1
      if seen % 10 == 0, try session.capture().contains("End of the queue") { break }
    }
    let end = try session.waitFor("End of the queue")
    let log = answers(try records(folder))
    let golds = log.map { $0["gold"] as? Bool == true }
    #expect(log.count == 60 + golds.filter { $0 }.count)
    // Counts are over the 60 data tasks: the counter does not give away how many checks there are.
    #expect(total == "1 of 60")
    #expect(end.contains("60 of 60 tasks handled"), "\(end)")
    #expect(end.contains("60/60 done"), "\(end)")
    #expect(golds.first == false)
    for (a, b) in zip(golds, golds.dropFirst()) { #expect(!(a && b), "two gold tasks in a row") }
    let share = Double(golds.filter { $0 }.count) / Double(golds.count)
    #expect(share > 0.12 && share < 0.38, "gold share \(share)")
    // Gold answers are scored (`neg` is right) and kept apart from data answers.
    #expect(log.filter { $0["gold"] as? Bool == true }.allSatisfy { $0["correct"] as? Bool == true })
    #expect(Set(log.compactMap { $0["task"] as? String }).count == log.count)
  }

  @Test func aWrongGoldAnswerShowsTheExpectedAnswerAndExplanation() throws {
    let folder = try project(
      data: 20, gold: 10,
      quality:
        "min_seconds: 0\ntoo_fast_count: 0\nsame_answer_run: 0\ngold: gold.jsonl\ngold_rate: 0.5\ngold_feedback: explain\ngold_min_accuracy: 0"
    )
    let session = try TmuxSession(command: "\(TmuxSession.tallyBinary) label . --annotator qa", directory: folder.path)
    try session.waitFor("Data text number 0.")
    try answerUntil(session, "Not the expected answer", tries: 10)
    let screen = try session.waitFor("Not the expected answer")
    #expect(screen.contains("That was a check task with a known answer."))
    #expect(screen.contains("label: neg"))
    // Shown over the task it is about, with what was answered.
    #expect(screen.range(of: #"Check \d+: choose neg\."#, options: .regularExpression) != nil, "\(screen)")
    #expect(screen.contains("You answered:"))
    #expect(screen.contains("label: pos"))
    #expect(screen.range(of: #"The text asks for neg \(\d+\)\."#, options: .regularExpression) != nil)
    let wrong = answers(try records(folder)).filter { $0["gold"] as? Bool == true }
    #expect(wrong.count == 1)
    #expect(wrong.first?["correct"] as? Bool == false)
    try session.send("Enter")
    Thread.sleep(forTimeInterval: 0.3)
    let after = try session.capture()
    #expect(!after.contains("Not the expected answer"))
    #expect(after.range(of: #"Check \d+: choose neg\."#, options: .regularExpression) == nil, "still on the check task")
  }

  @Test func fallingBelowTheGoldThresholdPausesTheSessionAndFlagsAnswers() throws {
    let folder = try project(
      data: 30, gold: 20,
      quality:
        "min_seconds: 0\nchars_per_second: 0\ntoo_fast_count: 0\nsame_answer_run: 0\npause_seconds: 1\ngold: gold.jsonl\ngold_rate: 0.5\ngold_window: 2\ngold_min_accuracy: 0.6"
    )
    let session = try TmuxSession(command: "\(TmuxSession.tallyBinary) label . --annotator qa", directory: folder.path)
    try session.waitFor("Data text number 0.")
    try answerUntil(session, "Check tasks", tries: 30)
    let screen = try session.waitFor("the project's 60%.")
    #expect(screen.contains("0 of your last 2 check tasks were answered as expected (0%), below"))
    #expect(screen.contains("⚑ below check-task threshold"))
    let events = try records(folder).filter { $0["event"] as? String == "gold_threshold_pause" }
    #expect(events.count == 1)
    try session.waitFor("Enter continue")
    try session.send("Enter")
    Thread.sleep(forTimeInterval: 0.2)
    let before = answers(try records(folder)).count
    try session.send("1")
    let after = try waitForRecords(folder, count: before + 1)
    #expect(flags(after[before]).contains("below_gold_threshold"), "\(after[before])")
    // A restarted session picks the gold window up from the log: still below the threshold.
    try session.killProgram()
    let resumed = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label . --annotator qa", directory: folder.path)
    try resumed.waitFor("⚑ below check-task threshold")
  }

  @Test func anExamGatesLabelingUntilItIsPassed() throws {
    let folder = try project(
      data: 5, quality: "min_seconds: 0\ntoo_fast_count: 0\nexam: exam.jsonl\nexam_pass_mark: 0.75\nexam_required: true"
    )
    try folder.write(
      "exam.jsonl",
      (0..<4).map {
        #"{"id": "e\#($0)", "text": "Exam \#($0): the answer is \#($0 % 2 == 0 ? "pos" : "neg").", "gold": "\#($0 % 2 == 0 ? "pos" : "neg")"}"#
      }.joined(separator: "\n") + "\n")
    let refused = try TmuxSession.run(
      [TmuxSession.tallyBinary, "label", ".", "--annotator", "qa"], directory: folder.path)
    #expect(refused.status == 3)
    #expect(refused.output.contains("qa has not passed this project's exam yet"))
    #expect(refused.output.contains("tally train"))

    // A failed exam (2 of 4 < 75%) still does not open labeling.
    let failing = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) train . --exam --annotator qa", directory: folder.path)
    try failing.waitFor("Exam 0: the answer is pos.")
    try failing.send("1", "1", "1", "1")
    try failing.waitFor("Exam not passed")
    try failing.send("q")
    try failing.waitFor("TALLY-EXIT=0")
    #expect(
      try TmuxSession.run([TmuxSession.tallyBinary, "label", ".", "--annotator", "qa"], directory: folder.path).status
        == 3)

    let passing = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) train . --exam --annotator qa", directory: folder.path)
    try passing.waitFor("Exam 0: the answer is pos.")
    try passing.send("1", "2", "1", "2")
    let end = try passing.waitFor("Exam passed")
    #expect(end.contains("4 of 4 answered as expected (100%)."))
    try passing.send("q")
    try passing.waitFor("TALLY-EXIT=0")
    let results = try records(folder).filter { $0["event"] as? String == "exam_result" }
    #expect(results.compactMap { ($0["details"] as? [String: Any])?["passed"] as? Bool } == [false, true])
    // Exam answers are not labels.
    #expect(answers(try records(folder)).allSatisfy { $0["phase"] as? String == "exam" })

    let labeling = try TmuxSession(command: "\(TmuxSession.tallyBinary) label . --annotator qa", directory: folder.path)
    let screen = try labeling.waitFor("Data text number 0.")
    #expect(screen.contains("0/5 done"))
  }

  @Test func quickStartTakesGoldAndASpeedMinimum() throws {
    let folder = try project(data: 10, gold: 5, quality: "min_seconds: 1")
    let command =
      "\(TmuxSession.tallyBinary) label data.jsonl --labels pos,neg --gold gold.jsonl --gold-rate 0.5 --min-seconds 3 --annotator qa"
    let session = try TmuxSession(command: command, directory: folder.path)
    try session.waitFor("Data text number 0.")
    try session.send("2")
    try session.waitFor("needs at least 3.0 s to read")
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
    let yaml = try folder.read("data.jsonl.tally/tally.yaml")
    // --min-seconds turns the slow-down pause on as well.
    #expect(
      yaml.contains(
        "quality:\n  min_seconds: 3\n  too_fast_count: 3\n  too_fast_window: 5\n  gold: ../gold.jsonl\n  gold_rate: 0.5\n"
      ),
      "\(yaml)")
    // Asking again with other settings is refused instead of silently changing the project.
    let other = try TmuxSession.run(
      [
        TmuxSession.tallyBinary, "label", "data.jsonl", "--labels", "pos,neg", "--gold-rate", "0.2", "--gold",
        "gold.jsonl",
      ],
      directory: folder.path)
    #expect(other.status == 2)
    #expect(other.output.contains("other settings than the quality options"))
    let validated = try TmuxSession.run(
      [TmuxSession.tallyBinary, "validate", "data.jsonl.tally"], directory: folder.path)
    #expect(validated.output.contains("10 tasks (5 gold)"), "\(validated.output)")
  }
}
