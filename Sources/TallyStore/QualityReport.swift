import TallyCore
import TallyJSON
import TallyStats
import TallyText

/// One exam attempt, read from an `exam_result` event.
public struct ExamResult: Sendable, Equatable {
  /// Share of the exam answered correctly (0…1).
  public var score: Double?
  public var correct: Int?
  public var total: Int?
  public var passMark: Double?
  public var passed: Bool
  public var examVersion: String?
  public var submittedAt: Double

  public init(
    score: Double?, correct: Int? = nil, total: Int? = nil, passMark: Double? = nil, passed: Bool,
    examVersion: String? = nil, submittedAt: Double
  ) {
    self.score = score
    self.correct = correct
    self.total = total
    self.passMark = passMark
    self.passed = passed
    self.examVersion = examVersion
    self.submittedAt = submittedAt
  }

  /// Reads an `exam_result` event's details; `passed` falls back to score ≥ pass mark when not recorded.
  public init(event: LabelRecord) {
    let details = event.details ?? JSONObject()
    let score = details["score"]?.doubleValue
    let passMark = details["pass_mark"]?.doubleValue
    var passed = details["passed"]?.boolValue
    if passed == nil, let score, let passMark { passed = score >= passMark }
    self.init(
      score: score, correct: details["correct"]?.doubleValue.flatMap { Int(exactly: $0) },
      total: details["total"]?.doubleValue.flatMap { Int(exactly: $0) }, passMark: passMark,
      passed: passed ?? false, examVersion: details["exam_version"]?.stringValue, submittedAt: event.submittedAt)
  }
}

/// An annotator's exam attempts: how many, the best score, whether any passed, and the latest.
public struct ExamSummary: Sendable, Equatable {
  public var attempts: Int
  public var bestScore: Double?
  /// Passed at least once (the current version of the exam, when the report knows it).
  public var passed: Bool
  public var latest: ExamResult
}

/// Quality figures for one annotator, or for the whole project (then `annotator` is `total`).
public struct AnnotatorQuality: Sendable, Equatable {
  public var annotator: String
  /// Tasks whose current (latest) record is an answer; gold, training and exam answers are not counted.
  public var labeled = 0
  /// Median `active_seconds` of those current answers (answers without a time are left out).
  public var medianActiveSeconds: Double?
  /// Current answers flagged `too_fast`.
  public var tooFast = 0
  /// Gold tasks answered or skipped (a skip counts as wrong); of those, the ones scored and the ones correct.
  public var goldSeen = 0
  public var goldScored = 0
  public var goldCorrect = 0
  /// Maximal runs of consecutive first answers (in log order) flagged `same_answer_run`.
  public var sameAnswerRuns = 0
  /// Answer records (edits included) flagged `below_gold_threshold`.
  public var belowGoldThreshold = 0
  public var slowDownPauses = 0
  public var goldThresholdPauses = 0
  /// Exam attempts; nil when none (always nil on the total).
  public var exam: ExamSummary?

  public init(annotator: String) { self.annotator = annotator }

  /// Share of labeled tasks flagged too fast; nil when nothing is labeled.
  public var tooFastShare: Double? { labeled > 0 ? Double(tooFast) / Double(labeled) : nil }
  /// Share of scored gold answers that were correct; nil without any.
  public var goldAccuracy: Double? { goldScored > 0 ? Double(goldCorrect) / Double(goldScored) : nil }
  /// The 95% Wilson interval of `goldAccuracy`.
  public var goldInterval: ClosedRange<Double>? { Wilson.interval(successes: goldCorrect, trials: goldScored) }
}

/// Per-annotator quality figures read from every label log of a project: labels, active time, speed flags,
/// gold accuracy, straight-line runs, pauses and exam results, with a total row.
public struct QualityReport: Sendable, Equatable {
  /// Sorted by annotator name.
  public var annotators: [AnnotatorQuality]
  public var total: AnnotatorQuality
  /// Exam attempts in all, and how many annotators took / passed the exam.
  public var examAttempts = 0
  public var examTakers = 0
  public var examPassers = 0

  /// Reads every log of the project; lines that cannot be read come back as warnings.
  public static func make(project: Project) throws(SystemError) -> (report: QualityReport, problems: [Diagnostic]) {
    var logs: [(path: String, records: [LabelRecord])] = []
    var problems: [Diagnostic] = []
    for path in project.logPaths().sorted() {
      let (records, logProblems) = try LabelLogReader.readAll(path: path)
      problems += logProblems.map { Diagnostic(.warning, file: Path.display(path), line: $0.line, $0.reason) }
      logs.append((path, records))
    }
    // A pass counts only for the exam as it is now (as `tally label` requires).
    let examVersion = project.config.quality.exam.flatMap {
      try? GoldSet.load($0, what: "exam", project: project).version
    }
    return (QualityReport(logs: logs, examVersion: examVersion), problems)
  }

