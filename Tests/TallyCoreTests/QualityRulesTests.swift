import TallyStats
import Testing

@testable import TallyCore
@testable import TallyJSON

/// The quality rules, pure: minimum times, the too-fast window, unlikely runs, the gold rule, gold scoring,
/// gold placement and the Wilson interval. No clocks: times are numbers given to the rules.
@Suite("Quality rules")
struct QualityRulesTests {
  static let sentiment = Question(
    name: "label", kind: .single, options: ["pos", "neg", "neu"].map { AnswerOption(name: $0) })
  static let yesNo = Question(name: "label", kind: .single, options: ["yes", "no"].map { AnswerOption(name: $0) })

  func answer(_ value: String) -> JSONObject { JSONObject([("label", .string(value))]) }

  @Test func minimumTimeIsFixedOrGrowsWithTheTextLength() {
    var config = QualityConfig()
    config.minSeconds = 2
    config.charsPerSecond = 40
    #expect(config.minimumSeconds(characters: 20) == 2)  // 0.5 s of reading: the floor wins
    #expect(config.minimumSeconds(characters: 2_000) == 50)
    config.charsPerSecond = 0
    #expect(config.minimumSeconds(characters: 2_000) == 2)
  }

  @Test func tooFastAnswersAreFlaggedAndKWithinNPausesOnce() {
    var config = QualityConfig()
    config.tooFastCount = 3
    config.tooFastWindow = 5
    config.sameAnswerRun = 0
    var tracker = QualityTracker(config: config)
    let questions = [Self.sentiment]
    #expect(
      tracker.flags(answers: answer("pos"), questions: questions, activeSeconds: 0.4, minimumSeconds: 2) == [.tooFast])
    #expect(tracker.flags(answers: answer("pos"), questions: questions, activeSeconds: 2.0, minimumSeconds: 2).isEmpty)
    var pauses: [Bool] = []
    for fast in [true, false, true, false, false, true, true, true] {
      pauses.append(
        tracker.record(answers: answer("pos"), questions: questions, tooFast: fast, goldCorrect: nil).slowDownPause)
    }
    // Fast answers 1, 3 and 6 are never 3 within 5; the 7th makes 3, 6, 7: a pause, and the window starts over.
    #expect(pauses == [false, false, false, false, false, false, true, false])
    #expect(tracker.recentTooFast.isEmpty == false)
  }

  @Test func aRunOfOneAnswerIsFlaggedOnlyWhenTheDistributionMakesItUnlikely() {
    var config = QualityConfig()
    config.sameAnswerRun = 8
    config.sameAnswerChance = 0.001
    config.tooFastCount = 0
    let questions = [Self.yesNo]
    // No history: a uniform 1/2 per answer. A 9th in a row has chance 0.5^9 = 0.002; a 10th 0.5^10 = 0.00098.
    var fresh = QualityTracker(config: config)
    var flagged: [Bool] = []
    for _ in 0..<12 {
      flagged.append(
        fresh.flags(answers: answer("yes"), questions: questions, activeSeconds: 10, minimumSeconds: 1)
          .contains(.sameAnswerRun))
      _ = fresh.record(answers: answer("yes"), questions: questions, tooFast: false, goldCorrect: nil)
    }
    #expect(flagged == [false, false, false, false, false, false, false, false, false, true, true, true])

    // A data set that is 95% `yes` makes long runs of `yes` expected: 12 in a row is not flagged.
    var skewed = QualityTracker(config: config)
    for i in 0..<200 {
      _ = skewed.record(
        answers: answer(i % 20 == 0 ? "no" : "yes"), questions: questions, tooFast: false, goldCorrect: nil)
    }
    _ = skewed.record(answers: answer("no"), questions: questions, tooFast: false, goldCorrect: nil)
    for _ in 0..<11 {
      _ = skewed.record(answers: answer("yes"), questions: questions, tooFast: false, goldCorrect: nil)
    }
    #expect(
      !skewed.flags(answers: answer("yes"), questions: questions, activeSeconds: 10, minimumSeconds: 1).contains(
        .sameAnswerRun))
    // ... but a run of the rare `no` is.
    var rare = skewed
    for _ in 0..<7 { _ = rare.record(answers: answer("no"), questions: questions, tooFast: false, goldCorrect: nil) }
    #expect(
      rare.flags(answers: answer("no"), questions: questions, activeSeconds: 10, minimumSeconds: 1).contains(
        .sameAnswerRun))
  }

  @Test func goldAccuracyBelowTheThresholdPausesFlagsAndRecovers() {
    var config = QualityConfig()
    config.goldWindow = 4
    config.goldMinAccuracy = 0.75
    config.tooFastCount = 0
    var tracker = QualityTracker(config: config)
    var outcomes: [QualityTracker.Outcome] = []
    for correct in [true, false, true, false, true, true, true] { outcomes.append(tracker.recordGold(correct)) }
    // After 4 results: 2/4 = 50% < 75%: one pause. 5th: 2/4 still below, no second pause.
    #expect(outcomes.map(\.goldThresholdPause) == [false, false, false, true, false, false, false])
    // 6th: the last four are true, false, true, true = 75%: recovered.
    #expect(outcomes.map(\.goldRecovered) == [false, false, false, false, false, true, false])
    #expect(tracker.belowGoldThreshold == false)

    var below = QualityTracker(config: config)
    for correct in [false, false, false, false] { _ = below.recordGold(correct) }
    #expect(
      below.flags(answers: answer("pos"), questions: [Self.sentiment], activeSeconds: 10, minimumSeconds: 1)
        == [.belowGoldThreshold])
  }

  @Test func replayCountsFirstLabelingAnswersOnly() {
    var config = QualityConfig()
    config.tooFastCount = 2
    config.tooFastWindow = 3
    var tracker = QualityTracker(config: config)
    func record(_ flags: [QualityFlag], supersedes: String? = nil, phase: Phase? = nil) -> LabelRecord {
      var r = LabelRecord(
        id: "r", type: .answer, task: "t", annotator: "a", answers: answer("pos"), submittedAt: 0, tool: "t",
        supersedes: supersedes)
      r.flags = flags
      r.phase = phase
      return r
    }
    tracker.replay(record([.tooFast]), questions: [Self.sentiment])
    tracker.replay(record([.tooFast], supersedes: "x"), questions: [Self.sentiment])
    tracker.replay(record([.tooFast], phase: .exam), questions: [Self.sentiment])
    #expect(tracker.recentTooFast == [true])
    #expect(tracker.answers["label"]?.total == 1)
  }

  // MARK: - Gold answers

  func task(_ fields: [(String, JSONValue)], text: String = "Angela Merkel visited Paris.") -> LabelTask {
    LabelTask(id: "g1", line: 3, fields: JSONObject(fields), text: text)
  }

  @Test func goldAnswersReadLikePredictionsAndScoreEveryQuestionType() throws {
    let tags = Question(name: "tags", kind: .multi, options: ["a", "b", "c"].map { AnswerOption(name: $0) })
    let rating = Question(name: "stars", kind: .rating, options: (1...5).map { AnswerOption(name: String($0)) })
    let free = Question(name: "note", kind: .text, options: [])
    let questions = [Self.sentiment, tags, rating, free]
    let gold = try GoldAnswer.read(
      task([
        ("gold", .object(JSONObject([("label", "neg"), ("tags", ["c", "a"]), ("stars", 4), ("note", "Too Late ")]))),
        ("explanation", "Sarcasm."),
      ]),
      questions: questions
    ).get()
    #expect(gold.explanation == "Sarcasm.")
    let right = JSONObject([("label", "neg"), ("tags", ["a", "c"]), ("stars", 4), ("note", "too  late")])
    #expect(gold.isMatched(by: right, questions: questions, spanOverlap: 0.5))
    var wrong = right
    wrong["tags"] = ["a"]
    #expect(!gold.isMatched(by: wrong, questions: questions, spanOverlap: 0.5))
    wrong = right
    wrong["stars"] = 5
    #expect(!gold.isMatched(by: wrong, questions: questions, spanOverlap: 0.5))

    // A bare value answers the first question; an unknown option is a problem naming the line.
    #expect(try GoldAnswer.read(task([("gold", "pos")]), questions: questions).get().answers["label"] == "pos")
    guard case .failure(let problem) = GoldAnswer.read(task([("gold", "great")]), questions: questions) else {
      Issue.record("an unknown option was accepted")
      return
    }
    #expect(problem.line == 3)
    guard case .failure = GoldAnswer.read(task([("text", "x")]), questions: questions) else {
      Issue.record("a record without gold was accepted")
      return
    }
  }

  @Test func goldSpansMatchByLabelAndOverlap() throws {
    let entities = Question(name: "ents", kind: .spans, options: ["PER", "LOC"].map { AnswerOption(name: $0) })
    let expected: JSONValue = [
      .object(JSONObject([("start", 0), ("end", 13), ("label", "PER")])),
      .object(JSONObject([("start", 22), ("end", 27), ("label", "LOC")])),
    ]
    let gold = try GoldAnswer.read(task([("gold", expected)]), questions: [entities]).get()
    func given(_ spans: [(Int, Int, String)]) -> JSONObject {
      JSONObject([("ents", Span.answer(spans.map { Span(start: $0.0, end: $0.1, label: $0.2, text: "") }))])
    }
    #expect(gold.isMatched(by: given([(0, 13, "PER"), (22, 27, "LOC")]), questions: [entities], spanOverlap: 0.5))
    // "Merkel" alone covers 6 of 13 code points: IoU 0.46, below 0.5, and above 0.4.
    #expect(!gold.isMatched(by: given([(7, 13, "PER"), (22, 27, "LOC")]), questions: [entities], spanOverlap: 0.5))
    #expect(gold.isMatched(by: given([(7, 13, "PER"), (22, 27, "LOC")]), questions: [entities], spanOverlap: 0.4))
    #expect(!gold.isMatched(by: given([(0, 13, "LOC"), (22, 27, "LOC")]), questions: [entities], spanOverlap: 0.5))
    #expect(
      !gold.isMatched(
        by: given([(0, 13, "PER"), (22, 27, "LOC"), (14, 21, "PER")]), questions: [entities], spanOverlap: 0.5))
    // An empty list is a gold answer: nothing to mark.
    let none = try GoldAnswer.read(task([("gold", [])]), questions: [entities]).get()
    #expect(none.isMatched(by: given([]), questions: [entities], spanOverlap: 0.5))
    #expect(!none.isMatched(by: given([(0, 6, "PER")]), questions: [entities], spanOverlap: 0.5))
  }

  @Test func goldComparisonsMatchTheWinnerWhicheverSideItWasShownOn() throws {
    let overall = Question(name: "overall", kind: .comparison, options: Question.comparisonOptions(bothBad: true))
    let gold = try GoldAnswer.read(task([("gold", "b")]), questions: [overall]).get()
    #expect(gold.isMatched(by: JSONObject([("overall", "b")]), questions: [overall], spanOverlap: 0.5))
    #expect(!gold.isMatched(by: JSONObject([("overall", "tie")]), questions: [overall], spanOverlap: 0.5))
    #expect(gold.summary(questions: [overall]) == ["overall: response B"])
  }

  // MARK: - Placement and intervals

  @Test func goldIsMixedInAtTheRateNeverFirstNeverBackToBackEachOnce() {
    let queue = (0..<2_000).map(Int32.init)
    let mixed = GoldPlacement.mix(queue, goldCount: 500, rate: 0.1, seed: 7, annotator: "ana")
    let golds = mixed.compactMap(GoldPlacement.goldIndex)
    #expect(mixed.filter { $0 >= 0 } == queue)
    #expect(GoldPlacement.goldIndex(mixed[0]) == nil)
    #expect(Set(golds).count == golds.count)
    for (a, b) in zip(mixed, mixed.dropFirst()) { #expect(!(a < 0 && b < 0)) }
    let share = Double(golds.count) / Double(mixed.count)
    #expect(share > 0.085 && share < 0.115, "gold share \(share)")
    #expect(GoldPlacement.mix(queue, goldCount: 500, rate: 0.1, seed: 7, annotator: "ana") == mixed)
    #expect(GoldPlacement.mix(queue, goldCount: 500, rate: 0.1, seed: 7, annotator: "bo") != mixed)
    // Few gold tasks: each is used once, then the queue goes on without.
    let few = GoldPlacement.mix(queue, goldCount: 5, rate: 0.1, seed: 7, annotator: "ana")
    #expect(few.filter { $0 < 0 }.count == 5)
  }

  @Test func wilsonIntervalMatchesPublishedValues() throws {
    // 8 of 10: 0.490–0.943 (Wilson 1927; e.g. Newcombe 1998, table I).
    let interval = try #require(Wilson.interval(successes: 8, trials: 10))
    #expect(abs(interval.lowerBound - 0.4902) < 0.0005)
    #expect(abs(interval.upperBound - 0.9433) < 0.0005)
    let none = try #require(Wilson.interval(successes: 0, trials: 5))
    #expect(none.lowerBound == 0 && abs(none.upperBound - 0.4345) < 0.0005)
    #expect(Wilson.interval(successes: 0, trials: 0) == nil)
  }
}

