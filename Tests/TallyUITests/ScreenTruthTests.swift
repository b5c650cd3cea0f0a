import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

/// Screens that tell the truth: feedback over the task it is about, a closed exam that says so, counts that
/// agree, messages that fit, options that scroll, Markdown side by side, and keys that do what they say.
@Suite struct ScreenTruthTests {
  @Test func feedbackIsShownOverTheTaskItIsAboutWithBothAnswers() throws {
    var state = QualityFlowTests.state(
      quality: QualityFlowTests.config { $0.goldFeedback = .explain }, task: QualityFlowTests.goldTask,
      gold: QualityFlowTests.gold, isGoldSlot: true)
    QualityFlowTests.answer(&state, .char("1"), at: 1010, id: "a1")
    guard case .feedback(let feedback) = state.overlay else {
      Issue.record("no feedback")
      return
    }
    // Still the gold task under the box, with what was answered and what was expected.
    #expect(state.current?.task?.id == "g1")
    #expect(feedback.given == ["Sentiment?: Positive"])
    #expect(feedback.expected == ["Sentiment?: Negative"])
    let screen = Renderer.render(state).text
    #expect(screen.contains("Please choose Negative."))
    #expect(screen.contains("You answered:"))
    // Enter closes it and only then goes on to the next task.
    let effects = state.press(.enter, at: 1012)
    #expect(effects == [.load(.nextUnhandled(from: 1))])
    #expect(state.overlay == .none)
  }

  @Test func trainingFeedbackStaysOnItsTaskToo() throws {
    var state = QualityFlowTests.state(
      phase: .training, total: 2, task: QualityFlowTests.goldTask, gold: QualityFlowTests.gold)
    let effects = state.press(.char("1"), at: 1010, id: "t1")
    guard case .append(let record) = effects.first else {
      Issue.record("nothing written")
      return
    }
    #expect(App.update(&state, Input(.appended(recordID: record.id, offset: 0), time: 1010)).isEmpty)
    #expect(state.current?.task?.id == "g1")
    guard case .feedback = state.overlay else {
      Issue.record("no feedback")
      return
    }
  }

  @Test func aClosedExamSaysSoAndWritesNothing() throws {
    var info = Fixture.session([Fixture.sentiment], total: 1)
    info.phase = .exam
    var exam = AppState(session: info, width: 80, height: 24, handled: [:], now: 1000)
    let task = Fixture.task("e1", "Choose Negative.")
    let gold = GoldAnswer(answers: JSONObject([("sentiment", "neg")]))
    _ = App.update(&exam, Input(.loaded(LoadedTask(position: 0, task: task, gold: gold)), time: 1000))
    let last = QualityFlowTests.answer(&exam, .char("1"), at: 1010, id: "x1", next: LoadedTask(position: 1))
    #expect(last.last?.event == "exam_result")
    // Back to the answered task: changing it is refused, and it says why.
    let previous = try #require(last.first)
    _ = App.update(
      &exam, Input(.loaded(LoadedTask(position: 0, task: task, previous: previous, gold: gold)), time: 1020))
    #expect(exam.message == App.examClosedMessage)
    #expect(exam.press(.char("2"), at: 1021).isEmpty)
    #expect(exam.message == App.examClosedMessage)
    #expect(exam.press(.char("s"), at: 1022).isEmpty)
    #expect(exam.overlay == .none)
  }

  @Test func countsAgreeAndLeaveGoldOut() throws {
    var info = Fixture.session([Fixture.sentiment], total: 4)
    info.goldTotal = 1
    var state = AppState(session: info, width: 80, height: 24, handled: [:], now: 1000)
    _ = App.update(&state, Input(.dataChecked(DataSummary(malformed: 1, duplicates: 0)), time: 1000))
    var loaded = LoadedTask(position: 0, task: Fixture.task("t1", "Hi."))
    loaded.ordinal = 1
    _ = App.update(&state, Input(.loaded(loaded), time: 1000))
    let screen = Renderer.render(state).text
    // 4 in the queue: one gold task and one unreadable line, so 2 to label.
    #expect(screen.contains("1 of 2"), "\(screen)")
    #expect(screen.contains("0/2 done (0%)"))
    #expect(!screen.contains("of 4"))
  }

  @Test func anEditIsNotANewLabelAndTheRateShowsEarly() throws {
    var state = Fixture.state(total: 5)
    for (i, key) in ["1", "2", "3"].enumerated() {
      let effects = state.press(.char(Character(key)), at: 1001 + Double(i), id: "r\(i)")
      guard case .append(let record) = effects.first else { return }
      _ = App.update(&state, Input(.appended(recordID: record.id, offset: Int64(i)), time: 1001 + Double(i)))
      _ = App.update(
        &state,
        Input(.loaded(LoadedTask(position: i + 1, task: Fixture.task("t\(i + 2)", "Next."))), time: 1001 + Double(i)))
    }
    #expect(state.submittedThisSession == 3)
    // Three answers in 3 seconds: a rate at once, not a dash for a minute.
    #expect(state.labelsPerHour == 3600)
    let previous = LabelRecord(
      id: "r0", type: .answer, task: "t1", annotator: "ana", answers: JSONObject([("sentiment", "pos")]),
      submittedAt: 1001, tool: "t")
    _ = App.update(
      &state, Input(.loaded(LoadedTask(position: 0, task: Fixture.task("t1", "Hi."), previous: previous)), time: 1010))
    let effects = state.press(.char("2"), at: 1011, id: "edit")
    guard case .append(let edit) = effects.first else {
      Issue.record("the change was not written")
      return
    }
    _ = App.update(&state, Input(.appended(recordID: edit.id, offset: 9), time: 1011))
    #expect(state.submittedThisSession == 3)
    #expect(state.editedThisSession == 1)
  }

