import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

@Suite struct UpdateTests {
  @Test func aDigitAnswersASingleChoiceAndWritesBeforeMovingOn() throws {
    var state = Fixture.state()
    let effects = state.press(.char("2"), at: 1004, id: "r1")
    let record = LabelRecord(
      id: "r1", type: .answer, task: "t1", line: 1, annotator: "ana", answers: JSONObject([("sentiment", "neg")]),
      shownAt: 1000, submittedAt: 1004, activeSeconds: 4, guidelinesVersion: "sha256:v1", tool: "tally test")
    #expect(effects == [.append(record)])
    // Nothing moves until the record is durable.
    #expect(state.position == 0)
    #expect(state.pendingRecord == record)
    #expect(state.press(.char("1")) == [])
    let next = App.update(&state, Input(.appended(recordID: "r1", offset: 0), time: 1004))
    #expect(next == [.load(.nextUnhandled(from: 1))])
    #expect(state.handled["t1"] == HandledTask(skipped: false, logOffset: 0))
    #expect(state.submittedThisSession == 1)
  }

  @Test func aFailedWriteKeepsTheAnswerOnScreen() {
    var state = Fixture.state()
    _ = state.press(.char("1"), id: "r1")
    let effects = App.update(
      &state, Input(.appendFailed(recordID: "r1", message: "No space left on device"), time: 1002))
    #expect(effects == [])
    #expect(state.position == 0)
    #expect(state.handled.isEmpty)
    #expect(state.draft.answers["sentiment"] == .string("pos"))
    #expect(state.messageIsError)
    #expect(state.message?.contains("No space left on device") == true)
  }

