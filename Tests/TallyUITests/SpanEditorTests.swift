import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

@Suite struct SpanEditorTests {
  /// 👩‍💻 is three code points (woman, ZWJ, laptop); 習近平 three more: offsets after them are code points.
  static let text = "👩‍💻 Angela Merkel met 習近平 in Berlin. Siemens AG paid."

  func state(_ text: String = SpanEditorTests.text, prediction: JSONValue? = nil, width: Int = 80) -> AppState {
    var task = Fixture.task("t1", text)
    if let prediction { task.fields["spans"] = prediction }
    return Fixture.state([Fixture.entities], task: task, width: width)
  }

  func spans(_ state: AppState) -> [Span] { Span.list(state.draft.answers["entities"]) }

  @Test func aLabelKeyMarksTheWordUnderTheCursor() {
    var state = state()
    #expect(state.draft.spanCursor == 0)
    state.press(.char("w"))  // to "Angela"
    #expect(state.draft.spanCursor == 4)
    state.press(.char("1"))
    #expect(spans(state) == [Span(start: 4, end: 10, label: "PER", text: "Angela")])
    #expect(state.position == 0, "labeling a span does not submit")
  }

  @Test func aSelectionSnapsToWholeWordsAndKeepsCodePointOffsets() {
    var state = state()
    state.press(.char("w"))
    state.press(.right)  // inside "Angela"
    state.press(.char("v"))
    state.press(.char("w"))  // "Merkel"
    state.press(.right)
    state.press(.right)  // still inside "Merkel"
    state.press(.char("1"))
    #expect(spans(state) == [Span(start: 4, end: 17, label: "PER", text: "Angela Merkel")])
    #expect(state.draft.spanAnchor == nil)
    // CJK: the three characters after "met " form one word.
    state.press(.char("w"))
    state.press(.char("w"))
    #expect(state.draft.spanCursor == 22)
    state.press(.char("1"))
    #expect(spans(state).last == Span(start: 22, end: 25, label: "PER", text: "習近平"))
  }

  @Test func characterPrecisionSelectsExactCharacters() {
    var state = state()
    state.press(.char("w"))
    state.press(.char("c"))
    #expect(state.draft.characterPrecision)
    state.press(.char("v"))
    state.press(.right)
    state.press(.right)
    state.press(.char("3"))
    #expect(spans(state) == [Span(start: 4, end: 7, label: "LOC", text: "Ang")])
  }

  @Test func overlapsAreRefusedUnlessTheQuestionAllowsThem() {
    var state = state()
    state.press(.char("w"))
    state.press(.char("v"))
    state.press(.char("w"))
    state.press(.char("1"))  // "Angela Merkel"
    state.press(.char("w"))  // "met"
    state.press(.char("v"))
    state.press(.char("b"))
    state.press(.char("2"))  // "Merkel met" overlaps
    #expect(spans(state).count == 1)
    #expect(state.messageIsError)
    #expect(state.message?.contains("Overlaps PER “Angela Merkel”") == true)

    var question = Fixture.entities
    question.allowOverlap = true
    var task = Fixture.task("t1", Self.text)
    task.fields["x"] = "y"
    var nested = Fixture.state([question], task: task)
    nested.press(.char("w"))
    nested.press(.char("v"))
    nested.press(.char("w"))
    nested.press(.char("1"))
    nested.press(.char("v"))
    nested.press(.char("2"))  // "Merkel" inside "Angela Merkel"
    #expect(Span.list(nested.draft.answers["entities"]).map(\.text) == ["Angela Merkel", "Merkel"])
  }

  @Test func aLabelKeyOnASpanRelabelsItAndXRemovesIt() {
    var state = state()
    state.press(.char("w"))
    state.press(.char("1"))
    state.press(.char("2"))
    #expect(spans(state).map(\.label) == ["ORG"])
    #expect(state.message == "Relabeled “Angela”: PER → ORG.")
    state.press(.char("x"))
    #expect(spans(state).isEmpty)
    state.press(.char("x"))
    #expect(state.message?.hasPrefix("No span under the cursor") == true)
  }