  @Test func theEndOffersRevisitingSkipsOnlyWhenThereAreSome() {
    var state = Fixture.state(total: 1)
    _ = App.update(&state, Input(.loaded(.end(total: 1)), time: 1002))
    #expect(!Renderer.render(state).text.contains("revisit"))
    var skipped = Fixture.state(total: 1, handled: ["t1": HandledTask(skipped: true, logOffset: 0)])
    _ = App.update(&skipped, Input(.loaded(.end(total: 1)), time: 1002))
    #expect(Renderer.render(skipped).text.contains("r revisit skipped"))
  }

  @Test func aLongMessageWrapsInsteadOfBeingCut() {
    var state = Fixture.state(width: 80, height: 24)
    state.message = "The guidelines are new to you or changed: read them, then press g to start labeling."
    let lines = Renderer.render(state).text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[22].hasPrefix("› The guidelines are new to you or changed: read them, then press g to start"))
    #expect(String(lines[23]).trimmingTrailingSpaces.drop { $0 == " " } == "labeling.")
    #expect(lines[21].contains("0/3 done"))
  }

  @Test func optionsThatDoNotFitScroll() throws {
    let many = Question(
      name: "topic", prompt: "Topic?", kind: .single,
      options: (1...12).map {
        AnswerOption(name: "o\($0)", display: "Option \($0)", description: "What option \($0) means, at some length.")
      })
    var state = Fixture.state([many], width: 80, height: 24)
    _ = state.press(.char("d"))
    var screen = Renderer.render(state).text
    #expect(screen.contains("more lines (J)"), "\(screen)")
    #expect(!screen.contains("enlarge the terminal"))
    #expect(!screen.contains("Option 12"))
    for _ in 0..<6 { _ = state.press(.char("J")) }
    screen = Renderer.render(state).text
    #expect(screen.contains("Option 12"))
    #expect(screen.contains("above (K)"))
    #expect(screen.contains("end of options"))
    let bottom = state.questionScroll
    _ = state.press(.char("K"))
    #expect(state.questionScroll < bottom)
    // A key still answers whichever option it names, on screen or not.
    _ = state.press(.char("a"))
    #expect(state.pendingRecord?.answers["topic"] == .string("o10"))
  }

  @Test func homeAndEndJumpThroughALongText() {
    let text = (1...60).map { "Line \($0)." }.joined(separator: "\n")
    var state = Fixture.state(task: Fixture.task("t1", text), width: 80, height: 16)
    _ = state.press(.end)
    #expect(Renderer.render(state).text.contains("Line 60."))
    _ = state.press(.home)
    #expect(state.textScroll == 0)
  }

  @Test func multiChoiceMayBeEmptyUnlessRequired() throws {
    var optional = Fixture.tags
    optional.required = false
    var state = Fixture.state([optional])
    guard case .append(let record) = state.press(.enter).first else {
      Issue.record("an empty optional multi-choice was not submitted")
      return
    }
    #expect(record.answers["tags"] == .array([]))
    var required = Fixture.state([Fixture.tags])
    #expect(required.press(.enter).isEmpty)
    #expect(required.message == "Choose at least one option (digits toggle), then Enter.")
  }

  @Test func aRatingKeyOffTheScaleSaysSo() {
    let rating = Question(
      name: "stars", prompt: "Stars?", kind: .rating,
      options: (1...5).map { AnswerOption(name: String($0)) })
    var state = Fixture.state([rating])
    #expect(state.press(.char("7")).isEmpty)
    #expect(state.message == "7 is off the scale: Stars? takes 1 to 5.")
  }

  @Test func sideBySideResponsesRenderTheirMarkdownAndMShowsTheText() {
    let a = "**Paris** is the capital.\n\n- first point\n- second point\n\n```\nprint(1)\n```"
    let task = Fixture.pair("p1", prompt: "Capital?", a: a, b: "Plain *answer*.")
    var state = Fixture.state(
      [Fixture.comparison()], task: task, width: 100, height: 24, layout: Fixture.compareLayout(randomize: false))
    var screen = Renderer.render(state)
    #expect(screen.text.contains("Paris is the capital."))
    #expect(screen.text.contains("• first point"))
    #expect(screen.text.contains("▏ print(1)"))
    #expect(!screen.text.contains("**Paris**"))
    _ = state.press(.char("m"))
    screen = Renderer.render(state)
    #expect(screen.text.contains("**Paris** is the capital."))
    #expect(screen.text.contains("- first point"))
    #expect(state.message == "The texts as stored (m formats them again).")
    _ = state.press(.char("m"))
    #expect(!Renderer.render(state).text.contains("**Paris**"))
  }
}
