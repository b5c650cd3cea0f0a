import CNcursesw
import TallyCore
import TallyText
import TallyUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Why the terminal could not be started.
public struct TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What went wrong, in words for the user.
  public let message: String

  /// Makes an error with a message for the user.
  public init(_ message: String) { self.message = message }

  /// The message.
  public var description: String { message }
}

/// The only door to ncurses: draws a `Screen` and returns `Key`s. Not thread-safe: use it from one thread.
///
/// Only one `Terminal` may be live at a time (ncurses 6.4 cannot keep two screens apart on resize): until
/// `restore()`, the real initializer throws and the testing one waits. After `restore()` every call is a
/// no-op that returns nothing.
public final class Terminal {
  /// How long the rest of Alt+x (Esc, then x) may take to arrive.
  static let altFollowUpMilliseconds: Int32 = 25
  /// The escape delay handed to ncurses for keypad sequences.
  static let escapeDelayMilliseconds: Int32 = 25

  private struct RawInput {
    var code: UInt32
    var isKeyCode: Bool
  }

  private struct Frame {
    var screen: Screen
    var windowWidth: Int
    var windowHeight: Int
  }

  private let screenHandle: OpaquePointer
  private let window: UnsafeMutablePointer<WINDOW>
  private let inputDescriptor: Int32
  private let inputWasTerminal: Bool
  private let ownsRealTerminal: Bool
  private var openFiles: [UnsafeMutablePointer<FILE>]
  private let replacement: Unicode.Scalar
  private let maxCharsPerCell: Int
  private var colorsEnabled = false
  private var defaultForeground: Int16 = -1
  private var defaultBackground: Int16 = -1
  private var pairs: [Int: Int16] = [:]
  private var nextPair = 1
  private var pairLimit = 0
  private var previous: Frame?
  private var pending: [RawInput] = []
  private var restored = false

  /// True once the input is gone (end of file, hung-up terminal); the runner should then exit.
  public private(set) var inputClosed = false