  @Test func idleGapsDoNotCountAsActiveTime() {
    var state = Fixture.state()
    _ = state.press(.down, at: 1010)  // 10 s: counts
    _ = state.press(.up, at: 1200)  // 190 s idle: does not count
    let effects = state.press(.char("1"), at: 1205, id: "r1")  // 5 s: counts
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.activeSeconds == 15)
    #expect(record.shownAt == 1000)
    #expect(record.submittedAt == 1205)
  }

  @Test func goingBackLoadsThePreviousTaskAndAChangeSupersedes() {
    var state = Fixture.state(position: 1, handled: ["t0": HandledTask(skipped: false, logOffset: 0)])
    #expect(state.press(.left) == [.load(.exact(0))])
    #expect(state.press(.char("u")) == [.load(.exact(0))])
    let previous = LabelRecord(
      id: "old", type: .answer, task: "t0", annotator: "ana", answers: JSONObject([("sentiment", "pos")]),
      submittedAt: 900, tool: "t")
    _ = App.update(
      &state,
      Input(.loaded(LoadedTask(position: 0, task: Fixture.task("t0", "Earlier."), previous: previous)), time: 1001))
    #expect(state.draft.answers["sentiment"] == .string("pos"))
    #expect(state.message == "Already answered: Enter keeps it, or choose again to change it.")
    // Enter keeps it: nothing is written.
    var kept = state
    #expect(kept.press(.enter) == [.load(.exact(1))])
    // A new choice appends a record that supersedes the old one and goes on to the next task.
    let effects = state.press(.char("3"), at: 1003, id: "new")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.supersedes == "old")
    #expect(record.answers["sentiment"] == .string("neu"))
    #expect(App.update(&state, Input(.appended(recordID: "new", offset: 99), time: 1003)) == [.load(.exact(1))])
  }

  @Test func thePredictionIsPreselectedAndEnterAcceptsIt() {
    var state = Fixture.state(task: Fixture.task("t1", "Fine.", prediction: "neg"))
    #expect(state.draft.answers["sentiment"] == .string("neg"))
    #expect(state.draft.fromPrediction)
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers["sentiment"] == .string("neg"))
    #expect(record.acceptedPrediction == true)
  }

  @Test func aPredictionNamingNoOptionIsIgnored() {
    let state = Fixture.state(task: Fixture.task("t1", "Fine.", prediction: "maybe"))
    #expect(state.draft.answers.isEmpty)
    #expect(!state.draft.fromPrediction)
  }

  @Test func multiChoiceTogglesAndEnterSubmits() {
    var state = Fixture.state([Fixture.tags])
    #expect(state.press(.enter) == [])
    #expect(state.message == "Choose at least one option (digits toggle), then Enter.")
    _ = state.press(.char("3"))
    _ = state.press(.char("1"))
    _ = state.press(.char("2"))
    _ = state.press(.char("2"))
    #expect(state.draft.answers["tags"] == .array(["food", "price"]))
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers["tags"] == .array(["food", "price"]))
  }

  @Test func taxonomyDrillsDownWithKeysAndUpWithBackspace() {
    var state = Fixture.state([Fixture.topics])
    #expect(state.press(.char("b")) == [])  // hotkey: Billing
    #expect(state.draft.taxonomyPath == [0])
    _ = state.press(.char("1"))  // Refunds
    #expect(state.draft.taxonomyPath == [0, 0])
    _ = state.press(.backspace)
    #expect(state.draft.taxonomyPath == [0])
    _ = state.press(.char("1"))
    let effects = state.press(.char("2"), id: "r1")  // Full refund: a leaf, submits
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers["topic"] == .array(["billing", "refunds", "full"]))
  }

  @Test func hotkeysOverrideDigitsOfTheirOption() {
    var state = Fixture.state([Fixture.topics])
    // AnswerOption 2 (Other) has hotkey o, so the digit 2 does nothing at the top level.
    #expect(state.press(.char("2")) == [])
    #expect(state.draft.answers.isEmpty)
    let effects = state.press(.char("o"), id: "r1")
    #expect(effects.count == 1)
  }

  @Test func severalQuestionsAreAnsweredInTurnThenSubmitted() {
    var state = Fixture.state([Fixture.sentiment, Fixture.tags])
    #expect(state.press(.char("1")) == [])
    #expect(state.draft.activeQuestion == 1)
    _ = state.press(.char("2"))
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers == JSONObject([("sentiment", "pos"), ("tags", ["service"])]))
  }

  @Test func skipAsksForAnOptionalReason() {
    var state = Fixture.state()
    _ = state.press(.char("s"))
    #expect(state.overlay == .skipReason(""))
    for c in "too long" { _ = state.press(.char(c)) }
    _ = state.press(.backspace)
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.type == .skip)
    #expect(record.skipReason == "too lon")
    #expect(record.answers.isEmpty)
    _ = App.update(&state, Input(.appended(recordID: "r1", offset: 5), time: 1002))
    #expect(state.handled["t1"] == HandledTask(skipped: true, logOffset: 5))
    #expect(state.skippedCount == 1)
  }

  @Test func escapeCancelsSkip() {
    var state = Fixture.state()
    _ = state.press(.char("s"))
    #expect(state.press(.escape) == [])
    #expect(state.overlay == .none)
  }

  @Test func guidelinesOpenFirstWhenNewAndTheOpeningIsRecorded() {
    var state = AppState(session: Fixture.session([Fixture.sentiment]), width: 80, height: 24, handled: [:], now: 1000)
    let effects = App.start(&state, guidelinesSeen: false, time: 1000, freshID: "e1")
    #expect(state.guidelines.visible)
    #expect(
      effects == [
        .append(
          LabelRecord(
            id: "e1", type: .event, annotator: "ana", event: "guidelines_opened", submittedAt: 1000,
            guidelinesVersion: "sha256:v1", tool: "tally test")),
        .load(.nextUnhandled(from: 0)),
      ])
    var seen = AppState(session: Fixture.session([Fixture.sentiment]), width: 80, height: 24, handled: [:], now: 1000)
    #expect(App.start(&seen, guidelinesSeen: true, time: 1000, freshID: "e1") == [.load(.nextUnhandled(from: 0))])
    #expect(!seen.guidelines.visible)
  }

  @Test func guidelinesSearchFindsAndCyclesMatches() {
    let guide = "# Guide\n\nSarcasm is negative.\n\n## Sarcasm\n\nMore on sarcasm here.\n"
    var state = Fixture.state(width: 80, height: 24, guidelines: guide)
    _ = state.press(.char("g"))
    #expect(state.guidelines.visible)
    _ = state.press(.char("/"))
    for c in "sarcasm" { _ = state.press(.char(c)) }
    _ = state.press(.enter)
    #expect(state.guidelines.hits.count == 3)
    #expect(state.guidelines.hitIndex == 0)
    #expect(state.message == "Match 1 of 3 (n next, N previous)")
    _ = state.press(.char("n"))
    #expect(state.guidelines.hitIndex == 1)
    _ = state.press(.char("N"))
    _ = state.press(.char("N"))
    #expect(state.guidelines.hitIndex == 2)
    _ = state.press(.char("g"))
    #expect(!state.guidelines.visible)
  }

  @Test func quitFromAnywhere() {
    var state = Fixture.state()
    #expect(state.press(.char("q")) == [.quit])
    #expect(state.press(.ctrl("c")) == [.quit])
    var tiny = Fixture.state(width: 30, height: 10)
    #expect(tiny.press(.char("1")) == [])
    #expect(tiny.press(.char("q")) == [.quit])
  }

  @Test func theEndOfTheQueueOffersSkippedTasks() {
    var state = Fixture.state(handled: ["t9": HandledTask(skipped: true, logOffset: 0)])
    _ = App.update(&state, Input(.loaded(.end(total: 3)), time: 1001))
    #expect(state.atEnd)
    #expect(state.press(.char("r")) == [.load(.firstSkipped)])
    #expect(state.press(.left) == [.load(.exact(2))])
  }

  @Test func enterInsideABranchPicksItWhenTheTaxonomyAllowsBranches() {
    var topics = Fixture.topics
    topics.leafOnly = false
    var state = Fixture.state([topics])
    _ = state.press(.char("b"))
    _ = state.press(.char("1"))  // inside Billing › Refunds
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers["topic"] == .array(["billing", "refunds"]))
    // With leaf_only (the default) Enter inside a branch asks for a leaf.
    var strict = Fixture.state([Fixture.topics])
    _ = strict.press(.char("b"))
    #expect(strict.press(.enter) == [])
    #expect(strict.message == "Choose down to a leaf of the taxonomy (Backspace goes up).")
  }

  @Test func answeringARevisitedSkipGoesOnToTheNextSkip() {
    let skip = LabelRecord(id: "s1", type: .skip, task: "t1", annotator: "ana", submittedAt: 900, tool: "t")
    var state = Fixture.state(previous: skip, handled: ["t1": HandledTask(skipped: true, logOffset: 0)])
    #expect(state.skippedCount == 1)
    _ = state.press(.char("2"), id: "r2")
    #expect(
      App.update(&state, Input(.appended(recordID: "r2", offset: 10), time: 1002)) == [.load(.nextSkipped(from: 1))])
    #expect(state.skippedCount == 0)
    #expect(state.handled["t1"] == HandledTask(skipped: false, logOffset: 10))
  }

  @Test func everyOptionOfALongListHasAKey() {
    let options = (1...12).map { AnswerOption(name: "c\($0)") } + [AnswerOption(name: "x", key: "a")]
    let keys = OptionKeys.assign(options)
    #expect(String(keys) == "123456789bcea")
    let question = Question(name: "label", kind: .single, options: options)
    var state = Fixture.state([question])
    let effects = state.press(.char("c"), id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers["label"] == .string("c11"))
  }

  @Test func progressLeavesOutLinesThatCannotBeLabeled() {
    var state = Fixture.state(total: 10, handled: ["a": HandledTask(skipped: false, logOffset: 0)])
    #expect(state.labelableCount == 10)
    _ = App.update(&state, Input(.dataChecked(DataSummary(malformed: 2, duplicates: 1)), time: 1001))
    #expect(state.labelableCount == 7)
    #expect(Renderer.render(state).text.contains("1/7 done (14%)"))
  }

  @Test func tasksPassedOverWithForwardAreOfferedAtTheEnd() {
    var state = Fixture.state(total: 3, handled: ["a": HandledTask(skipped: false, logOffset: 0)])
    _ = App.update(&state, Input(.loaded(.end(total: 3)), time: 1001))
    #expect(state.press(.enter) == [.load(.nextUnhandled(from: 0))])
    #expect(Renderer.render(state).text.contains("2 tasks were passed over with → and not answered yet."))
  }

  @Test func aRatingIsStoredAsANumber() {
    let options = (1...5).map { AnswerOption(name: String($0), display: $0 == 1 ? "1 — bad" : String($0)) }
    let rating = Question(name: "label", kind: .rating, options: options)
    var state = Fixture.state([rating], task: Fixture.task("t1", "Rate me", prediction: 4))
    #expect(state.draft.answers["label"] == .number(4))
    let effects = state.press(.char("2"), id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers["label"] == .number(2))
    #expect(record.acceptedPrediction == false)
    #expect(record.jsonLine.contains(#""answers":{"label":2}"#))
  }

  @Test func besideTheTaskLineKeysScrollTheTextAndPageKeysTheGuidelines() {
    let long = (1...80).map { "Line \($0) of the guide." }.joined(separator: "\n\n")
    var state = Fixture.state(
      task: Fixture.task("t1", String(repeating: "word ", count: 400)), width: 130, height: 20, guidelines: long)
    _ = state.press(.char("g"))
    _ = state.press(.down)
    #expect(state.textScroll == 1)
    #expect(state.guidelines.scroll == 0)
    _ = state.press(.pageDown)
    #expect(state.guidelines.scroll > 0)
    #expect(state.textScroll == 1)
  }
}