/// The `quality:` section of `tally.yaml`: every key read, every mistake named with its line and a fix.
@Suite("Quality settings")
struct QualitySettingsTests {
  func parse(_ quality: String, question: String = "") -> (ProjectConfig?, [Diagnostic]) {
    ProjectConfigParser.parse(
      """
      data: d.jsonl
      questions:
        - name: label
          options: [a, b]
      \(question)
      quality:
      \(quality)
      """, file: "tally.yaml")
  }

  @Test func everyKeyIsRead() throws {
    let (config, diagnostics) = parse(
      """
        idle_seconds: 30
        min_seconds: 2.5
        chars_per_second: 25
        too_fast_count: 2
        too_fast_window: 4
        pause_seconds: 15
        same_answer_run: 12
        same_answer_chance: 0.01
        gold: gold.jsonl
        gold_rate: 0.2
        gold_feedback: explain
        gold_span_overlap: 0.7
        gold_window: 20
        gold_min_accuracy: 0.8
        training: training.jsonl
        exam: exam.jsonl
        exam_pass_mark: 0.9
        exam_required: true
      """)
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    let q = try #require(config).quality
    #expect(q.idleSeconds == 30 && q.minSeconds == 2.5 && q.charsPerSecond == 25)
    #expect(q.tooFastCount == 2 && q.tooFastWindow == 4 && q.pauseSeconds == 15)
    #expect(q.sameAnswerRun == 12 && q.sameAnswerChance == 0.01)
    #expect(q.gold == "gold.jsonl" && q.goldRate == 0.2 && q.goldFeedback == .explain && q.goldSpanOverlap == 0.7)
    #expect(q.goldWindow == 20 && q.goldMinAccuracy == 0.8)
    #expect(q.training == "training.jsonl" && q.exam == "exam.jsonl" && q.examPassMark == 0.9 && q.examRequired)
  }

