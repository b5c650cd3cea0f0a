import CNcursesw
import TallyCore
import TallyJSON
import TallyTerminal
import TallyText
import TallyUI
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// MARK: - Helpers

/// What the terminal reports for one cell.
private struct Reading: Equatable, CustomStringConvertible {
  var text: String
  var bold = false
  var reverse = false

  var description: String {
    let marks = (bold ? "*" : "") + (reverse ? "~" : "")
    let shown = text.unicodeScalars.map { $0.value < 0x80 ? String($0) : "U+" + String($0.value, radix: 16) }
    return "\(shown.joined(separator: "+"))\(marks)"
  }
}

/// Columns of the characters used in these tests (ASCII, CJK, Hangul, fullwidth forms).
private func testWidth(_ character: Character) -> Int {
  guard let value = character.unicodeScalars.first?.value else { return 1 }
  switch value {
  case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFF00...0xFF60: return 2
  default: return 1
  }
}

/// Puts text on a screen one character per cell, through `Screen.put` (so wide pairs stay whole).
private func place(_ screen: inout Screen, _ text: String, x: Int, y: Int, style: Style = .plain) {
  var column = x
  for character in text {
    let cell = TextCell(text: String(character), width: testWidth(character), sourceOffset: 0, sourceLength: 1)
    column = screen.put(cell, x: column, y: y, style: style)
  }
}

/// Row y as the terminal should show it: both halves of a wide glyph read back as that glyph; a
/// continuation without its lead, or a lead without its continuation, shows as a blank in its own style.
private func expectedRow(_ screen: Screen, _ y: Int) -> [Reading] {
  (0..<screen.width).map { x in
    let cell = screen[x, y]
    var shown = cell
    if cell.isContinuation {
      let hasLead = x > 0 && screen[x - 1, y].width == 2
      shown = hasLead ? screen[x - 1, y] : ScreenCell(text: " ", style: cell.style)
    } else if cell.width == 2 && !(x + 1 < screen.width && screen[x + 1, y].isContinuation) {
      shown = ScreenCell(text: " ", style: cell.style)
    }
    return Reading(text: shown.text.isEmpty ? " " : shown.text, bold: shown.style.bold, reverse: shown.style.reverse)
  }
}

/// Row y as the terminal holds it, `width` cells from the left.
private func actualRow(_ terminal: Terminal, _ y: Int, width: Int) -> [Reading] {
  (0..<width).map { x in
    guard let cell = terminal.cell(x: x, y: y) else { return Reading(text: "<none>") }
    return Reading(text: cell.text, bold: cell.bold, reverse: cell.reverse)
  }
}

/// Checks every cell of the terminal against the screen that was drawn.
private func expectShows(
  _ terminal: Terminal, _ screen: Screen, _ note: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
  for y in 0..<screen.height {
    let expected = expectedRow(screen, y)
    let actual = actualRow(terminal, y, width: screen.width)
    #expect(actual == expected, "row \(y) \(note)", sourceLocation: sourceLocation)
  }
}

/// The first test frame: ASCII, a CJK word, a combining sequence, bold and reverse, bottom-right cell.
private func firstFrame() -> Screen {
  var screen = Screen(width: 20, height: 5)
  place(&screen, "Hello", x: 0, y: 0)
  place(&screen, "日本語", x: 6, y: 0, style: .bold)
  place(&screen, "e\u{301}", x: 13, y: 0, style: .reverse)
  place(&screen, "status", x: 0, y: 4, style: Style(bold: true, reverse: true))
  place(&screen, "Z", x: 19, y: 4)
  return screen
}

/// A small deterministic generator for the random-frame test.
private struct SplitMix {
  var state: UInt64

  mutating func next(_ bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int((z ^ (z >> 31)) % UInt64(bound))
  }
}

// MARK: - The adapter against a real ncurses screen

@Suite("Terminal adapter", .serialized)
struct TerminalAdapterTests {
  @Test func drawsASCIIWideCombiningAndStyles() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    defer { terminal.restore() }
    #expect(terminal.size == (width: 20, height: 5))
    let screen = firstFrame()
    terminal.draw(screen)

