import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore

/// A project folder with a data file, a gold file and label logs written record by record.
final class QualityProject {
  let scratch = Scratch()
  private var logs: [String: [String]] = [:]
  private var time = 1_000.0

  init() {
    scratch.write(
      "tally.yaml",
      """
      data: data.jsonl
      questions:
        - name: q
          type: single
          options: [a, b]
      quality:
        gold: gold.jsonl

      """)
    scratch.write(
      "data.jsonl",
      (1...6).map { #"{"id":"t\#($0)","text":"task \#($0)"}"# }.joined(separator: "\n") + "\n")
    scratch.write(
      "gold.jsonl",
      [
        #"{"id":"t1","text":"task 1","gold":"a"}"#, #"{"id":"g2","text":"gold 2","gold":"b"}"#,
        #"{"id":"t3","text":"task 3","gold":"a"}"#, #"{"id":"g4","text":"gold 4","gold":"b"}"#,
      ].joined(separator: "\n") + "\n")
    try? FileManager.default.createDirectory(atPath: scratch.file("labels"), withIntermediateDirectories: true)
  }

  /// Appends an answer; returns its id.
  @discardableResult
  func answer(
    _ who: String, _ task: String, _ value: String, seconds: Double? = 2, flags: [QualityFlag] = [],
    gold: Bool = false, correct: Bool? = nil, phase: Phase? = nil, supersedes: String? = nil
  ) -> String {
    time += 10
    let id = "\(who)-\(logs[who, default: []].count + 1)"
    var r = LabelRecord(
      id: id, type: .answer, task: task, line: 1, annotator: who, answers: JSONObject([("q", .string(value))]),
      submittedAt: time, activeSeconds: seconds, tool: "test", supersedes: supersedes)
    r.flags = flags
    r.gold = gold
    r.correct = correct
    r.phase = phase
    logs[who, default: []].append(r.jsonLine)
    return id
  }

  func skip(_ who: String, _ task: String) {
    time += 10
    let r = LabelRecord(
      id: "\(who)-\(logs[who, default: []].count + 1)", type: .skip, task: task, annotator: who, submittedAt: time,
      tool: "test")
    logs[who, default: []].append(r.jsonLine)
  }

  func event(_ who: String, _ name: String, details: JSONObject? = nil, phase: Phase? = nil) {
    time += 10
    var r = LabelRecord(
      id: "\(who)-\(logs[who, default: []].count + 1)", type: .event, annotator: who, event: name, submittedAt: time,
      tool: "test")
    r.details = details
    r.phase = phase
    logs[who, default: []].append(r.jsonLine)
  }

  func exam(_ who: String, score: Double, correct: Int, total: Int, passed: Bool, version: String = "sha256:e1") {
    event(
      who, "exam_result",
      details: JSONObject([
        ("score", .number(score)), ("correct", .number(Double(correct))), ("total", .number(Double(total))),
        ("pass_mark", .number(0.8)), ("passed", .bool(passed)), ("exam_version", .string(version)),
      ]), phase: .exam)
  }

  /// Writes the logs (and `extra` appended to one of them) and loads the project.
  func load(extra: [String: String] = [:]) throws -> Project {
    for (who, lines) in logs {
      scratch.write("labels/\(who).jsonl", lines.joined(separator: "\n") + "\n" + (extra[who] ?? ""))
    }
    return try Project.load(scratch.path)
  }
}

/// Rounds to two decimals, for comparing Wilson bounds.
func two(_ value: Double?) -> Double? { value.map { ($0 * 100).rounded() / 100 } }

@Suite struct QualityReportTests {
  /// ann: five data tasks (one edited), four gold tasks (two sharing data ids, one edited to wrong), two runs,
  /// a skip, training answers, pauses and two exam attempts. bob: two tasks and one gold. carol: only an exam.
  func sampleProject() -> QualityProject {
    let p = QualityProject()
    p.answer("ann", "t1", "a", seconds: 2)
    let fast = p.answer("ann", "t2", "a", seconds: 0.5, flags: [.tooFast])
    p.answer("ann", "t3", "a", seconds: 4, flags: [.sameAnswerRun])
    p.answer("ann", "t4", "a", seconds: 6, flags: [.tooFast, .sameAnswerRun])
    // A gold answer with a data task's id: unflagged, so it ends the run; it must not replace ann's t1.
    p.answer("ann", "t1", "b", seconds: 3, gold: true, correct: true)
    p.event("ann", "guidelines_opened")
    p.answer("ann", "t5", "a", seconds: 1, flags: [.sameAnswerRun, .belowGoldThreshold])
    p.event(
      "ann", "slow_down_pause",
      details: JSONObject([("seconds", 20), ("too_fast_count", 3), ("too_fast_window", 5)]))
    // An edit: t2 is no longer too fast and took 3 s; edits neither start nor break runs.
    p.answer("ann", "t2", "b", seconds: 3, flags: [.sameAnswerRun, .belowGoldThreshold], supersedes: fast)
    p.answer("ann", "g2", "a", gold: true, correct: false)
    p.event(
      "ann", "gold_threshold_pause", details: JSONObject([("accuracy", 0.5), ("window", 4), ("min_accuracy", 0.7)]))
    p.answer("ann", "t3", "a", gold: true, correct: true)
    let g4 = p.answer("ann", "g4", "b", gold: true, correct: true)
    p.answer("ann", "g4", "a", gold: true, correct: false, supersedes: g4)
    p.skip("ann", "t6")
    // Training and exam answers count for nothing but the exam result.
    p.answer("ann", "t6", "a", seconds: 0.1, flags: [.tooFast, .sameAnswerRun], phase: .training)
    p.answer("ann", "g2", "b", gold: true, correct: true, phase: .exam)
    p.event("ann", "slow_down_pause", phase: .training)
    p.exam("ann", score: 0.6, correct: 6, total: 10, passed: false)
    p.exam("ann", score: 0.9, correct: 9, total: 10, passed: true)

    p.answer("bob", "t1", "b", seconds: 10)
    p.answer("bob", "t2", "b", seconds: 5, flags: [.tooFast])
    p.answer("bob", "t1", "a", seconds: 4, gold: true, correct: true)

    p.answer("carol", "t1", "a", phase: .training)
    p.exam("carol", score: 0.6, correct: 3, total: 5, passed: false)
    return p
  }

  @Test func countsLabelsTimesAndTooFastFromTheLatestDataAnswers() throws {
    let p = sampleProject()
    let (report, problems) = try QualityReport.make(project: p.load())
    #expect(problems.isEmpty)
    #expect(report.annotators.map(\.annotator) == ["ann", "bob", "carol"])
    let ann = report.annotators[0]
    // t1..t5; the skip of t6 and the training answer to t6 are not labels.
    #expect(ann.labeled == 5)
    // Latest times 2 (t1, not the gold t1's 3), 3 (the t2 edit), 4, 6, 1.
    #expect(ann.medianActiveSeconds == 3)
    // Only t4 is still too fast (t2's edit is not).
    #expect(ann.tooFast == 1)
    #expect(ann.tooFastShare == 0.2)
    let bob = report.annotators[1]
    #expect(bob.labeled == 2)
    #expect(bob.medianActiveSeconds == 7.5)
    #expect(bob.tooFastShare == 0.5)
    let carol = report.annotators[2]
    #expect(carol.labeled == 0)
    #expect(carol.medianActiveSeconds == nil)
    #expect(carol.tooFastShare == nil)
  }

  @Test func goldAccuracyUsesTheLatestGoldAnswerPerGoldTaskWithAWilsonInterval() throws {
    let p = sampleProject()
    let (report, _) = try QualityReport.make(project: p.load())
    let ann = report.annotators[0]
    // t1 ✓, g2 ✗, t3 ✓, g4 edited to ✗; the exam answer to g2 does not count.
    #expect(ann.goldSeen == 4)
    #expect(ann.goldCorrect == 2)
    #expect(ann.goldAccuracy == 0.5)
    #expect(two(ann.goldInterval?.lowerBound) == 0.15)
    #expect(two(ann.goldInterval?.upperBound) == 0.85)
    let bob = report.annotators[1]
    #expect(bob.goldSeen == 1)
    #expect(bob.goldAccuracy == 1)
    #expect(two(bob.goldInterval?.lowerBound) == 0.21)
    #expect(bob.goldInterval?.upperBound == 1)
    #expect(report.annotators[2].goldInterval == nil)
  }

  @Test func runsFlagsPausesAndExams() throws {
    let p = sampleProject()
    let (report, _) = try QualityReport.make(project: p.load())
    let ann = report.annotators[0]
    // t3+t4 is one run, the gold t1 ends it, t5 starts another; the flagged edit and training answer add none.
    #expect(ann.sameAnswerRuns == 2)
    // t5 and the t2 edit.
    #expect(ann.belowGoldThreshold == 2)
    // The training-phase pause is not counted.
    #expect(ann.slowDownPauses == 1)
    #expect(ann.goldThresholdPauses == 1)
    let exam = try #require(ann.exam)
    #expect(exam.attempts == 2)
    #expect(exam.bestScore == 0.9)
    #expect(exam.passed)
    #expect(
      exam.latest
        == ExamResult(
          score: 0.9, correct: 9, total: 10, passMark: 0.8, passed: true, examVersion: "sha256:e1",
          submittedAt: exam.latest.submittedAt))
    #expect(report.annotators[1].exam == nil)
    let carol = try #require(report.annotators[2].exam)
    #expect(carol.attempts == 1)
    #expect(!carol.passed)
    #expect(carol.bestScore == 0.6)
  }

  @Test func theTotalPoolsEveryAnnotator() throws {
    let p = sampleProject()
    let (report, _) = try QualityReport.make(project: p.load())
    let total = report.total
    #expect(total.labeled == 7)
    // 1 2 3 4 5 6 10.
    #expect(total.medianActiveSeconds == 4)
    #expect(total.tooFast == 2)
    #expect(total.goldSeen == 5)
    #expect(total.goldCorrect == 3)
    #expect(two(total.goldInterval?.lowerBound) == 0.23)
    #expect(two(total.goldInterval?.upperBound) == 0.88)
    #expect(total.sameAnswerRuns == 2)
    #expect(total.belowGoldThreshold == 2)
    #expect(total.slowDownPauses == 1)
    #expect(total.goldThresholdPauses == 1)
    #expect(report.examAttempts == 3)
    #expect(report.examTakers == 2)
    #expect(report.examPassers == 1)
  }

  @Test func aRunThatEndsTheLogAndOneAfterASkipCountOnceEach() throws {
    let p = QualityProject()
    p.answer("ann", "t1", "a", flags: [.sameAnswerRun])
    p.answer("ann", "t2", "a", flags: [.sameAnswerRun])
    // A skip is not an answer: the run goes on.
    p.skip("ann", "t3")
    p.answer("ann", "t4", "a", flags: [.sameAnswerRun])
    p.answer("ann", "t5", "b")
    p.answer("ann", "t6", "a", flags: [.sameAnswerRun])
    let (report, _) = try QualityReport.make(project: p.load())
    #expect(report.annotators.map(\.sameAnswerRuns) == [2])
  }

  @Test func tornLinesAreWarningsNotFailures() throws {
    let p = QualityProject()
    p.answer("ann", "t1", "a", seconds: 1.25)
    p.answer("ann", "t2", "a", seconds: 2.5)
    let project = try p.load(extra: ["ann": #"{"v":1,"id":"x","type":"answer","task":"t3","#])
    let (report, problems) = try QualityReport.make(project: project)
    #expect(problems.count == 1)
    #expect(problems.first?.line == 3)
    #expect(problems.first?.severity == .warning)
    #expect(report.annotators.map(\.labeled) == [2])
    #expect(report.annotators.first?.medianActiveSeconds == 1.875)
  }

  @Test func theTableAlignsRowsAndExplainsItsColumns() throws {
    let p = sampleProject()
    let (report, _) = try QualityReport.make(project: p.load())
    let lines = report.table().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0] == "annotator  labeled  median s  too fast  gold  gold accuracy   runs  below  pauses  exam")
    #expect(
      lines[1]
        == "ann              5       3.0       20%     4  50% (15–85%)       2      2     1/1  passed 90% (2 attempts)")
    #expect(lines[2] == "bob              2       7.5       50%     1  100% (21–100%)     0      0     0/0  –")
    #expect(lines[3] == "carol            0         –         –     0  –                  0      0     0/0  failed 60%")
    #expect(lines[4] == "total            7       4.0       29%     5  60% (23–88%)       2      2     1/1  1/2 passed")
    #expect(lines[5] == "")
    #expect(lines[6].hasPrefix("labeled: "))
    #expect(lines.count == 6 + QualityReport.legend.count + 1)
  }