  /// The report for logs given as (path, records in file order). With `examVersion`, only passes of that
  /// version of the exam count as passed.
  public init(logs: [(path: String, records: [LabelRecord])], examVersion: String? = nil) {
    var rows: [String: AnnotatorQuality] = [:]
    let store = LabelStore(
      logs: logs.map { log in (log.path, log.records.enumerated().map { ($0.offset + 1, $0.element) }) })
    var exams: [String: [(result: ExamResult, order: Int)]] = [:]
    // Per log and annotator: whether the previous first answer was flagged `same_answer_run`.
    var inRun: [String: Bool] = [:]
    var order = 0
    for (path, records) in logs {
      for record in records {
        order += 1
        if record.type == .review { continue }  // a reviewer's decision, not an annotator's work
        let who = record.annotator
        if rows[who] == nil { rows[who] = AnnotatorQuality(annotator: who) }
        if record.type == .event && record.event == "exam_result" {
          exams[who, default: []].append((ExamResult(event: record), order))
          continue
        }
        // Training and exam answers are not labels.
        guard record.phase == nil else { continue }
        switch record.type {
        case .event:
          if record.event == "slow_down_pause" { rows[who]?.slowDownPauses += 1 }
          if record.event == "gold_threshold_pause" { rows[who]?.goldThresholdPauses += 1 }
        case .review: continue
        case .answer, .skip:
          guard record.type == .answer else { continue }
          if record.flags.contains(.belowGoldThreshold) { rows[who]?.belowGoldThreshold += 1 }
          // Runs are judged on first answers, as the quality checks count them; edits neither extend nor
          // break a run.
          if record.supersedes == nil {
            let key = path + "\u{1F}" + who
            let flagged = record.flags.contains(.sameAnswerRun)
            if flagged && inRun[key] != true { rows[who]?.sameAnswerRuns += 1 }
            inRun[key] = flagged
          }
        }
      }
    }
    var times: [String: [Double]] = [:]
    for record in store.currentRecords(includeGold: true)
    where record.type == .answer || (record.type == .skip && record.gold) {
      let who = record.annotator
      // A skipped gold task is a wrong answer, as the gold rule counts it while labeling.
      if record.gold {
        rows[who]?.goldSeen += 1
        if let correct = record.correct {
          rows[who]?.goldScored += 1
          if correct { rows[who]?.goldCorrect += 1 }
        }
      } else {
        rows[who]?.labeled += 1
        if record.flags.contains(.tooFast) { rows[who]?.tooFast += 1 }
        if let seconds = record.activeSeconds { times[who, default: []].append(seconds) }
      }
    }
    var total = AnnotatorQuality(annotator: "total")
    for (who, attempts) in exams {
      guard let last = attempts.max(by: { ($0.result.submittedAt, $0.order) < ($1.result.submittedAt, $1.order) })
      else { continue }
      rows[who]?.exam = ExamSummary(
        attempts: attempts.count, bestScore: attempts.compactMap(\.result.score).max(),
        passed: attempts.contains { $0.result.passed && (examVersion == nil || $0.result.examVersion == examVersion) },
        latest: last.result)
    }
    annotators = rows.keys.sorted().compactMap { who in
      guard var row = rows[who] else { return nil }
      row.medianActiveSeconds = Self.median(times[who] ?? [])
      return row
    }
    for row in annotators {
      total.labeled += row.labeled
      total.tooFast += row.tooFast
      total.goldSeen += row.goldSeen
      total.goldScored += row.goldScored
      total.goldCorrect += row.goldCorrect
      total.sameAnswerRuns += row.sameAnswerRuns
      total.belowGoldThreshold += row.belowGoldThreshold
      total.slowDownPauses += row.slowDownPauses
      total.goldThresholdPauses += row.goldThresholdPauses
      if let exam = row.exam {
        examAttempts += exam.attempts
        examTakers += 1
        if exam.passed { examPassers += 1 }
      }
    }
    total.medianActiveSeconds = Self.median(times.values.flatMap { $0 })
    self.total = total
  }

  /// The middle value, or the mean of the two middle values; nil for none.
  static func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

// MARK: - Output

extension QualityReport {
  /// What the table's columns mean, printed below it.
  public static let legend = [
    "labeled: tasks whose current answer is a label (not gold, skips or training); median s: their active seconds.",
    "too fast: share of them flagged too_fast; gold: gold tasks seen (skips count as wrong), accuracy with its 95% Wilson interval.",
    "runs: straight-line runs flagged same_answer_run; below: answers given below the gold accuracy threshold.",
    "pauses: slow-down / gold-threshold pauses; exam: passed at least once (or failed), with the best score.",
  ]

  /// An aligned plain-text table, one row per annotator and a total row, then the legend.
  public func table() -> String {
    let header = [
      "annotator", "labeled", "median s", "too fast", "gold", "gold accuracy", "runs", "below", "pauses", "exam",
    ]
    var rows: [[String]] = annotators.map { Self.cells($0, exam: Self.examText($0.exam)) }
    let totalExam = examTakers == 0 ? "–" : "\(examPassers)/\(examTakers) passed"
    rows.append(Self.cells(total, exam: totalExam))
    // Left-aligned columns: annotator, gold accuracy, exam; the rest are numbers.
    var out = TextTable.render(header: header, rows: rows, rightAligned: [1, 2, 3, 4, 6, 7, 8])
    out += "\n" + Self.legend.joined(separator: "\n") + "\n"
    return out
  }

