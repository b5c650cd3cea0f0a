import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

/// Whole screens of span and side-by-side tasks at several widths, compared as text.
@Suite struct TaskLayoutRenderTests {
  static let entityText =
    "👩‍💻 Angela Merkel traf 習近平 in Berlin. 😀 Siemens AG zahlte. Danach flog sie nach Paris und traf dort Emmanuel Macron."

  func spanState(width: Int, height: Int) -> AppState {
    var task = Fixture.task("e1", Self.entityText, lang: "de")
    task.fields["spans"] = .array([
      .object(JSONObject([("start", 4), ("end", 17), ("label", "PER")])),
      .object(JSONObject([("start", 30), ("end", 36), ("label", "LOC")])),
    ])
    var state = Fixture.state([Fixture.entities], task: task, width: width, height: height)
    state.press(.char("]"))
    state.press(.char("]"))
    state.press(.char("w"))
    state.press(.char("w"))
    state.press(.char("v"))
    state.press(.char("w"))
    return state
  }

  @Test func spanTaskAt80x24() {
    let screen = Renderer.render(spanState(width: 80, height: 24))
    expectScreen(screen, Self.spans80x24, name: "spans80x24")
  }

  @Test func spanTaskWithSideListAt120x24() {
    let screen = Renderer.render(spanState(width: 120, height: 24))
    expectScreen(screen, Self.spans120x24, name: "spans120x24")
  }

  @Test func spanTaskAt60x16() {
    let screen = Renderer.render(spanState(width: 60, height: 16))
    expectScreen(screen, Self.spans60x16, name: "spans60x16")
  }

  static let longA = (1...40).map { "第\($0)行: Paris is the capital of France, line \($0)." }.joined(separator: "\n")
  static let longB = (1...40).map { "Line \($0): Lyon is the capital of France 🇫🇷." }.joined(separator: "\n")

  func compareState(width: Int, height: Int) -> AppState {
    var state = Fixture.state(
      [Fixture.comparison(strength: true), Fixture.comparison("correctness")],
      task: Fixture.pair(
        "p1", prompt: "What is the capital of France? Answer in one line.", a: Self.longA, b: Self.longB),
      width: width, height: height, layout: Fixture.compareLayout(requireScroll: true, randomize: false))
    state.press(.char("J"))
    return state
  }

  @Test func comparisonInColumnsAt100x24() {
    expectScreen(Renderer.render(compareState(width: 100, height: 24)), Self.compare100x24, name: "compare100x24")
  }

  @Test func comparisonStackedAt70x24() {
    expectScreen(Renderer.render(compareState(width: 70, height: 24)), Self.compare70x24, name: "compare70x24")
  }

  @Test func comparisonAsksForStrengthAt80x24() {
    var state = compareState(width: 80, height: 24)
    for _ in 0..<80 { state.press(.char("J"), at: 1002) }
    state.press(.char("w"))
    state.press(.char("2"))
    expectScreen(Renderer.render(state), Self.compareStrength80x24, name: "compareStrength80x24")
  }

