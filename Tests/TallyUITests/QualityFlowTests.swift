import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

/// Quality control in the state machine, with a fake clock (times are given with each input): flags on
/// records, the pause and feedback screens and their keys, the gold rule, action checks, training and exams.
@Suite("Quality flow")
struct QualityFlowTests {
  static func config(_ change: (inout QualityConfig) -> Void = { _ in }) -> QualityConfig {
    var config = QualityConfig()
    config.minSeconds = 2
    config.charsPerSecond = 10
    config.tooFastCount = 2
    config.tooFastWindow = 3
    config.pauseSeconds = 20
    config.sameAnswerRun = 0
    change(&config)
    return config
  }

  /// A state at position 0 of `total`, with `quality` set and the clock started at `time`.
  static func state(
    quality: QualityConfig = config(), phase: Phase? = nil, total: Int = 20,
    task: LabelTask = Fixture.task("t0", "Short."),
    gold: GoldAnswer? = nil, isGoldSlot: Bool = false, questions: [Question] = [Fixture.sentiment], time: Double = 1000,
    width: Int = 80, height: Int = 24
  ) -> AppState {
    var info = Fixture.session(questions, total: total)
    info.quality = quality
    info.phase = phase
    var state = AppState(session: info, width: width, height: height, handled: [:], now: time)
    _ = App.update(
      &state,
      Input(.loaded(LoadedTask(position: 0, task: task, gold: gold, isGoldSlot: isGoldSlot)), time: time))
    state.message = nil
    return state
  }

  /// Presses `key` at `time`; when it writes a record, confirms it durable and loads `next` (a fresh task).
  /// Returns every record written.
  @discardableResult
  static func answer(
    _ state: inout AppState, _ key: Key, at time: Double, id: String, next: LoadedTask? = nil
  ) -> [LabelRecord] {
    var written: [LabelRecord] = []
    var pending = App.update(&state, Input(.key(key), time: time, freshID: id))
    var step = 0
    while !pending.isEmpty, step < 10 {
      step += 1
      let effect = pending.removeFirst()
      switch effect {
      case .append(let record):
        written.append(record)
        pending += App.update(
          &state,
          Input(.appended(recordID: record.id, offset: Int64(written.count)), time: time, freshID: id + "-\(step)"))
      case .load(let request):
        let position: Int
        switch request {
        case .exact(let p), .nextUnhandled(let p), .nextSkipped(let p): position = p
        case .firstSkipped: position = 0
        }
        let loaded =
          next.map {
            var n = $0; n.position = position; return n
          }
          ?? LoadedTask(position: position, task: Fixture.task("t\(position)", "Short."))
        pending += App.update(&state, Input(.loaded(loaded), time: time, freshID: id + "-load"))
      case .quit:
        break
      }
    }
    return written
  }

  @Test func anAnswerFasterThanTheTextCanBeReadIsFlaggedAndSaidAtOnce() throws {
    // "Short." needs max(2, 6/10) = 2 s.
    var state = Self.state()
    let fast = Self.answer(&state, .char("1"), at: 1000.5, id: "a1")
    #expect(fast.first?.flags == [.tooFast])
    #expect(fast.first?.activeSeconds == 0.5)
    #expect(state.message == "Flagged too fast: 0.5 s on a task that needs at least 2.0 s to read.")
    #expect(state.messageIsError)
    let screen = Renderer.render(state)
    #expect(screen.text.contains("✗ Flagged too fast: 0.5 s on a task that needs at least 2.0 s to read."))

    // Slow enough: no flag. A long text needs longer: 300 characters at 10/s is 30 s.
    let slow = Self.answer(&state, .char("2"), at: 1003, id: "a2")
    #expect(slow.first?.flags == [])
    var long = Self.state(task: Fixture.task("t9", String(repeating: "word ", count: 60)))
    #expect(Self.answer(&long, .char("1"), at: 1020, id: "b1").first?.flags == [.tooFast])
    #expect(Self.answer(&long, .char("1"), at: 1051, id: "b2").first?.flags == [])
  }

