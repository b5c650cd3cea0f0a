import TallyCore
import Testing

@testable import TallyUI

/// Keys that mean "type text" in one mode never reach the answer keys in another: whatever is typed at a
/// prompt, a dialog or a box stays there, and no answer or skip is written.
@Suite struct KeySafetyTests {
  /// Ordinary words, digits and spaces included (no `q`, which quits, and no Enter, which submits).
  static let words = "the refund was late 2 days so 1 star / 3 of 4 wrong"

  /// Types `text` key by key; returns the answers and skips it would write.
  static func type(_ text: String, into state: inout AppState, at time: Double = 1005) -> [LabelRecord] {
    var written: [LabelRecord] = []
    for (i, c) in text.enumerated() {
      for effect in state.press(.char(c), at: time + Double(i) * 0.01, id: "k\(i)") {
        if case .append(let record) = effect, record.type != .event { written.append(record) }
      }
    }
    return written
  }

  @Test func slashOpensTheGuidelinesSearchAndTheTypedWordsStayThere() {
    // The reported trap: `/refund 2` ran `d` (descriptions) and then answered `2`.
    var state = Fixture.state()
    #expect(Self.type("/refund 2", into: &state).isEmpty)
    #expect(state.guidelines.visible)
    #expect(state.guidelines.searchInput == "refund 2")
    #expect(!state.showDescriptions)
    #expect(state.draft.answers.isEmpty)
    _ = state.press(.escape)
    #expect(state.guidelines.searchInput == nil)
    #expect(Renderer.render(state).text.contains("Be careful."))
  }

  @Test func withoutGuidelinesSlashSearchesTheTaskText() throws {
    let text = (1...30).map { "Line \($0): the parcel \($0 == 25 ? "finally arrived" : "is late")." }.joined(
      separator: "\n")
    var state = Fixture.state(task: Fixture.task("t1", text), width: 80, height: 16, guidelines: nil)
    #expect(Self.type("/finally arrived", into: &state).isEmpty)
    #expect(state.taskSearch.input == "finally arrived")
    #expect(Renderer.render(state).text.contains("/finally arrived▏  (search the task text: Enter · Esc cancels)"))
    _ = state.press(.enter)
    #expect(state.taskSearch.hits.count == 1)
    #expect(state.textScroll > 0)
    let screen = Renderer.render(state)
    #expect(screen.text.contains("Line 25: the parcel finally arrived."))
    #expect(screen.text.contains("Match 1 of 1 in the task"))
    // The match is marked in reverse video.
    let row = try #require(screen.text.split(separator: "\n").firstIndex { $0.contains("finally arrived") })
    let column = try #require(screen.text.split(separator: "\n")[row].range(of: "finally")).lowerBound
    let x = screen.text.split(separator: "\n")[row].distance(
      from: screen.text.split(separator: "\n")[row].startIndex, to: column)
    #expect(screen[x, row].style.reverse)
    // n finds it again; a query that is not there says so.
    _ = state.press(.char("n"))
    #expect(state.message == "Match 1 of 1 in the task (n next, N previous)")
    Self.type("/nowhere", into: &state)
    _ = state.press(.enter)
    #expect(state.message == "No match for “nowhere” in the task text.")
    #expect(state.draft.answers.isEmpty)
  }

  @Test func aSearchInASpanQuestionMovesTheCursorToTheMatch() {
    var state = Fixture.state(
      [Fixture.entities], task: Fixture.task("s1", "Angela Merkel met Emmanuel Macron in Paris."), guidelines: nil)
    Self.type("/macron", into: &state)
    _ = state.press(.enter)
    #expect(state.draft.spanCursor == 27)
    #expect(state.draft.answers.isEmpty)
  }

  @Test func aSearchSideBySideFocusesThePaneWithTheMatch() {
    let task = Fixture.pair("p1", prompt: "Capital?", a: "Paris is the capital.", b: "It is Lyon, surely.")
    var state = Fixture.state(
      [Fixture.comparison()], task: task, width: 100, height: 24, guidelines: nil,
      layout: Fixture.compareLayout(randomize: false))
    Self.type("/lyon", into: &state)
    _ = state.press(.enter)
    #expect(state.compare.focus == .right)
    #expect(state.taskSearch.hits.map(\.pane) == [2])
  }