  static let spans80x24 = """
     Tally · demo · task e1                                                  1 of 3
     lang: de
     👩💻 Angela Merkel‹PER› traf 習近平 in Berlin‹LOC›. 😀 Siemens AG zahlte.
     Danach flog sie nach Paris und traf dort Emmanuel Macron.













    ────────────────────────────────────────────────────────────────────────────────
     Mark the entities
      1  PER Person   2  ORG Organisation   3  LOC Location
     Selecting “AG zahlte” 48–57 · a label key labels it · Esc cancels · whole
     words (c) · predicted spans: Enter accepts
     0/3 done (0%) · –/h · ana
     v select · 1-3 label · x remove · Enter submit · < > task · ? keys · q quit
    """
  static let spans120x24 = """
     Tally · demo · task e1                                                                                          1 of 3
     lang: de
     👩💻 Angela Merkel‹PER› traf 習近平 in Berlin‹LOC›. 😀 Siemens AG zahlte. Danach flog  │ Spans (2)
     sie nach Paris und traf dort Emmanuel Macron.                                          │  PER Angela Merkel ·pred
                                                                                            │  LOC Berlin ·pred
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
                                                                                            │
    ────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
     Mark the entities
      1  PER Person   2  ORG Organisation   3  LOC Location
     Selecting “AG zahlte” 48–57 · a label key labels it · Esc cancels · whole words (c) · predicted spans: Enter accepts
     0/3 done (0%) · –/h · ana
     v select · 1-3 label · x remove · Enter submit · ←→ w b ↑↓ move · [ ] spans · c precision · < > task · ? keys · q quit
    """
  static let spans60x16 = """
     Tally · demo · task e1                              1 of 3
     lang: de
     👩💻 Angela Merkel‹PER› traf 習近平 in Berlin‹LOC›. 😀
     Siemens AG zahlte. Danach flog sie nach Paris und traf
     dort Emmanuel Macron.




    ────────────────────────────────────────────────────────────
     Mark the entities
      1  PER Person   2  ORG Organisation   3  LOC Location
     Selecting “AG zahlte” 48–57 · a label key labels it · Esc
     cancels · whole words (c) · predicted spans: Enter accepts
     0/3 done (0%) · –/h · ana
     v select · 1-3 label · x remove · Enter submit · ? keys
    """
  static let compare100x24 = """
     Tally · demo · task p1                                                                      1 of 3
     lang: —
     What is the capital of France? Answer in one line.
    ────────────────────────────────────────────────────────────────────────────────────────────────────
      1 Left ◆                                ↓ 19%  │  2 Right                                  ↓ 35%
     第2行: Paris is the capital of France, line 2.  │ Line 2: Lyon is the capital of France 🇫🇷.
     第3行: Paris is the capital of France, line 3.  │ Line 3: Lyon is the capital of France 🇫🇷.
     第4行: Paris is the capital of France, line 4.  │ Line 4: Lyon is the capital of France 🇫🇷.
     第5行: Paris is the capital of France, line 5.  │ Line 5: Lyon is the capital of France 🇫🇷.
     第6行: Paris is the capital of France, line 6.  │ Line 6: Lyon is the capital of France 🇫🇷.
     第7行: Paris is the capital of France, line 7.  │ Line 7: Lyon is the capital of France 🇫🇷.
     第8行: Paris is the capital of France, line 8.  │ Line 8: Lyon is the capital of France 🇫🇷.
     第9行: Paris is the capital of France, line 9.  │ Line 9: Lyon is the capital of France 🇫🇷.
     第10行: Paris is the capital of France, line    │ Line 10: Lyon is the capital of France 🇫🇷.
     10.                                             │ Line 11: Lyon is the capital of France 🇫🇷.
     第11行: Paris is the capital of France, line    │ Line 12: Lyon is the capital of France 🇫🇷.
     11.                                             │ Line 13: Lyon is the capital of France 🇫🇷.
     第12行: Paris is the capital of France, line    │ Line 14: Lyon is the capital of France 🇫🇷.
    ────────────────────────────────────────────────────────────────────────────────────────────────────
     ▸ Which is better (overall)?
      1  ( ) Left better    2  ( ) Right better    3  ( ) Tie    4  ( ) Both bad
       Which is better (correctness)?
     0/3 done (0%) · –/h · ana
     1 left · 2 right · 3 tie · 4 both bad · j/k scroll · [ ] pane · J/K both · w diff · ? keys · q quit
    """
  static let compare70x24 = """
     Tally · demo · task p1                                        1 of 3
     lang: —
     What is the capital of France? Answer in one line.
    ──────────────────────────────────────────────────────────────────────
      1 Left ◆                                                     ↓ 15%
     第2行: Paris is the capital of France, line 2.
     第3行: Paris is the capital of France, line 3.
     第4行: Paris is the capital of France, line 4.
     第5行: Paris is the capital of France, line 5.
     第6行: Paris is the capital of France, line 6.
      2 Right                                                      ↓ 17%
     Line 2: Lyon is the capital of France 🇫🇷.
     Line 3: Lyon is the capital of France 🇫🇷.
     Line 4: Lyon is the capital of France 🇫🇷.
     Line 5: Lyon is the capital of France 🇫🇷.
     Line 6: Lyon is the capital of France 🇫🇷.
     Line 7: Lyon is the capital of France 🇫🇷.
    ──────────────────────────────────────────────────────────────────────
     ▸ Which is better (overall)?
      1  ( ) Left better    2  ( ) Right better    3  ( ) Tie    4  ( )
      Both bad
       Which is better (correctness)?
     0/3 done (0%) · –/h · ana
     1 left · 2 right · 3 tie · 4 both bad · j/k scroll · ? keys · q quit
    """
  static let compareStrength80x24 = """
     Tally · demo · task p1                                                  1 of 3
     lang: —
     What is the capital of France? Answer in one line.
    ────────────────────────────────────────────────────────────────────────────────
      1 Left ◆                    ↓ 98% ✓  │  2 Right                      ↓ 98% ✓
     France, line 34.                      │ 🇫🇷.
     第35行: Paris is the capital of       │ Line 35: Lyon is the capital of France
     France, line 35.                      │ 🇫🇷.
     第36行: Paris is the capital of       │ Line 36: Lyon is the capital of France
     France, line 36.                      │ 🇫🇷.
     第37行: Paris is the capital of       │ Line 37: Lyon is the capital of France
     France, line 37.                      │ 🇫🇷.
     第38行: Paris is the capital of       │ Line 38: Lyon is the capital of France
     France, line 38.                      │ 🇫🇷.
     第39行: Paris is the capital of       │ Line 39: Lyon is the capital of France
     France, line 39.                      │ 🇫🇷.
     第40行: Paris is the capital of       │ Line 40: Lyon is the capital of France
    ────────────────────────────────────────────────────────────────────────────────
     ▸ Which is better (overall)?
       Right (b) is better. How much?
      1  ( ) Slightly better    2  ( ) Clearly better
       Which is better (correctness)?
     0/3 done (0%) · –/h · ana
     1 slightly · 2 clearly better · j/k scroll · [ ] pane · m raw · ? keys · q quit
    """
}