  @Test func theIdleLimitIsConfigurableAndTheStatusBarShowsThePausedClock() throws {
    var info = Fixture.session([Fixture.sentiment], total: 5)
    info.quality = Self.config()
    info.idleLimit = 30  // what the engine sets from `quality.idle_seconds`
    var state = AppState(session: info, width: 80, height: 24, handled: [:], now: 1000)
    _ = App.update(&state, Input(.loaded(LoadedTask(position: 0, task: Fixture.task("t0", "Short."))), time: 1000))
    _ = state.press(.down, at: 1020)  // 20 s: counts
    _ = App.update(&state, Input(.tick, time: 1045))
    #expect(!Renderer.render(state).text.contains("⏸ clock paused"))
    _ = App.update(&state, Input(.tick, time: 1051))  // 31 s since the last key
    #expect(Renderer.render(state).text.contains("⏸ clock paused"))
    let record = try #require(Self.answer(&state, .char("1"), at: 1070, id: "a").first)
    #expect(record.activeSeconds == 20)  // the 50 s gap did not count
  }

  @Test func aLongUnlikelyRunOfOneAnswerIsFlaggedOnTheRecords() throws {
    let yesNo = Question(name: "ok", kind: .single, options: [AnswerOption(name: "yes"), AnswerOption(name: "no")])
    var state = Self.state(quality: Self.config { $0.sameAnswerRun = 8 }, total: 30, questions: [yesNo])
    var flagged: [Bool] = []
    for i in 0..<11 {
      let record = try #require(Self.answer(&state, .char("1"), at: 1010 + Double(i) * 10, id: "a\(i)").first)
      flagged.append(record.flags.contains(.sameAnswerRun))
    }
    // Two options and no history: the 10th `yes` in a row has chance 0.5^10 < 0.001.
    #expect(flagged == [false, false, false, false, false, false, false, false, false, true, true])
    let other = try #require(Self.answer(&state, .char("2"), at: 1120, id: "b").first)
    #expect(other.flags.isEmpty)
  }

  @Test func aRunOfTooFastAnswersStopsTheQueueForTheConfiguredTime() throws {
    var state = Self.state()
    Self.answer(&state, .char("1"), at: 1000.3, id: "a1")
    let second = Self.answer(&state, .char("1"), at: 1000.6, id: "a2")
    #expect(second.count == 2)
    let event = try #require(second.last)
    #expect(event.type == .event && event.event == "slow_down_pause")
    #expect(event.details?["seconds"] == 20)
    #expect(state.overlay == .slowDown(until: 1020.6))
    expectScreen(Renderer.render(state), Self.slowDown, name: "slowDown")

    // Answer keys do nothing during the pause; Enter works only once the time is up.
    #expect(Self.answer(&state, .char("1"), at: 1005, id: "a3").isEmpty)
    _ = App.update(&state, Input(.key(.enter), time: 1010, freshID: "e1"))
    #expect(state.overlay == .slowDown(until: 1020.6))
    // The guidelines open over the pause, and close again.
    _ = App.update(&state, Input(.key(.char("g")), time: 1011, freshID: "g1"))
    #expect(state.guidelines.visible)
    _ = App.update(&state, Input(.key(.char("g")), time: 1012, freshID: "g2"))
    _ = App.update(&state, Input(.tick, time: 1021))
    #expect(Renderer.render(state).text.contains("Enter continue · g guidelines · q quit"))
    _ = App.update(&state, Input(.key(.enter), time: 1021, freshID: "e2"))
    #expect(state.overlay == .none)
    // The clock restarted: time spent on the pause screen is not time on the task.
    #expect(state.clock.seconds == 0)
    #expect(Self.answer(&state, .char("1"), at: 1024, id: "a4").first?.flags == [])
  }

  static let goldTask = Fixture.task("g1", "Please choose Negative.")
  static let gold = GoldAnswer(answers: JSONObject([("sentiment", "neg")]), explanation: "The text asks for Negative.")

  @Test func aWrongGoldAnswerIsRecordedAndExplainedWhenTheProjectSaysSo() throws {
    var state = Self.state(
      quality: Self.config { $0.goldFeedback = .explain }, task: Self.goldTask, gold: Self.gold, isGoldSlot: true)
    let record = try #require(Self.answer(&state, .char("1"), at: 1010, id: "a1").first)
    #expect(record.gold && record.correct == false)
    #expect(state.handled[TaskKey("g1", gold: true)] != nil)
    #expect(state.handled["g1"] == nil)
    guard case .feedback(let feedback) = state.overlay else {
      Issue.record("no feedback screen")
      return
    }
    #expect(feedback.expected == ["Sentiment?: Negative"])
    expectScreen(Renderer.render(state), Self.goldFeedback, name: "goldFeedback")
    _ = App.update(&state, Input(.key(.enter), time: 1012, freshID: "e"))
    #expect(state.overlay == .none)

    // Silent projects (the default) show nothing; a right answer never shows anything.
    var silent = Self.state(task: Self.goldTask, gold: Self.gold, isGoldSlot: true)
    #expect(Self.answer(&silent, .char("1"), at: 1010, id: "s1").first?.correct == false)
    #expect(silent.overlay == .none)
    var right = Self.state(
      quality: Self.config { $0.goldFeedback = .explain }, task: Self.goldTask, gold: Self.gold, isGoldSlot: true)
    #expect(Self.answer(&right, .char("2"), at: 1010, id: "r1").first?.correct == true)
    #expect(right.overlay == .none)
  }