    #expect(
      actualRow(terminal, 0, width: 16) == [
        Reading(text: "H"), Reading(text: "e"), Reading(text: "l"), Reading(text: "l"), Reading(text: "o"),
        Reading(text: " "),
        Reading(text: "日", bold: true), Reading(text: "日", bold: true),
        Reading(text: "本", bold: true), Reading(text: "本", bold: true),
        Reading(text: "語", bold: true), Reading(text: "語", bold: true),
        Reading(text: " "),
        Reading(text: "e\u{301}", reverse: true),
        Reading(text: " "), Reading(text: " "),
      ])
    #expect(terminal.cell(x: 0, y: 4)?.text == "s")
    #expect(terminal.cell(x: 0, y: 4)?.bold == true)
    #expect(terminal.cell(x: 0, y: 4)?.reverse == true)
    #expect(terminal.cell(x: 19, y: 4)?.text == "Z")
    #expect(terminal.cell(x: 20, y: 0) == nil)
    #expect(terminal.cell(x: 0, y: 5) == nil)
    expectShows(terminal, screen)
  }

  @Test func secondFrameUpdatesChangedCells() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    defer { terminal.restore() }
    terminal.draw(firstFrame())

    var second = firstFrame()
    place(&second, "p!", x: 3, y: 0)  // "Help!"
    place(&second, " 日本語", x: 6, y: 0, style: .bold)  // the wide word moves right by one column
    place(&second, "a", x: 14, y: 0)  // next to the combining cell
    place(&second, "STATUS", x: 0, y: 4, style: .plain)  // style off
    place(&second, "漢", x: 18, y: 4)  // wide glyph over the bottom-right cell
    terminal.draw(second)
    expectShows(terminal, second, "after the second frame")
    #expect(actualRow(terminal, 0, width: 8).map(\.text) == ["H", "e", "l", "p", "!", " ", " ", "日"])
    #expect(terminal.cell(x: 4, y: 4)?.bold == false)

    // Back to the wide word one column to the left: ncurses must not keep orphaned halves.
    var third = second
    place(&third, "日本語 ", x: 6, y: 0, style: .bold)
    place(&third, "ab", x: 18, y: 4)
    terminal.draw(third)
    expectShows(terminal, third, "after the third frame")
  }

  @Test func randomFramesStayInSync() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    defer { terminal.restore() }
    let pieces = ["a", "b", "日", "本", "한", "Ａ", "e\u{301}", "x", " "]
    let styles: [Style] = [.plain, .bold, .reverse, Style(bold: true, reverse: true)]
    var random = SplitMix(state: 42)
    var screen = Screen(width: 20, height: 5)
    for frame in 0..<60 {
      for _ in 0..<(1 + random.next(12)) {
        let piece = pieces[random.next(pieces.count)]
        let text = piece.count == 1 ? String(repeating: piece, count: 1 + random.next(3)) : piece
        place(&screen, text, x: random.next(20), y: random.next(5), style: styles[random.next(styles.count)])
      }
      terminal.draw(screen)
      expectShows(terminal, screen, "frame \(frame)")
    }
  }

  @Test func drawsAfterResize() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    defer { terminal.restore() }
    terminal.draw(firstFrame())

    terminal.resize(testingWidth: 12, height: 3)
    #expect(terminal.size == (width: 12, height: 3))
    terminal.invalidate()
    var small = Screen(width: 12, height: 3)
    place(&small, "resized", x: 0, y: 0, style: .reverse)
    place(&small, "中文", x: 8, y: 2, style: .bold)
    terminal.draw(small)
    expectShows(terminal, small, "after shrinking")

    // A screen larger than the terminal is clipped; a wide glyph cut by the edge becomes a blank.
    var large = Screen(width: 20, height: 5)
    place(&large, "0123456789A", x: 0, y: 0)
    place(&large, "中", x: 11, y: 0)
    place(&large, "below", x: 0, y: 4)
    terminal.draw(large)
    #expect(actualRow(terminal, 0, width: 12).map(\.text).joined() == "0123456789A ")

    terminal.resize(testingWidth: 20, height: 5)
    terminal.invalidate()
    terminal.draw(large)
    expectShows(terminal, large, "after growing")
  }

  @Test func invalidateRedrawsEverything() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    defer { terminal.restore() }
    let screen = firstFrame()
    terminal.draw(screen)
    terminal.invalidate()
    terminal.draw(screen)
    expectShows(terminal, screen)
  }

  @Test func keepsTheGridWhenCellsAreInconsistent() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    defer { terminal.restore() }
    var screen = Screen(width: 20, height: 5)
    screen[0, 0] = ScreenCell(text: "a")
    screen[1, 0] = .continuation  // orphan continuation: a blank
    screen[2, 0] = ScreenCell(text: "日", width: 2)  // lead without its continuation: a blank
    screen[3, 0] = ScreenCell(text: "b")
    screen[4, 0] = ScreenCell(text: "日", width: 1)  // wider than its cell: a replacement mark
    screen[5, 0] = ScreenCell(text: "\u{1}")  // a control character: a replacement mark
    screen[6, 0] = ScreenCell(text: "\u{301}")  // a lone combining mark: a replacement mark
    screen[7, 0] = ScreenCell(text: "")  // empty text: a blank
    screen[8, 0] = ScreenCell(text: "c", style: .bold)
    screen[9, 0] = ScreenCell(text: "x", width: 2)  // narrow text in a wide cell
    screen[10, 0] = .continuation
    screen[11, 0] = ScreenCell(text: "d")
    screen[19, 0] = ScreenCell(text: "日", width: 2)  // wide at the right edge: a blank
    terminal.draw(screen)
    let texts = actualRow(terminal, 0, width: 20).map(\.text)
    let mark = "\u{FFFD}"
    #expect(Array(texts[0..<12]) == ["a", " ", " ", "b", mark, mark, mark, " ", "c", mark, " ", "d"])
    #expect(texts[19] == " ")
    #expect(terminal.cell(x: 8, y: 0)?.bold == true)
  }

  @Test func endOfInputIsReportedWithoutSpinning() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    defer { terminal.restore() }
    #expect(terminal.inputClosed == false)
    #expect(terminal.readKey(timeoutMilliseconds: 50) == nil)
    #expect(terminal.inputClosed)
    #expect(terminal.readKey(timeoutMilliseconds: 0) == nil)
  }

  @Test func restoreIsIdempotentAndEndsEverything() throws {
    let terminal = try Terminal(testingWidth: 20, height: 5)
    terminal.draw(firstFrame())
    terminal.restore()
    terminal.restore()
    #expect(terminal.size == (width: 0, height: 0))
    #expect(terminal.cell(x: 0, y: 0) == nil)
    #expect(terminal.readKey(timeoutMilliseconds: 0) == nil)
    terminal.draw(firstFrame())
    terminal.invalidate()
  }

  @Test func oneTerminalAtATime() throws {
    let first = try Terminal(testingWidth: 20, height: 5)
    #expect(throws: TerminalError.self) { _ = try Terminal(testingWidth: 10, height: 2, waitMilliseconds: 20) }
    var screen = Screen(width: 20, height: 5)
    place(&screen, "still fine", x: 0, y: 0)
    first.draw(screen)
    expectShows(first, screen)
    first.restore()

    let second = try Terminal(testingWidth: 10, height: 2)
    defer { second.restore() }
    var small = Screen(width: 10, height: 2)
    place(&small, "second", x: 0, y: 1)
    second.draw(small)
    #expect(second.size == (width: 10, height: 2))
    expectShows(second, small)
  }
}