  /// Starts curses on the real terminal (stdin and stdout), after installing `TerminalSafety`.
  ///
  /// - Parameter colors: use colours if the terminal has them; pass `Terminal.colorsWanted(environment:)`.
  /// - Throws: `TerminalError` when stdin or stdout is not a terminal, ncurses cannot drive `TERM`, or
  ///   another `Terminal` has not been restored yet.
  public convenience init(colors: Bool) throws {
    try Self.claimScreen(waitingUpTo: 0)
    var started = false
    defer { if !started { tally_terminal_unclaim() } }
    Self.configureLocale()
    let term = TerminalSafety.environmentValue("TERM") ?? ""
    let termLabel = term.isEmpty ? "TERM is not set" : "TERM=\(term)"
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
      throw TerminalError(
        "not a terminal (\(termLabel)): Tally needs an interactive terminal on stdin and stdout")
    }
    TerminalSafety.install()
    guard let handle = newterm(nil, tally_stdout(), tally_stdin()) else {
      throw TerminalError("not a terminal (\(termLabel)): ncurses cannot drive this terminal type")
    }
    guard let window = tally_stdscr(), tally_can_address_cursor() == 1 else {
      endwin()
      delscreen(handle)
      throw TerminalError(
        "this terminal cannot move the cursor (\(termLabel)); Tally needs a full-screen terminal")
    }
    TerminalSafety.cursesDidStart()
    if isatty(STDERR_FILENO) == 1 { TerminalSafety.captureStderr() }
    self.init(handle: handle, window: window, input: STDIN_FILENO, real: true, files: [])
    started = true
    if colors { startColors() }
  }

  /// Starts curses on /dev/null as an `xterm-256color` of the given size, for adapter tests.
  ///
  /// No signal handlers, no stderr capture, no colours; `readKey` reports end of input at once.
  /// Tests in other suites run in parallel in the same process, so this waits for another `Terminal`
  /// to be restored, up to `waitMilliseconds`.
  /// - Throws: `TerminalError` if /dev/null cannot be opened, the terminfo entry is missing, or another
  ///   `Terminal` was not restored in time.
  public convenience init(testingWidth width: Int, height: Int, waitMilliseconds: Int32 = 10_000) throws {
    try Self.claimScreen(waitingUpTo: waitMilliseconds)
    var started = false
    defer { if !started { tally_terminal_unclaim() } }
    Self.configureLocale()
    guard let output = fopen("/dev/null", "w") else { throw TerminalError("cannot open /dev/null for writing") }
    guard let input = fopen("/dev/null", "r") else {
      fclose(output)
      throw TerminalError("cannot open /dev/null for reading")
    }
    guard let handle = newterm("xterm-256color", output, input) else {
      fclose(output)
      fclose(input)
      throw TerminalError("ncurses cannot start an xterm-256color on /dev/null (terminfo missing?)")
    }
    guard let window = tally_stdscr() else {
      endwin()
      delscreen(handle)
      fclose(output)
      fclose(input)
      throw TerminalError("ncurses gave no screen")
    }
    self.init(handle: handle, window: window, input: fileno(input), real: false, files: [output, input])
    started = true
    resize(testingWidth: width, height: height)
  }

  private init(
    handle: OpaquePointer, window: UnsafeMutablePointer<WINDOW>, input: Int32, real: Bool,
    files: [UnsafeMutablePointer<FILE>]
  ) {
    self.screenHandle = handle
    self.window = window
    self.inputDescriptor = input
    self.inputWasTerminal = isatty(input) == 1
    self.ownsRealTerminal = real
    self.openFiles = files
    self.replacement = tally_wcwidth(0xFFFD) == 1 ? "\u{FFFD}" : "?"
    self.maxCharsPerCell = max(1, min(Int(tally_ccharw_max()), 5))
    raw()
    noecho()
    nonl()
    keypad(window, true)
    meta(window, true)
    leaveok(window, true)
    set_escdelay(Self.escapeDelayMilliseconds)
    curs_set(0)
  }

  deinit {
    restore()
  }

  /// Whether colours should be used: `NO_COLOR` set to any non-empty value turns them off (no-color.org).
  public static func colorsWanted(environment: [String: String]) -> Bool {
    guard let value = environment["NO_COLOR"] else { return true }
    return value.isEmpty
  }

  /// The terminal's size in cells; (0, 0) after `restore()`.
  public var size: (width: Int, height: Int) {
    guard activate() else { return (0, 0) }
    return (Int(getmaxx(window)), Int(getmaxy(window)))
  }

  // MARK: - Keys

  /// Waits up to `timeoutMilliseconds` (negative: forever) for a key; nil on timeout or closed input.
  ///
  /// Retries only when interrupted by a signal. When the input is gone it returns nil and sets
  /// `inputClosed`; it never returns early on an error, so a loop around it cannot spin.
  public func readKey(timeoutMilliseconds: Int32) -> Key? {
    guard activate() else { return nil }
    let input: RawInput
    if !pending.isEmpty {
      input = pending.removeFirst()
    } else {
      if inputClosed {
        Self.pause(milliseconds: timeoutMilliseconds < 0 ? 100 : min(timeoutMilliseconds, 100))
        return nil
      }
      guard let next = readRaw(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
      input = next
    }
    guard !input.isKeyCode, input.code == 27 else {
      return Self.decode(code: input.code, isKeyCode: input.isKeyCode)
    }
    // Alt+x arrives as Esc then x, back to back; a lone Esc has nothing right behind it.
    guard let follower = inputRightBehind() else { return .escape }
    // A CSI (Esc [) or SS3 (Esc O) sequence the terminfo entry does not know (a TERM that does not match
    // the terminal): read it whole and decode the common ones, so it never arrives as typed characters.
    if !follower.isKeyCode, follower.code == 91 || follower.code == 79 {
      var body: [UInt32] = []
      while body.count < 16 {
        guard let next = inputRightBehind() else { break }
        if next.isKeyCode {
          pending.insert(next, at: 0)
          break
        }
        body.append(next.code)
        if (0x40...0x7E).contains(next.code) { break }
      }
      if body.isEmpty { return .alt(follower.code == 91 ? "[" : "O") }
      return Self.decodeSequence(introducer: follower.code, body: body) ?? .unknown(27)
    }
    if let alt = Self.decodeAlt(followedBy: follower.code, isKeyCode: follower.isKeyCode) { return alt }
    pending.insert(follower, at: 0)
    return .escape
  }

  /// The input that follows at once (within the Alt follow-up delay), if any: what an escape sequence is
  /// made of, as opposed to a key the person pressed later.
  private func inputRightBehind() -> RawInput? {
    if !pending.isEmpty { return pending.removeFirst() }
    if inputClosed { return nil }
    return readRaw(timeoutMilliseconds: Self.altFollowUpMilliseconds)
  }

  /// Decodes one `wget_wch` result: `isKeyCode` when it returned `KEY_CODE_YES`, else a character code.
  ///
  /// Esc (27) decodes to `.escape`; telling Alt+x from Esc needs timing and is `readKey`'s job.
  public static func decode(code: UInt32, isKeyCode: Bool) -> Key {
    if isKeyCode { return decodeKeyCode(Int32(truncatingIfNeeded: code)) }
    switch code {
    case 13, 10: return .enter
    case 9: return .tab
    case 127, 8: return .backspace
    case 27: return .escape
    case 0: return .ctrl("@")
    case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(96 + code))))
    case 28...31: return .ctrl(Character(Unicode.Scalar(UInt8(64 + code))))
    case 0x80...0x9F: return .unknown(Int32(code))
    default:
      guard let scalar = Unicode.Scalar(code) else { return .unknown(Int32(truncatingIfNeeded: code)) }
      return .char(Character(scalar))
    }
  }

  /// Decodes the rest of an `Esc [` (introducer 91) or `Esc O` (79) sequence: arrows, Home/End, PgUp/PgDn,
  /// Delete, Shift-Tab, F1–F12; Ctrl-←/→ become word moves (Alt-b / Alt-f). Nil for anything else.
  public static func decodeSequence(introducer: UInt32, body: [UInt32]) -> Key? {
    guard let last = body.last, let final = Unicode.Scalar(last) else { return nil }
    let params = String(String.UnicodeScalarView(body.dropLast().compactMap(Unicode.Scalar.init)))
    let numbers = params.split(separator: ";").map { Int($0) ?? 0 }
    let modifier = numbers.count > 1 ? numbers[1] : 1
    switch final {
    case "A": return .up
    case "B": return .down
    case "C": return modifier == 5 ? .alt("f") : .right
    case "D": return modifier == 5 ? .alt("b") : .left
    case "H": return .home
    case "F": return .end
    case "Z": return .backTab
    case "P", "Q", "R", "S":
      return .function(Int(final.value) - 79)
    case "~":
      switch numbers.first ?? 0 {
      case 1, 7: return .home
      case 4, 8: return .end
      case 3: return .delete
      case 5: return .pageUp
      case 6: return .pageDown
      case 11...15: return .function((numbers.first ?? 0) - 10)
      case 17...21: return .function((numbers.first ?? 0) - 11)
      case 23, 24: return .function((numbers.first ?? 0) - 12)
      default: return nil
      }
    default: return nil
    }
  }

  /// The key for Esc followed at once by this input: `.alt(c)` for a printable character, else nil.
  public static func decodeAlt(followedBy code: UInt32, isKeyCode: Bool) -> Key? {
    guard !isKeyCode, case .char(let character) = decode(code: code, isKeyCode: false) else { return nil }
    return .alt(character)
  }

  private static func decodeKeyCode(_ code: Int32) -> Key {
    switch code {
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_BACKSPACE: return .backspace
    case KEY_DC: return .delete
    case KEY_BTAB: return .backTab
    case KEY_ENTER: return .enter
    case KEY_RESIZE: return .resize
    case KEY_F0...(KEY_F0 + 63): return .function(Int(code - KEY_F0))
    default: return .unknown(code)
    }
  }

  /// One `wget_wch`, retried only on EINTR. On ERR, checks whether the input is gone.
  private func readRaw(timeoutMilliseconds timeout: Int32) -> RawInput? {
    let start = Self.now()
    var wait = timeout
    var interruptions = 0
    while true {
      wtimeout(window, wait)
      var code: wint_t = 0
      errno = 0
      let result = wget_wch(window, &code)
      if result == OK { return RawInput(code: code, isKeyCode: false) }
      if result == KEY_CODE_YES { return RawInput(code: code, isKeyCode: true) }
      guard errno == EINTR, interruptions < 1000 else { break }
      interruptions += 1
      if timeout >= 0 { wait = max(0, timeout - Self.milliseconds(since: start)) }
    }
    switch checkInput() {
    case .key(let input):
      return input
    case .gone:
      inputClosed = true
      return nil
    case .idle:
      // ERR came back before the timeout without the input being gone: wait out the rest anyway, so a
      // caller's loop cannot spin at full speed.
      let elapsed = Self.milliseconds(since: start)
      if timeout < 0 {
        Self.pause(milliseconds: 10)
      } else if elapsed < timeout {
        Self.pause(milliseconds: timeout - elapsed)
      }
      return nil
    }
  }

  private enum InputCheck {
    case idle
    case gone
    case key(RawInput)
  }

  /// After ERR: is the input gone (end of file, hang-up), or did a key slip in just now?
  private func checkInput() -> InputCheck {
    if inputWasTerminal && isatty(inputDescriptor) != 1 { return .gone }
    switch tally_poll_input(inputDescriptor) {
    case 2:
      return .gone
    case 1:
      // Readable, yet ncurses returned no key: end of file, or a key that arrived after the timeout.
      wtimeout(window, 0)
      var code: wint_t = 0
      let result = wget_wch(window, &code)
      if result == OK { return .key(RawInput(code: code, isKeyCode: false)) }
      if result == KEY_CODE_YES { return .key(RawInput(code: code, isKeyCode: true)) }
      return tally_poll_input(inputDescriptor) == 0 ? .idle : .gone
    default:
      return .idle
    }
  }

  // MARK: - Drawing

  /// Draws a screen, sending only the cells that changed since the last frame of the same size.
  ///
  /// Cells outside the terminal are clipped; a wide cell that would be cut by the right edge is drawn
  /// as a blank. A character whose width under the C library disagrees with its cell is drawn as a
  /// replacement mark, so the grid never shifts.
  public func draw(_ screen: Screen) {
    guard activate() else { return }
    let windowWidth = Int(getmaxx(window))
    let windowHeight = Int(getmaxy(window))
    let width = max(0, min(screen.width, windowWidth))
    let height = max(0, min(screen.height, windowHeight))
    let cells = screen.cells
    if let old = previous, old.screen.width == screen.width, old.screen.height == screen.height,
      old.windowWidth == windowWidth, old.windowHeight == windowHeight
    {
      let oldCells = old.screen.cells
      for y in 0..<height where width > 0 {
        let row = y * screen.width
        // A cell is redrawn when it or a neighbour changed: that covers wide leads whose continuation
        // changed and cells that were half of a wide glyph last time.
        var changedBefore = false
        var changedHere = cells[row] != oldCells[row]
        for x in 0..<width {
          let changedAfter = x + 1 < width && cells[row + x + 1] != oldCells[row + x + 1]
          if changedBefore || changedHere || changedAfter {
            drawCell(cells, row: row, x: x, y: y, width: width)
          }
          changedBefore = changedHere
          changedHere = changedAfter
        }
      }
    } else {
      werase(window)
      for y in 0..<height {
        let row = y * screen.width
        for x in 0..<width { drawCell(cells, row: row, x: x, y: y, width: width) }
      }
    }
    previous = Frame(screen: screen, windowWidth: windowWidth, windowHeight: windowHeight)
    wnoutrefresh(window)
    doupdate()
  }

  /// Forgets the last frame, so the next `draw` repaints everything (after a resize, or to repair the screen).
  public func invalidate() {
    previous = nil
    guard activate() else { return }
    clearok(window, true)
  }

  private func drawCell(_ cells: [ScreenCell], row: Int, x: Int, y: Int, width: Int) {
    let cell = cells[row + x]
    if cell.isContinuation {
      // Drawn with its lead; an orphan continuation becomes a blank.
      if x > 0 && cells[row + x - 1].width == 2 { return }
      putGlyph(" ", style: cell.style, x: x, y: y, columns: 1)
    } else if cell.width == 2 {
      let whole = x + 1 < width && cells[row + x + 1].isContinuation
      putGlyph(whole ? cell.text : " ", style: cell.style, x: x, y: y, columns: whole ? 2 : 1)
    } else {
      putGlyph(cell.text, style: cell.style, x: x, y: y, columns: 1)
    }
  }

  /// Draws one glyph of `columns` cells: a base scalar of that width plus its zero-width scalars.
  private func putGlyph(_ text: String, style: Style, x: Int, y: Int, columns: Int) {
    let attributes = Self.attributes(for: style)
    let pair = pair(for: style)
    let maxChars = maxCharsPerCell
    let fallback = replacement
    withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: 8) { buffer in
      guard let chars = buffer.baseAddress else { return }
      var scalars = text.unicodeScalars.makeIterator()
      let first = scalars.next() ?? " "
      if Self.width(of: first) == columns {
        chars[0] = wchar_t(bitPattern: first.value)
        var count = 1
        while count < maxChars, let scalar = scalars.next() {
          if Self.width(of: scalar) == 0 {
            chars[count] = wchar_t(bitPattern: scalar.value)
            count += 1
          }
        }
        chars[count] = 0
        // ERR is expected for the bottom-right cell (the cursor cannot move on); it is drawn anyway.
        let result = tally_put_cell_checked(window, Int32(y), Int32(x), chars, attributes, pair)
        if result != tally_bad_cell { return }
      }
      chars[0] = wchar_t(bitPattern: fallback.value)
      chars[1] = 0
      _ = tally_put_cell_checked(window, Int32(y), Int32(x), chars, attributes, pair)
      if columns == 2 {
        chars[0] = 0x20
        _ = tally_put_cell_checked(window, Int32(y), Int32(x + 1), chars, attributes, pair)
      }
    }
  }

  /// Columns ncurses will give a scalar (from the C library); -1 for controls and unprintables.
  private static func width(of scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if value >= 0x20 && value < 0x7F { return 1 }
    if value < 0x20 || (value >= 0x7F && value < 0xA0) { return -1 }
    return Int(tally_wcwidth(Int32(bitPattern: value)))
  }

  private static func attributes(for style: Style) -> attr_t {
    var attributes = tally_A_NORMAL
    if style.bold { attributes |= tally_A_BOLD }
    if style.dim { attributes |= tally_A_DIM }
    if style.italic { attributes |= tally_A_ITALIC }
    if style.underline { attributes |= tally_A_UNDERLINE }
    if style.reverse { attributes |= tally_A_REVERSE }
    return attributes
  }

  // MARK: - Colour

  private func startColors() {
    guard activate(), has_colors(), start_color() == OK else { return }
    if use_default_colors() == OK {
      defaultForeground = -1
      defaultBackground = -1
    } else {
      defaultForeground = Int16(COLOR_WHITE)
      defaultBackground = Int16(COLOR_BLACK)
    }
    guard tally_colors() >= 8 else { return }
    pairLimit = Int(tally_color_pairs())
    colorsEnabled = pairLimit > 1
  }

  /// The colour pair for a style's colours, made on first use; 0 (default colours) when out of pairs.
  private func pair(for style: Style) -> Int16 {
    guard colorsEnabled, style.foreground != nil || style.background != nil else { return 0 }
    let foreground = style.foreground.map(Self.cursesColor) ?? defaultForeground
    let background = style.background.map(Self.cursesColor) ?? defaultBackground
    let key = (Int(foreground) + 1) * 16 + Int(background) + 1
    if let pair = pairs[key] { return pair }
    var pair: Int16 = 0
    if nextPair < pairLimit, nextPair <= Int(Int16.max),
      init_pair(Int16(nextPair), foreground, background) == OK
    {
      pair = Int16(nextPair)
      nextPair += 1
    }
    pairs[key] = pair
    return pair
  }

  private static func cursesColor(_ color: TallyText.Color) -> Int16 {
    switch color {
    case .black: return Int16(COLOR_BLACK)
    case .red: return Int16(COLOR_RED)
    case .green: return Int16(COLOR_GREEN)
    case .yellow: return Int16(COLOR_YELLOW)
    case .blue: return Int16(COLOR_BLUE)
    case .magenta: return Int16(COLOR_MAGENTA)
    case .cyan: return Int16(COLOR_CYAN)
    case .white: return Int16(COLOR_WHITE)
    }
  }

  // MARK: - Lifetime and tests

  /// Leaves curses (`endwin`), frees the screen and, for the real terminal, replays captured stderr.
  /// Idempotent; also run on deinit.
  public func restore() {
    guard !restored else { return }
    restored = true
    set_term(screenHandle)
    endwin()
    // Clear the flag only after endwin (a signal during endwin still cleans up) and before the screen
    // is freed (a signal after that must not call endwin on freed memory).
    if ownsRealTerminal { TerminalSafety.cursesDidEnd() }
    delscreen(screenHandle)
    for file in openFiles { fclose(file) }
    openFiles = []
    tally_terminal_unclaim()
    if ownsRealTerminal { TerminalSafety.releaseStderr() }
  }

  /// Resizes ncurses' idea of the terminal (as it does itself on SIGWINCH), for adapter tests.
  public func resize(testingWidth width: Int, height: Int) {
    guard activate() else { return }
    let clamp = { (value: Int) in Int32(clamping: max(1, value)) }
    resize_term(clamp(height), clamp(width))
  }

  /// What ncurses holds at (x, y), for tests: the text (base plus zero-width scalars) and two attributes.
  /// Both halves of a wide character read back as that character.
  public func cell(x: Int, y: Int) -> (text: String, bold: Bool, reverse: Bool)? {
    let (width, height) = size
    guard x >= 0, y >= 0, x < width, y < height else { return nil }
    var attributes: attr_t = 0
    return withUnsafeTemporaryAllocation(of: wchar_t.self, capacity: 8) { buffer in
      guard let chars = buffer.baseAddress,
        tally_get_cell(window, Int32(y), Int32(x), chars, 8, &attributes) == OK
      else { return nil }
      var text = ""
      for index in 0..<8 {
        let value = chars[index]
        if value == 0 { break }
        if let scalar = Unicode.Scalar(UInt32(bitPattern: value)) { text.unicodeScalars.append(scalar) }
      }
      return (text, attributes & tally_A_BOLD != 0, attributes & tally_A_REVERSE != 0)
    }
  }

  // MARK: - Helpers

  /// Takes the one ncurses screen, waiting up to `milliseconds` for another `Terminal` to give it back.
  private static func claimScreen(waitingUpTo milliseconds: Int32) throws {
    var waited: Int32 = 0
    while tally_terminal_claim() != 1 {
      guard waited < milliseconds else {
        throw TerminalError(
          "another Terminal is still active; call restore() on it first (one ncurses screen at a time)")
      }
      pause(milliseconds: 5)
      waited += 5
    }
  }

  /// Makes this terminal's screen current; false after `restore()`.
  private func activate() -> Bool {
    guard !restored else { return false }
    set_term(screenHandle)
    return true
  }

  /// Sets the locale from the environment, falling back to a UTF-8 `LC_CTYPE` if it is not UTF-8:
  /// without one, ncurses drops non-ASCII output and stalls on non-ASCII input.
  static func configureLocale() {
    _ = setlocale(LC_ALL, "")
    if isUTF8Locale() { return }
    for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
      if isUTF8Locale() { return }
    }
  }

  private static func isUTF8Locale() -> Bool {
    guard let codeset = tally_codeset() else { return false }
    let name = String(cString: codeset).uppercased().filter { $0 != "-" && $0 != "_" }
    return name == "UTF8"
  }

  private static func now() -> timespec {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return time
  }

  private static func milliseconds(since start: timespec) -> Int32 {
    let end = now()
    let elapsed = (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1_000_000
    return Int32(clamping: max(0, elapsed))
  }

  private static func pause(milliseconds: Int32) {
    guard milliseconds > 0 else { return }
    var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
  }
}