  static func cells(_ row: AnnotatorQuality, exam: String) -> [String] {
    [
      row.annotator, "\(row.labeled)", row.medianActiveSeconds.map(Self.seconds) ?? "–",
      row.tooFastShare.map(Self.percent) ?? "–", "\(row.goldSeen)", goldText(row),
      "\(row.sameAnswerRuns)", "\(row.belowGoldThreshold)", "\(row.slowDownPauses)/\(row.goldThresholdPauses)", exam,
    ]
  }

  /// `83% (64–93%)`, or `–` without scored gold answers.
  static func goldText(_ row: AnnotatorQuality) -> String {
    guard let accuracy = row.goldAccuracy, let interval = row.goldInterval else { return "–" }
    return "\(percent(accuracy)) (\(wholePercent(interval.lowerBound))–\(wholePercent(interval.upperBound))%)"
  }

  /// `passed 90%` / `failed 60%` with the best score, `(3 attempts)` when more than one; `–` for none.
  static func examText(_ exam: ExamSummary?) -> String {
    guard let exam else { return "–" }
    var text = exam.passed ? "passed" : "failed"
    if let best = exam.bestScore { text += " " + percent(best) }
    if exam.attempts > 1 { text += " (\(exam.attempts) attempts)" }
    return text
  }

  /// A share as a whole percentage; a share that rounds to 0% or 100% without being it reads `<1%` / `>99%`.
  static func percent(_ share: Double) -> String {
    let rounded = (share * 100).rounded()
    if share > 0 && rounded == 0 { return "<1%" }
    if share < 1 && rounded == 100 { return ">99%" }
    return "\(Int(rounded))%"
  }

  static func wholePercent(_ share: Double) -> String { "\(Int((share * 100).rounded()))" }

  /// Seconds with one decimal.
  static func seconds(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }

  /// The report as one JSON object: `annotators` (sorted by name) and `total`, snake_case keys, null for a
  /// figure that has nothing to measure.
  public var json: JSONValue {
    var o = JSONObject()
    o["annotators"] = .array(annotators.map { .object(Self.json($0)) })
    var totalObject = Self.json(total)
    totalObject["annotator"] = nil
    totalObject["annotators"] = .number(Double(annotators.count))
    var exam = JSONObject()
    exam["attempts"] = .number(Double(examAttempts))
    exam["annotators_taken"] = .number(Double(examTakers))
    exam["annotators_passed"] = .number(Double(examPassers))
    totalObject["exam"] = .object(exam)
    o["total"] = .object(totalObject)
    return .object(o)
  }

  static func json(_ row: AnnotatorQuality) -> JSONObject {
    func number(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
    func count(_ value: Int) -> JSONValue { .number(Double(value)) }
    var o = JSONObject()
    o["annotator"] = .string(row.annotator)
    o["labeled"] = count(row.labeled)
    o["median_active_seconds"] = number(row.medianActiveSeconds)
    o["too_fast"] = count(row.tooFast)
    o["too_fast_share"] = number(row.tooFastShare)
    o["gold_seen"] = count(row.goldSeen)
    o["gold_scored"] = count(row.goldScored)
    o["gold_correct"] = count(row.goldCorrect)
    o["gold_accuracy"] = number(row.goldAccuracy)
    o["gold_accuracy_low"] = number(row.goldInterval?.lowerBound)
    o["gold_accuracy_high"] = number(row.goldInterval?.upperBound)
    o["same_answer_runs"] = count(row.sameAnswerRuns)
    o["below_gold_threshold"] = count(row.belowGoldThreshold)
    o["slow_down_pauses"] = count(row.slowDownPauses)
    o["gold_threshold_pauses"] = count(row.goldThresholdPauses)
    if let exam = row.exam {
      var e = JSONObject()
      e["attempts"] = count(exam.attempts)
      e["best_score"] = number(exam.bestScore)
      e["passed"] = .bool(exam.passed)
      var latest = JSONObject()
      latest["score"] = number(exam.latest.score)
      latest["correct"] = exam.latest.correct.map(count) ?? .null
      latest["total"] = exam.latest.total.map(count) ?? .null
      latest["pass_mark"] = number(exam.latest.passMark)
      latest["passed"] = .bool(exam.latest.passed)
      latest["exam_version"] = exam.latest.examVersion.map(JSONValue.string) ?? .null
      latest["submitted_at"] = .string(Timestamp.iso8601(exam.latest.submittedAt))
      e["latest"] = .object(latest)
      o["exam"] = .object(e)
    } else {
      o["exam"] = .null
    }
    return o
  }
}