  @Test func typedWordsWriteNothingInAnyMode() throws {
    // The guidelines' search prompt.
    var guidelines = Fixture.state()
    _ = guidelines.press(.char("/"))
    #expect(Self.type(Self.words, into: &guidelines).isEmpty)

    // The task text's search prompt.
    var task = Fixture.state(guidelines: nil)
    _ = task.press(.char("/"))
    #expect(Self.type(Self.words, into: &task).isEmpty)

    // The skip reason.
    var skip = Fixture.state()
    _ = skip.press(.char("s"))
    #expect(Self.type(Self.words, into: &skip).isEmpty)
    #expect(skip.overlay == .skipReason(Self.words))
    _ = skip.press(.escape)
    #expect(skip.overlay == .none && skip.pendingRecord == nil)

    // A free-text field.
    let text = Question(name: "note", prompt: "Note?", kind: .text, options: [])
    var field = Fixture.state([text])
    #expect(Self.type(Self.words, into: &field).isEmpty)
    #expect(field.draft.answers["note"] == .string(Self.words))

    // A span question: letters move and select, digits label, but only Enter submits.
    var spans = Fixture.state([Fixture.entities], task: Fixture.task("s1", "Angela Merkel met Emmanuel Macron."))
    #expect(Self.type(Self.words.replacing("/", with: ""), into: &spans).isEmpty)

    // The slow-down pause, before and after its countdown: Space does not close it.
    var pause = QualityFlowTests.state()
    QualityFlowTests.answer(&pause, .char("1"), at: 1000.3, id: "a1")
    QualityFlowTests.answer(&pause, .char("1"), at: 1000.6, id: "a2")
    #expect(pause.overlay == .slowDown(until: 1020.6))
    #expect(Self.type(Self.words.replacing("g", with: ""), into: &pause, at: 1005).isEmpty)
    #expect(Self.type(Self.words.replacing("g", with: ""), into: &pause, at: 1030).isEmpty)
    #expect(pause.overlay == .slowDown(until: 1020.6))

    // Feedback on a wrong gold answer.
    var feedback = QualityFlowTests.state(
      quality: QualityFlowTests.config { $0.goldFeedback = .explain }, task: QualityFlowTests.goldTask,
      gold: QualityFlowTests.gold, isGoldSlot: true)
    QualityFlowTests.answer(&feedback, .char("1"), at: 1010, id: "f1")
    guard case .feedback = feedback.overlay else {
      Issue.record("no feedback")
      return
    }
    #expect(Self.type(Self.words.replacing("g", with: ""), into: &feedback, at: 1011).isEmpty)
    guard case .feedback = feedback.overlay else {
      Issue.record("typing closed the feedback box")
      return
    }

    // The quit question: only y (or Enter) quits and n (or Esc) goes back; other letters do nothing, and after
    // `n` the rest goes back where it was typed (here: the text field).
    var quit = Fixture.state([text])
    Self.type("half typed", into: &quit)
    _ = quit.press(.ctrl("c"))
    #expect(quit.overlay == .confirmQuit)
    var quitEffects: [Effect] = []
    for (i, c) in "the refund was late".enumerated() { quitEffects += quit.press(.char(c), at: 1010 + Double(i)) }
    #expect(quitEffects.isEmpty)
    #expect(quit.overlay == .none)
    #expect(quit.draft.answers["note"] == .string("half typedd was late"))
  }

  @Test func quittingWithAnswersNotSubmittedAsksFirst() {
    let text = Question(name: "note", prompt: "Note?", kind: .text, options: [])
    var state = Fixture.state([text])
    // Nothing typed: quits at once.
    #expect(state.press(.ctrl("c")) == [.quit])
    KeySafetyTests.type("half a thought", into: &state)
    #expect(state.press(.ctrl("c")).isEmpty)
    #expect(state.overlay == .confirmQuit)
    #expect(Renderer.render(state).text.contains("This task's answers are not submitted yet."))
    _ = state.press(.escape)
    #expect(state.overlay == .none)
    #expect(state.draft.answers["note"] == .string("half a thought"))
    _ = state.press(.ctrl("c"))
    #expect(state.press(.char("y")) == [.quit])
    // Toggled multi-choice options count too; an untouched prediction does not.
    var multi = Fixture.state([Fixture.tags])
    _ = multi.press(.char("1"))
    #expect(multi.press(.char("q")).isEmpty)
    #expect(multi.overlay == .confirmQuit)
    var predicted = Fixture.state(task: Fixture.task("t1", "Great.", prediction: "pos"))
    #expect(predicted.press(.char("q")) == [.quit])
  }
}