  @Test func jsonHasSnakeCaseKeysAndNullsWithoutGold() throws {
    let p = sampleProject()
    let (report, _) = try QualityReport.make(project: p.load())
    let json = report.json
    let rows = try #require(json["annotators"]?.arrayValue)
    #expect(rows.count == 3)
    #expect(rows[0]["annotator"] == "ann")
    #expect(rows[0]["labeled"] == 5)
    #expect(rows[0]["too_fast_share"] == 0.2)
    #expect(rows[0]["gold_accuracy"] == 0.5)
    #expect(two(rows[0]["gold_accuracy_low"]?.doubleValue) == 0.15)
    #expect(rows[0]["same_answer_runs"] == 2)
    #expect(rows[0]["exam"]?["latest"]?["score"] == 0.9)
    #expect(rows[0]["exam"]?["passed"] == true)
    #expect(rows[2]["gold_accuracy"] == .null)
    #expect(rows[2]["gold_accuracy_low"] == .null)
    #expect(rows[2]["median_active_seconds"] == .null)
    #expect(json["total"]?["labeled"] == 7)
    #expect(json["total"]?["exam"]?["annotators_passed"] == 1)
  }
}

@Suite struct QualityReportExamVersionTests {
  @Test func onlyAPassOfTheCurrentExamCountsAsPassed() throws {
    let p = QualityProject()
    p.exam("dan", score: 0.9, correct: 9, total: 10, passed: true, version: "sha256:old")
    p.exam("dan", score: 0.5, correct: 5, total: 10, passed: false, version: "sha256:new")
    p.exam("eve", score: 0.85, correct: 17, total: 20, passed: true, version: "sha256:new")
    let project = try p.load()
    let logs = project.logPaths().sorted()
    let records = try logs.map { ($0, try LabelLogReader.readAll(path: $0).records) }
    let current = QualityReport(logs: records, examVersion: "sha256:new")
    #expect(current.annotators.map { $0.exam?.passed } == [false, true])
    #expect(current.examPassers == 1)
    // Without a known version (no exam file), any pass counts.
    let any = QualityReport(logs: records)
    #expect(any.annotators.map { $0.exam?.passed } == [true, true])
  }
}