  @Test func fallingBelowTheGoldThresholdPausesAndFlagsUntilAccuracyRecovers() throws {
    let quality = Self.config {
      $0.goldWindow = 2
      $0.goldMinAccuracy = 0.6
    }
    var state = Self.state(quality: quality, task: Self.goldTask, gold: Self.gold, isGoldSlot: true)
    let goldNext = LoadedTask(
      position: 0, task: Fixture.task("g2", "Choose Negative."), gold: Self.gold, isGoldSlot: true)
    Self.answer(&state, .char("1"), at: 1010, id: "a1", next: goldNext)
    let written = Self.answer(&state, .char("1"), at: 1020, id: "a2")
    #expect(written.map(\.event) == [nil, "gold_threshold_pause"])
    #expect(written.last?.details?["accuracy"] == 0)
    #expect(state.overlay == .goldPause(until: 1040, accuracy: 0))
    expectScreen(Renderer.render(state), Self.goldPause, name: "goldPause")
    _ = App.update(&state, Input(.key(.enter), time: 1041, freshID: "e"))
    #expect(state.overlay == .none)
    #expect(Renderer.render(state).text.contains("⚑ below check-task threshold"))
    // Ordinary answers are flagged while below.
    let flagged = Self.answer(&state, .char("2"), at: 1050, id: "a3", next: goldNext)
    #expect(flagged.first?.flags == [.belowGoldThreshold])
    // Two right gold answers: 2/2 ≥ 60%, recovered (an event), no more flags.
    Self.answer(&state, .char("2"), at: 1060, id: "a4", next: goldNext)
    let recovered = Self.answer(&state, .char("2"), at: 1070, id: "a5")
    #expect(recovered.map(\.event) == [nil, "gold_threshold_recovered"])
    #expect(Self.answer(&state, .char("2"), at: 1080, id: "a6").first?.flags == [])
  }

  @Test func skippingAGoldTaskCountsAsAWrongAnswer() throws {
    var state = Self.state(task: Self.goldTask, gold: Self.gold, isGoldSlot: true)
    _ = App.update(&state, Input(.key(.char("s")), time: 1005, freshID: "s"))
    let skip = try #require(Self.answer(&state, .enter, at: 1006, id: "k1").first)
    #expect(skip.type == .skip && skip.gold && skip.correct == false)
    #expect(state.quality.recentGold == [false])
  }

  @Test func questionsCanRequireScrollingAndTheGuidelines() throws {
    var question = Fixture.sentiment
    question.requireScroll = true
    question.requireGuidelines = true
    let long = (1...60).map { "Line \($0) of a long text." }.joined(separator: "\n")
    var state = Self.state(task: Fixture.task("t0", long), questions: [question])
    _ = state.press(.char("1"), at: 1010)
    #expect(state.message == "Open the guidelines (g) at least once before answering.")
    #expect(state.draft.answers.isEmpty)
    _ = state.press(.char("g"), at: 1011)
    _ = state.press(.char("g"), at: 1012)
    _ = state.press(.char("1"), at: 1013)
    #expect(state.message == "Scroll to the end of the text first (PgDn or j).")
    for _ in 0..<5 { _ = state.press(.pageDown, at: 1014) }
    #expect(state.textSeenEnd)
    let record = try #require(Self.answer(&state, .char("1"), at: 1020, id: "a").first)
    #expect(record.answers["sentiment"] == "pos")
  }