  @Test func bracketsJumpBetweenSpansAndEscCancelsASelection() {
    var state = state()
    for _ in 0..<6 { state.press(.char("w")) }  // "Berlin"
    state.press(.char("3"))
    state.press(.home)
    state.press(.char("w"))
    state.press(.char("1"))  // "Angela"
    state.press(.char("]"))
    #expect(state.draft.spanCursor == 29)
    state.press(.char("["))
    #expect(state.draft.spanCursor == 4)
    state.press(.char("v"))
    #expect(state.draft.spanAnchor == 4)
    state.press(.escape)
    #expect(state.draft.spanAnchor == nil)
  }

  @Test func cursorMovesByLineOverWrappedText() {
    var state = state(String(repeating: "alpha beta gamma ", count: 12), width: 60)
    #expect(state.textLayout.count > 2)
    state.press(.down)
    let line1 = state.cursorStops[SpanEditor.stopIndex(state, atOrBefore: state.draft.spanCursor)].line
    #expect(line1 == 1)
    state.press(.end)
    state.press(.up)
    #expect(state.cursorStops[SpanEditor.stopIndex(state, atOrBefore: state.draft.spanCursor)].line == 0)
    state.press(.left)  // a character, not the previous task
    #expect(state.position == 0)
  }

  @Test func enterSubmitsTheSpansAsTheyStandAndNoSpansIsAnAnswer() throws {
    var state = state()
    state.press(.char("w"))
    state.press(.char("v"))
    state.press(.char("w"))
    state.press(.char("1"))
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("Enter did not write a record")
      return
    }
    #expect(record.answers["entities"] == Span.answer([Span(start: 4, end: 17, label: "PER", text: "Angela Merkel")]))
    var empty = self.state("Nothing to see here.")
    guard case .append(let none) = empty.press(.enter, id: "r2").first else {
      Issue.record("Enter with no spans did not write a record")
      return
    }
    #expect(none.answers["entities"] == .array([]))
  }

  @Test func predictedSpansAreShownAndAcceptedWithEnter() throws {
    func span(_ start: Int, _ end: Int, _ label: String, _ text: String? = nil) -> JSONValue {
      var o = JSONObject([("start", .number(Double(start))), ("end", .number(Double(end))), ("label", .string(label))])
      if let text { o["text"] = .string(text) }
      return .object(o)
    }
    let predicted: JSONValue = .array([
      span(4, 17, "PER", "Angela Merkel"), span(29, 35, "LOC"),
      // Wrong text for its offsets, unknown label, out of range: all dropped.
      span(0, 3, "PER", "nope"), span(37, 47, "XYZ"), span(40, 999, "ORG"),
    ])
    var state = state(prediction: predicted)
    #expect(state.draft.fromPrediction)
    #expect(spans(state).map(\.text) == ["Angela Merkel", "Berlin"])
    #expect(state.textLayout[0].cells.map(\.text).joined().contains("Angela Merkel‹PER›"))
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("no record")
      return
    }
    #expect(record.acceptedPrediction == true)
    // Editing a prediction makes it the annotator's own answer.
    var edited = self.state(prediction: predicted)
    edited.press(.char("]"))
    edited.press(.char("x"))
    guard case .append(let own) = edited.press(.enter, id: "r2").first else {
      Issue.record("no record")
      return
    }
    #expect(own.acceptedPrediction == false)
    #expect(Span.list(own.answers["entities"]).map(\.text) == ["Berlin"])
  }

  @Test func goingBackShowsTheSubmittedSpans() {
    let spans = Span.answer([Span(start: 4, end: 10, label: "PER", text: "Angela")])
    let previous = LabelRecord(
      id: "old", type: .answer, task: "t1", annotator: "ana", answers: JSONObject([("entities", spans)]),
      submittedAt: 999, tool: "t")
    let state = Fixture.state(
      [Fixture.entities], task: Fixture.task("t1", Self.text), previous: previous,
      handled: ["t1": HandledTask(skipped: false, logOffset: 0)])
    #expect(state.draft.answers["entities"] == spans)
    #expect(state.textLayout[0].cells.map(\.text).joined().contains("Angela‹PER›"))
  }
}