// MARK: - Key decoding (pure)

@Suite("Key decoding")
struct KeyDecodingTests {
  @Test func keyCodes() {
    let table: [(Int32, Key)] = [
      (KEY_UP, .up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
      (KEY_HOME, .home), (KEY_END, .end), (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown),
      (KEY_BACKSPACE, .backspace), (KEY_DC, .delete), (KEY_BTAB, .backTab), (KEY_ENTER, .enter),
      (KEY_RESIZE, .resize), (KEY_IC, .unknown(KEY_IC)), (KEY_MOUSE, .unknown(KEY_MOUSE)),
    ]
    for (code, key) in table {
      #expect(Terminal.decode(code: UInt32(code), isKeyCode: true) == key, "key code \(code)")
    }
  }

  @Test func functionKeys() {
    for n in 0...63 {
      #expect(Terminal.decode(code: UInt32(KEY_F0) + UInt32(n), isKeyCode: true) == .function(n))
    }
    let pastTheEnd = KEY_F0 + 64
    #expect(Terminal.decode(code: UInt32(pastTheEnd), isKeyCode: true) == .unknown(pastTheEnd))
  }

  @Test func controlCharacters() {
    #expect(Terminal.decode(code: 13, isKeyCode: false) == .enter)
    #expect(Terminal.decode(code: 10, isKeyCode: false) == .enter)
    #expect(Terminal.decode(code: 9, isKeyCode: false) == .tab)
    #expect(Terminal.decode(code: 127, isKeyCode: false) == .backspace)
    #expect(Terminal.decode(code: 8, isKeyCode: false) == .backspace)
    #expect(Terminal.decode(code: 27, isKeyCode: false) == .escape)
    #expect(Terminal.decode(code: 3, isKeyCode: false) == .ctrl("c"))
    #expect(Terminal.decode(code: 0, isKeyCode: false) == .ctrl("@"))
    #expect(Terminal.decode(code: 28, isKeyCode: false) == .ctrl("\\"))
    #expect(Terminal.decode(code: 31, isKeyCode: false) == .ctrl("_"))
    let special: Set<UInt32> = [8, 9, 10, 13]
    let letters = Array("abcdefghijklmnopqrstuvwxyz")
    for code in UInt32(1)...26 where !special.contains(code) {
      #expect(Terminal.decode(code: code, isKeyCode: false) == .ctrl(letters[Int(code) - 1]), "code \(code)")
    }
  }

  @Test func printableCharacters() {
    for text in ["a", "Z", " ", "~", "é", "日", "😀", "\u{301}"] {
      let scalar = text.unicodeScalars.first?.value ?? 0
      #expect(Terminal.decode(code: scalar, isKeyCode: false) == .char(Character(text)), "\(text)")
    }
  }

  @Test func unprintableCodes() {
    #expect(Terminal.decode(code: 0x85, isKeyCode: false) == .unknown(0x85))
    #expect(Terminal.decode(code: 0xD800, isKeyCode: false) == .unknown(0xD800))
    #expect(Terminal.decode(code: 0x11_0000, isKeyCode: false) == .unknown(0x11_0000))
  }

  @Test func altCombinations() {
    #expect(Terminal.decodeAlt(followedBy: UInt32(UInt8(ascii: "x")), isKeyCode: false) == .alt("x"))
    #expect(Terminal.decodeAlt(followedBy: UInt32(UInt8(ascii: "X")), isKeyCode: false) == .alt("X"))
    #expect(Terminal.decodeAlt(followedBy: 0x65E5, isKeyCode: false) == .alt("日"))
    #expect(Terminal.decodeAlt(followedBy: UInt32(KEY_UP), isKeyCode: true) == nil)
    #expect(Terminal.decodeAlt(followedBy: 13, isKeyCode: false) == nil)
    #expect(Terminal.decodeAlt(followedBy: 27, isKeyCode: false) == nil)
    #expect(Terminal.decodeAlt(followedBy: 3, isKeyCode: false) == nil)
  }

  @Test func escapeSequencesTerminfoDoesNotKnow() {
    func csi(_ text: String) -> Key? { Terminal.decodeSequence(introducer: 91, body: text.unicodeScalars.map(\.value)) }
    func ss3(_ text: String) -> Key? { Terminal.decodeSequence(introducer: 79, body: text.unicodeScalars.map(\.value)) }
    #expect(csi("4~") == .end)
    #expect(csi("1~") == .home)
    #expect(csi("3~") == .delete)
    #expect(csi("5~") == .pageUp)
    #expect(csi("6~") == .pageDown)
    #expect(csi("A") == .up)
    #expect(csi("1;5D") == .alt("b"))
    #expect(csi("1;5C") == .alt("f"))
    #expect(csi("Z") == .backTab)
    #expect(csi("15~") == .function(5))
    #expect(csi("24~") == .function(12))
    #expect(ss3("F") == .end)
    #expect(ss3("P") == .function(1))
    #expect(csi("200~") == nil)
    #expect(csi("") == nil)
  }

  @Test func colorsFollowNoColor() {
    #expect(Terminal.colorsWanted(environment: [:]))
    #expect(Terminal.colorsWanted(environment: ["NO_COLOR": ""]))
    #expect(Terminal.colorsWanted(environment: ["NO_COLOR": "1"]) == false)
    #expect(Terminal.colorsWanted(environment: ["NO_COLOR": "0"]) == false)
    #expect(Terminal.colorsWanted(environment: ["TERM": "xterm"]))
  }
}

// MARK: - Signal and stderr safety (in child processes)

/// Writes bytes to fd 2 directly (stderr the C global is not concurrency-safe).
private func writeToStderr(_ text: String) {
  var bytes = Array(text.utf8)
  _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

@Suite("Terminal safety")
struct TerminalSafetyTests {
  @Test func termSignalReplaysCapturedStderrAndKeepsTheSignal() async throws {
    let result = try await #require(
      processExitsWith: .signal(SIGTERM), observing: [\.standardErrorContent]
    ) {
      TerminalSafety.install()
      guard TerminalSafety.captureStderr() else { exit(90) }
      writeToStderr("written while captured\n")
      // Process-directed, as from `kill`: test bodies run on worker threads that block SIGTERM.
      kill(getpid(), SIGTERM)
      sleep(10)
      exit(91)
    }
    let stderrText = String(decoding: result.standardErrorContent, as: UTF8.self)
    #expect(stderrText.contains("written while captured"))
  }

  @Test func exitReplaysCapturedStderr() async throws {
    let result = try await #require(processExitsWith: .exitCode(3), observing: [\.standardErrorContent]) {
      TerminalSafety.install()
      guard TerminalSafety.captureStderr() else { exit(90) }
      writeToStderr("before exit\n")
      exit(3)
    }
    #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("before exit"))
  }

  @Test func releaseReplaysInOrder() async throws {
    let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
      writeToStderr("one\n")
      guard TerminalSafety.captureStderr(), TerminalSafety.isCapturingStderr else { exit(90) }
      guard !TerminalSafety.captureStderr() else { exit(91) }  // already captured
      writeToStderr("two\n")
      TerminalSafety.releaseStderr()
      TerminalSafety.releaseStderr()
      guard !TerminalSafety.isCapturingStderr else { exit(92) }
      writeToStderr("three\n")
      exit(0)
    }
    #expect(String(decoding: result.standardErrorContent, as: UTF8.self) == "one\ntwo\nthree\n")
  }

  @Test func ignoredHangupStaysIgnored() async {
    await #expect(processExitsWith: .success) {
      _ = signal(SIGHUP, SIG_IGN)
      TerminalSafety.install()
      kill(getpid(), SIGHUP)
      usleep(200_000)
      exit(0)
    }
  }

  @Test func crashReplaysTheFatalMessage() async throws {
    let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
      TerminalSafety.install()
      guard TerminalSafety.captureStderr() else { exit(90) }
      fatalError("tally test crash")
    }
    #expect(String(decoding: result.standardErrorContent, as: UTF8.self).contains("tally test crash"))
  }
}