  @Test func defaultsApplyWithoutTheSection() throws {
    let (config, _) = ProjectConfigParser.parse(
      "data: d.jsonl\nquestions:\n  - name: l\n    options: [a, b]\n", file: "t")
    #expect(try #require(config).quality == QualityConfig())
  }

  @Test func mistakesAreNamedWithTheirLineAndAFix() {
    let (config, diagnostics) = parse(
      """
        min_second: 2
        gold_rate: 0.7
        gold_feedback: loud
        too_fast_count: 6
        too_fast_window: 3
        exam_required: true
      """)
    #expect(config == nil)
    let messages = diagnostics.map { "\($0.line ?? 0): \($0.message) | \($0.fix ?? "")" }
    #expect(messages.contains("7: unknown quality key `min_second` | did you mean `min_seconds`?"), "\(messages)")
    #expect(messages.contains { $0.hasPrefix("8: `gold_rate` must be a number from 0 to 0.5") })
    #expect(messages.contains { $0.hasPrefix("8: `gold_rate` applies only with gold tasks") })
    #expect(messages.contains("9: unknown gold feedback `loud` | use `silent` or `explain`"))
    #expect(messages.contains { $0.hasPrefix("10: `too_fast_count` (6) is more than `too_fast_window` (3)") })
    #expect(messages.contains { $0.hasPrefix("12: `exam_required` needs an exam") })
  }

  @Test func questionsCanRequireActions() throws {
    let (config, diagnostics) = ProjectConfigParser.parse(
      """
      data: d.jsonl
      questions:
        - name: label
          options: [a, b]
          require_scroll: true
          require_guidelines: yes
      """, file: "t")
    #expect(diagnostics.isEmpty)
    let question = try #require(config?.questions.first)
    #expect(question.requireScroll && question.requireGuidelines)
  }
}
