import TallyCore
import Testing

@testable import TallyUI

@Suite struct TextFieldTests {
  static func question(multiline: Bool = false, min: Int? = nil, max: Int? = nil) -> Question {
    var q = Question(name: "label", prompt: "Your answer", kind: .text, options: [])
    q.multiline = multiline
    q.minLength = min
    q.maxLength = max
    return q
  }

  func type(_ text: String, into state: inout AppState) {
    for c in text { _ = state.press(.char(c)) }
  }

  @Test func typingMovingAndDeletingByCharacterAndWord() {
    var state = Fixture.state([Self.question()])
    type("héllo 東京 wörld", into: &state)
    #expect(state.draft.answers["label"] == .string("héllo 東京 wörld"))
    _ = state.press(.alt("b"))  // to the start of "wörld"
    #expect(state.draft.cursor == 9)
    _ = state.press(.ctrl("w"))  // deletes "東京 "
    #expect(state.draft.answers["label"] == .string("héllo wörld"))
    _ = state.press(.home)
    _ = state.press(.alt("d"))
    #expect(state.draft.answers["label"] == .string(" wörld"))
    _ = state.press(.end)
    _ = state.press(.backspace)
    _ = state.press(.left)
    _ = state.press(.delete)
    #expect(state.draft.answers["label"] == .string(" wör"))
    // Letters that are commands elsewhere are text here.
    type("qsg", into: &state)
    #expect(state.draft.answers["label"] == .string(" wörqsg"))
  }

  @Test func enterSubmitsASingleLineAndChecksLengths() {
    var state = Fixture.state([Self.question(min: 3, max: 5)])
    #expect(state.press(.enter) == [])
    #expect(state.message == "Type an answer first (required).")
    type("ab", into: &state)
    #expect(state.press(.enter) == [])
    #expect(state.message == "At least 3 characters, now 2.")
    type("cdefg", into: &state)
    #expect(state.draft.answers["label"] == .string("abcde"))
    #expect(state.message == "At most 5 characters.")
    let effects = state.press(.enter, id: "r1")
    guard case .append(let record) = effects.first else {
      Issue.record("expected an append")
      return
    }
    #expect(record.answers["label"] == .string("abcde"))
  }

  @Test func multiLineEnterIsANewLineAndCtrlSSubmits() {
    var state = Fixture.state([Self.question(multiline: true)])
    type("one", into: &state)
    _ = state.press(.enter)
    type("two", into: &state)
    _ = state.press(.up)
    #expect(state.draft.answers["label"] == .string("one\ntwo"))
    _ = state.press(.ctrl("a"))
    #expect(state.draft.cursor == 4)
    let effects = state.press(.ctrl("s"), id: "r1")
    #expect(effects.count == 1)
  }

  @Test func escapeHandsKeysBackToTheCommands() {
    var state = Fixture.state([Self.question()], position: 1)
    type("x", into: &state)
    _ = state.press(.escape)
    #expect(!state.draft.editing)
    #expect(state.press(.left) == [.load(.exact(0))])
    _ = state.press(.char("i"))
    #expect(state.draft.editing)
    _ = state.press(.escape)
    _ = state.press(.char("s"))
    #expect(state.overlay == .skipReason(""))
  }

  @Test func theFieldIsDrawnWithItsCursor() {
    var state = Fixture.state([Self.question(max: 40)], width: 60, height: 16)
    type("東京 café", into: &state)
    _ = state.press(.left)
    _ = state.press(.left)
    let screen = Renderer.render(state)
    expectScreen(screen, Self.field60x16, name: "field60x16")
    // The cursor is the reversed cell on "f".
    let row = (0..<screen.height).first { screen.row($0).contains("東京 café") } ?? 0
    let reversed = (0..<screen.width).filter { screen[$0, row].style.reverse }.map { screen[$0, row].text }
    #expect(reversed == ["f"])
  }

  static let field60x16 = """
     Tally · demo · task t1                              1 of 3
     lang: en
     The soup was wonderful.







    ────────────────────────────────────────────────────────────
     Your answer
      ▏東京 café
        7 characters, at most 40
     0/3 done (0%) · –/h · ana
     type your answer · Enter submit · Esc commands
    """
}