  @Test func trainingExplainsEveryAnswerAndAnExamRecordsItsResultAtTheEnd() throws {
    var training = Self.state(phase: .training, total: 2, task: Self.goldTask, gold: Self.gold)
    let record = try #require(Self.answer(&training, .char("2"), at: 1010, id: "t1").first)
    #expect(record.phase == .training && record.correct == true && !record.gold && record.flags == [])
    guard case .feedback(let feedback) = training.overlay else {
      Issue.record("no feedback in training")
      return
    }
    #expect(feedback.correct && feedback.explanation == "The text asks for Negative.")
    #expect(Renderer.render(training).text.contains("✓ Correct"))

    var info = Fixture.session([Fixture.sentiment], total: 2)
    info.phase = .exam
    info.examVersion = "sha256:exam"
    var exam = AppState(session: info, width: 80, height: 24, handled: [:], now: 1000)
    _ = App.update(&exam, Input(.loaded(LoadedTask(position: 0, task: Self.goldTask, gold: Self.gold)), time: 1000))
    let next = LoadedTask(position: 1, task: Fixture.task("g2", "Choose Negative."), gold: Self.gold)
    Self.answer(&exam, .char("2"), at: 1010, id: "x1", next: next)
    #expect(exam.overlay == .none)  // no feedback during an exam
    let last = Self.answer(&exam, .char("1"), at: 1020, id: "x2", next: LoadedTask(position: 2))
    let result = try #require(last.last)
    #expect(result.event == "exam_result")
    #expect(result.details?["score"] == 0.5)
    #expect(result.details?["passed"] == false)
    #expect(result.details?["exam_version"] == "sha256:exam")
    expectScreen(Renderer.render(exam), Self.examEnd, name: "examEnd")
  }

  static let slowDown = """
     Tally · demo · task t2                                                 3 of 20
     lang: en
     Short.

        ┌─ Slow down ──────────────────────────────────────────────────────────┐
        │ 2 of your last 3 answers came faster than the texts can be read.     │
        │                                                                      │
        │ They are kept, flagged too_fast, for a reviewer to look at. Take a   │
        │ moment to reread the guidelines (g), then go on at a pace that lets  │
        │ you read each task.                                                  │
        │                                                                      │
        │ Labeling continues in 20 s · g guidelines · q quit                   │
        └──────────────────────────────────────────────────────────────────────┘




    ────────────────────────────────────────────────────────────────────────────────
     Sentiment?
      1  ( ) Positive
      2  ( ) Negative
      3  ( ) Neutral
     2/20 done (10%) · –/h · ana
    ✗ Flagged too fast: 0.3 s on a task that needs at least 2.0 s to read.
    """
  static let goldFeedback = """
     Tally · demo · task g1                                                 1 of 20
     lang: en
     Please choose Negative.






        ┌─ ✗ Not the expected answer ──────────────────────────────────────────┐
        │ That was a check task with a known answer.                           │
        │                                                                      │
        │ You answered:                                                        │
        │   Sentiment?: Positive                                               │
        │ Expected:                                                            │
        │   Sentiment?: Negative                                               │
        │                                                                      │
    ────│ Why:                                                                 │────
     Sen│ The text asks for Negative.                                          │
      1 │                                                                      │
      2 │ Enter continue · g guidelines · j/k scroll the task                  │
      3 └──────────────────────────────────────────────────────────────────────┘
     0/20 done (0%) · –/h · ana
     Enter continue · g guidelines · q quit
    """
  static let goldPause = """
     Tally · demo · task t2                                                 3 of 20
     lang: en
     Short.

        ┌─ Check tasks ────────────────────────────────────────────────────────┐
        │ 0 of your last 2 check tasks were answered as expected (0%), below   │
        │ the project's 60%.                                                   │
        │                                                                      │
        │ Your answers are kept but marked below_gold_threshold for review     │
        │ until your accuracy on check tasks recovers. Reread the guidelines   │
        │ (g) before going on.                                                 │
        │                                                                      │
        │ Labeling continues in 20 s · g guidelines · q quit                   │
        └──────────────────────────────────────────────────────────────────────┘



    ────────────────────────────────────────────────────────────────────────────────
     Sentiment?
      1  ( ) Positive
      2  ( ) Negative
      3  ( ) Neutral
     0/20 done (0%) · –/h · ana · ⚑ below check-task threshold
     paused: 20 s left · g guidelines · q quit
    """
  static let examEnd = """
     Tally · demo · exam                                               end of queue


      ✗ Exam not passed

      1 of 2 answered as expected (50%).
      The pass mark is 80%. The result is saved in your label log.
      Review the training (`tally train`) and the guidelines, then try again.

      ←  go back through your answers
      q  quit











     2/2 done (100%) · –/h · ana
     ← back · g guidelines · ? keys · q quit
    """
}
