import TallyCore
import TallyText
import Testing

@testable import TallyUI

/// Whole screens compared as text.
@Suite struct RenderTests {
  @Test func labelingScreenAt80x24() {
    let state = Fixture.state(task: Fixture.task("t1", "The soup was wonderful, but the bread was stale.", lang: "en"))
    expectScreen(Renderer.render(state), Self.labeling80x24, name: "labeling80x24")
  }

  @Test func wideAndCombiningCharactersWrapByDisplayWidth() {
    let text = "東京のホテルは駅から近くて便利でした。部屋は狭いけれど清潔です。Café crème à côté 😀 👍🏽 done."
    let state = Fixture.state(task: Fixture.task("t2", text, lang: "ja"), width: 60, height: 16)
    expectScreen(Renderer.render(state), Self.wide60x16, name: "wide60x16")
    // Every row fits: no wide cell split at the edge.
    let screen = Renderer.render(state)
    for y in 0..<screen.height { #expect(DisplayWidth.of(screen.row(y)) == 60) }
  }

  @Test func controlCharactersAndEscapesAreShownNotObeyed() {
    let text =
      "Bell\u{7} and \u{1b}[2J clear, \u{1b}]0;title\u{7} OSC, C1 \u{9b}31m, bidi \u{202e}evil\u{202c}.\nNext line\r\n\tTabbed"
    let state = Fixture.state(task: Fixture.task("t3", text, lang: "x\u{1b}[31m"), width: 60, height: 16)
    let screen = Renderer.render(state)
    expectScreen(screen, Self.controls60x16, name: "controls60x16")
    for cell in screen.cells {
      for scalar in cell.text.unicodeScalars {
        #expect(
          scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value), "control \(scalar.value) reached the screen")
      }
    }
  }

  @Test func resizeRewrapsTheText() {
    var state = Fixture.state(task: Fixture.task("t1", String(repeating: "word ", count: 30)), width: 80, height: 24)
    _ = App.update(&state, Input(.resize(width: 64, height: 18), time: 1001))
    expectScreen(Renderer.render(state), Self.resized64x18, name: "resized64x18")
  }

  @Test func aTinyTerminalAsksToBeEnlarged() {
    let state = Fixture.state(width: 40, height: 10)
    expectScreen(Renderer.render(state), Self.tiny40x10, name: "tiny40x10")
    #expect(Renderer.render(Fixture.state(width: 3, height: 1)).text == "Enl")
    #expect(Renderer.render(Fixture.state(width: 0, height: 0)).text == "")
  }

  @Test func guidelinesOpenBesideTheTaskWhenWide() {
    var state = Fixture.state(
      width: 130, height: 20,
      guidelines:
        "# Sentiment guide\n\nPick **Positive** when the writer is *pleased*.\n\n- sarcasm is `negative`\n- mixed feelings: Mixed\n"
    )
    _ = state.press(.char("g"))
    expectScreen(Renderer.render(state), Self.sidePane130x20, name: "sidePane130x20")
  }

  @Test func guidelinesCoverTheTaskWhenNarrow() {
    var state = Fixture.state(width: 80, height: 16, guidelines: "# Guide\n\nRead **all** of it.\n")
    _ = state.press(.char("g"))
    expectScreen(Renderer.render(state), Self.fullGuidelines80x16, name: "fullGuidelines80x16")
  }

  @Test func taxonomyShowsTheBranchAndDescriptionsOnDemand() {
    var state = Fixture.state([Fixture.topics], width: 70, height: 18)
    _ = state.press(.char("b"))
    expectScreen(Renderer.render(state), Self.taxonomy70x18, name: "taxonomy70x18")
    var described = Fixture.state(width: 70, height: 18)
    _ = described.press(.char("d"))
    expectScreen(Renderer.render(described), Self.described70x18, name: "described70x18")
  }

  @Test func helpListsEveryKeyAt80x24() {
    var state = Fixture.state(width: 80, height: 24)
    _ = state.press(.char("?"))
    let screen = Renderer.render(state)
    expectScreen(screen, Self.help80x24, name: "help80x24")
    for binding in Keymap.bindings where [.labeling, .guidelines, .anywhere].contains(binding.context) {
      #expect(screen.text.contains(binding.helpText), "help misses \(binding.action)")
    }
    // Span and side-by-side keys are listed only where they apply.
    #expect(!screen.text.contains("start a selection"))
  }

  @Test func multiChoiceMarksAndTheEndScreen() {
    var state = Fixture.state([Fixture.tags], width: 70, height: 16)
    _ = state.press(.char("1"))
    _ = state.press(.char("3"))
    expectScreen(Renderer.render(state), Self.multi70x16, name: "multi70x16")
    var end = Fixture.state(
      width: 70, height: 16,
      handled: ["a": HandledTask(skipped: false, logOffset: 0), "b": HandledTask(skipped: true, logOffset: 1)])
    _ = App.update(&end, Input(.loaded(.end(total: 3)), time: 1001))
    expectScreen(Renderer.render(end), Self.end70x16, name: "end70x16")
  }

  static let labeling80x24 = """
     Tally · demo · task t1                                                  1 of 3
     lang: en
     The soup was wonderful, but the bread was stale.














    ────────────────────────────────────────────────────────────────────────────────
     Sentiment?
      1  ( ) Positive
      2  ( ) Negative
      3  ( ) Neutral
     0/3 done (0%) · –/h · ana
     1-3 choose · s skip · ← back · → next · g guidelines · ? keys · q quit
    """
  static let wide60x16 = """
     Tally · demo · task t2                              1 of 3
     lang: ja
     東京のホテルは駅から近くて便利でした。部屋は狭いけれど清潔
     です。Café crème à côté 😀 👍🏽 done.





    ────────────────────────────────────────────────────────────
     Sentiment?
      1  ( ) Positive
      2  ( ) Negative
      3  ( ) Neutral
     0/3 done (0%) · –/h · ana
     1-3 choose · s skip · g guidelines · ? keys · q quit
    """
  static let controls60x16 = """
     Tally · demo · task t3                              1 of 3
     lang: x␛[31m
     Bell␇ and ␛[2J clear, ␛]0;title␇ OSC, C1 �31m, bidi
     �evil�.
     Next line
         Tabbed



    ────────────────────────────────────────────────────────────
     Sentiment?
      1  ( ) Positive
      2  ( ) Negative
      3  ( ) Neutral
     0/3 done (0%) · –/h · ana
     1-3 choose · s skip · g guidelines · ? keys · q quit
    """
  static let resized64x18 = """
     Tally · demo · task t1                                  1 of 3
     lang: en
     word word word word word word word word word word word word
     word word word word word word word word word word word word
     word word word word word word






    ────────────────────────────────────────────────────────────────
     Sentiment?
      1  ( ) Positive
      2  ( ) Negative
      3  ( ) Neutral
     0/3 done (0%) · –/h · ana
     1-3 choose · s skip · ← back · g guidelines · ? keys · q quit
    """
  static let tiny40x10 = """



              Enlarge the terminal
             needs 60×16, now 40×10
                    q quits




    """
  static let sidePane130x20 = """
     Tally · demo · task t1                                                                                                    1 of 3
     lang: en                                                                    │ Guidelines (sha256:v1)
     The soup was wonderful.                                                     │ Sentiment guide
                                                                                 │
                                                                                 │ Pick Positive when the writer is pleased.
                                                                                 │
                                                                                 │ • sarcasm is negative
                                                                                 │ • mixed feelings: Mixed
                                                                                 │
                                                                                 │
                                                                                 │
                                                                                 │
                                                                                 │
    ─────────────────────────────────────────────────────────────────────────────│
     Sentiment?                                                                  │
      1  ( ) Positive                                                            │
      2  ( ) Negative                                                            │
      3  ( ) Neutral                                                             │
     0/3 done (0%) · –/h · ana
     1-3 choose · s skip · ← back · → next · g guidelines · d descriptions · ? keys · q quit
    """
  static let fullGuidelines80x16 = """
     Tally · demo · task t1                                                  1 of 3
     Guidelines (sha256:v1)
     Guide

     Read all of it.









     0/3 done (0%) · –/h · ana
     ↑↓ PgUp/PgDn scroll · / search · n N next/prev · g close · ? keys · q quit
    """
  static let taxonomy70x18 = """
     Tally · demo · task t1                                        1 of 3
     lang: en
     The soup was wonderful.








    ──────────────────────────────────────────────────────────────────────
     Topic?
       Billing ›   Backspace: up
      1  ( ) Refunds ›
      2  ( ) Invoices
     0/3 done (0%) · –/h · ana
     1-2 choose · ⌫ up · s skip · ← back · g guidelines · ? keys · q quit
    """
  static let described70x18 = """
     Tally · demo · task t1                                        1 of 3
     lang: en
     The soup was wonderful.






    ──────────────────────────────────────────────────────────────────────
     Sentiment?
      1  ( ) Positive
             The writer is pleased.
      2  ( ) Negative
             The writer is unhappy.
      3  ( ) Neutral
     0/3 done (0%) · –/h · ana
     1-3 choose · s skip · ← back · g guidelines · ? keys · q quit
    """
  static let help80x24 = """
     Tally · demo · task t1                                                  1 of 3
     l┌─ Keys — any key closes ──────────────────────────────────────────────────┐
     T│ 1-9, letters     choose: single submits, multi toggles, taxonomy: down   │
      │ Enter            submit / accept the preselected answer                  │
      │ s                skip the task (asks for an optional reason)             │
      │ ← u </→ >        back / forward a task                                   │
      │ Backspace        taxonomy: up one level                                  │
      │ Tab/Shift-Tab    next / previous question                                │
      │ i                free text: start typing (Tab too)                       │
      │ d                show or hide option descriptions                        │
      │ r                at the end: revisit skipped tasks                       │
      │ ↓ j/↑ k          scroll down / up a line                                 │
      │ PgDn Space/PgUp  scroll down / up a page                                 │
      │ Home/End         to the start / end of the task text                     │
      │ J/K              scroll the options down / up, when they do not fit      │
      │ g                open or close the guidelines                            │
      │ /                search the guidelines (or the task text, if none)       │
    ──│ n/N              next / previous search match                            │──
     S│ Esc              close the pane or dialog                                │
      │ ?                this list of keys                                       │
      │ q Ctrl-C         quit (every submitted label is already saved)           │
      └──────────────────────────────────────────────────────────────────────────┘
     0/3 done (0%) · –/h · ana
     1-3 choose · s skip · ← back · → next · g guidelines · ? keys · q quit
    """
  static let multi70x16 = """
     Tally · demo · task t1                                        1 of 3
     lang: en
     The soup was wonderful.






    ──────────────────────────────────────────────────────────────────────
     Tags?  (toggle, then Enter)
      1  [x] food
      2  [ ] service
      3  [x] price
     0/3 done (0%) · –/h · ana
     1-3 choose · Enter submit · s skip · g guidelines · ? keys · q quit
    """
  static let end70x16 = """
     Tally · demo                                            end of queue


      ✓ End of the queue

      2 of 3 tasks handled: 1 answered, 1 skipped.
      1 task was passed over with → and not answered yet.
      Every label is saved in the project folder demo.

      Enter  go to the first task not answered yet
      r  revisit the skipped tasks
      ←  go back through your answers
      q  quit

     2/3 done (66%) · 1 skipped · –/h · ana
     Enter open tasks · ← back · r revisit skipped · g guidelines · ? keys
    """
}
