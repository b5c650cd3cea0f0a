/// One terminal cell's worth of text: a base scalar plus the zero-width scalars that ride on it.
public struct TextCell: Sendable, Equatable {
  /// What to draw: a printable base scalar followed by at most four zero-width scalars.
  public var glyph: Glyph
  /// Columns it takes: 1 or 2.
  public var width: Int
  /// Offset of the first source scalar this cell stands for, in Unicode code points.
  public var sourceOffset: Int
  /// How many source code points this cell stands for (a placeholder for a control stands for 1).
  public var sourceLength: Int

  public init(glyph: Glyph, width: Int, sourceOffset: Int, sourceLength: Int) {
    self.glyph = glyph
    self.width = width
    self.sourceOffset = sourceOffset
    self.sourceLength = sourceLength
  }

  public init(text: String, width: Int, sourceOffset: Int, sourceLength: Int) {
    self.init(glyph: Glyph(text), width: width, sourceOffset: sourceOffset, sourceLength: sourceLength)
  }

  /// What to draw, as a string.
  public var text: String {
    get { glyph.string }
    set { glyph = Glyph(newValue) }
  }
}

/// Display width of text, agreeing with glibc's `wcwidth` so that ncurses places cells where Tally does.
///
/// The tables in `DisplayWidthTable.swift` are generated from glibc under the C.UTF-8 locale. On top of
/// them: controls (C0, DEL, C1) are -1; scalars glibc calls unprintable (-1) that are not controls
/// (unassigned code points, noncharacters, U+2028/U+2029) count as 1, because `TextCells.split` draws
/// each of them as a U+FFFD placeholder rather than handing ncurses something it cannot place.
public enum DisplayWidth {
  /// Columns a scalar takes: 0 (combining, zero-width), 1 or 2; -1 for control characters.
  ///
  /// This is glibc's width, except that unprintable non-controls count 1 (see above). Note that bidi
  /// controls have glibc width 0 here, although `TextCells.split` draws each as a width-1 placeholder.
  public static func of(_ scalar: Unicode.Scalar) -> Int {
    let value = scalar.value
    if value &- 0x20 < 0x5F { return 1 }
    if isControl(value) { return -1 }
    let width = glibcWidth(value)
    return width < 0 ? 1 : width
  }

  /// Columns a whole string takes once split into cells (the sum of `TextCells.split` widths).
  public static func of(_ text: String) -> Int {
    let index = DisplayWidth.index
    var total = 0
    var hasBase = false
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value &- 0x20 < 0x5F {
        total += 1
        hasBase = true
        continue
      }
      switch CellClass(value, index: index) {
      case .base(let width):
        total += width
        hasBase = true
      case .control, .placeholder:
        total += 1
        hasBase = false
      case .zeroWidth:
        if !hasBase {
          total += 1
          hasBase = true
        }
      case .dropped:
        break
      }
    }
    return total
  }

  /// Exactly what glibc's `wcwidth` returns under C.UTF-8 (0 for NUL, -1 for other controls).
  static func glibcWidth(_ value: UInt32) -> Int { index.width(of: value) }

  /// C0 controls, DEL and C1 controls.
  static func isControl(_ value: UInt32) -> Bool {
    value < 0x20 || (value >= 0x7F && value <= 0x9F)
  }

  /// The generated tables merged into one partition of the code space.
  static let index = WidthIndex(
    zero: zeroWidthRanges, wide: doubleWidthRanges, nonPrintable: nonPrintableRanges)
}

/// The glibc width tables merged into one sorted partition of 0...0x10FFFF, searched with one binary search.
struct WidthIndex: Sendable {
  /// First scalar of each interval, ascending; `starts[0] == 0`.
  private let starts: [UInt32]
  /// Width of each interval: -1, 0, 1 or 2.
  private let widths: [Int8]

  /// Merges the three (disjoint, sorted) tables; gaps between them have width 1.
  init(
    zero: [ClosedRange<UInt32>], wide: [ClosedRange<UInt32>], nonPrintable: [ClosedRange<UInt32>]
  ) {
    let tagged =
      (zero.map { ($0, Int8(0)) } + wide.map { ($0, Int8(2)) } + nonPrintable.map { ($0, Int8(-1)) })
      .sorted { $0.0.lowerBound < $1.0.lowerBound }
    var starts: [UInt32] = []
    var widths: [Int8] = []
    var next: UInt32 = 0
    for (range, width) in tagged {
      if range.lowerBound > next {
        starts.append(next)
        widths.append(1)
      }
      starts.append(range.lowerBound)
      widths.append(width)
      next = range.upperBound + 1
    }
    starts.append(next)
    widths.append(1)
    self.starts = starts
    self.widths = widths
  }

  /// Width glibc gives `value`.
  func width(of value: UInt32) -> Int {
    var low = 0
    var high = starts.count
    // Invariant: starts[low] <= value, and value < starts[high] (or high == count).
    while high - low > 1 {
      let mid = (low + high) >> 1
      if starts[mid] <= value { low = mid } else { high = mid }
    }
    return Int(widths[low])
  }
}

/// How the splitter treats one non-ASCII-printable scalar.
enum CellClass: Equatable {
  /// Starts a cell of this width (1 or 2).
  case base(Int)
  /// Rides on the previous base, or on a ◌ if there is none.
  case zeroWidth
  /// C0, DEL or C1: becomes a control picture (or a line break / tab when wrapping).
  case control
  /// Bidi control or unprintable scalar: becomes a U+FFFD cell.
  case placeholder
  /// U+FEFF: not drawn, counted in the current cell's `sourceLength` if there is one.
  case dropped

  /// Classifies `value` with the merged glibc table.
  init(_ value: UInt32, index: WidthIndex) {
    if value < 0xA0 {
      if value < 0x20 || value >= 0x7F {
        self = .control
        return
      }
      self = .base(1)
      return
    }
    // U+FEFF, and the joiner (U+200D) and emoji selector (U+FE0F) that terminals disagree on: some draw
    // `👩‍💻` or `❤️` in 2 columns, glibc counts 4 and 1. Not sending them keeps every terminal's columns
    // where Tally counts them; they still count in the cell's `sourceLength`, so offsets stay exact.
    if value == 0xFEFF || value == 0x200D || value == 0xFE0F {
      self = .dropped
      return
    }
    if CellClass.isReordering(value) {
      self = .placeholder
      return
    }
    switch index.width(of: value) {
    case 0: self = .zeroWidth
    case 2: self = .base(2)
    case 1: self = .base(1)
    default: self = .placeholder
    }
  }

  /// Bidi embeddings, overrides, isolates and marks, which could make drawn text read in another order.
  static func isReordering(_ value: UInt32) -> Bool {
    value == 0x061C || value == 0x200E || value == 0x200F || (value >= 0x202A && value <= 0x202E)
      || (value >= 0x2066 && value <= 0x2069)
  }
}

/// Receives the cells of a scan, in order.
protocol CellSink {
  /// A finished cell; `isSpace` when it is a plain U+0020 with nothing riding on it.
  mutating func cell(_ cell: consuming TextCell, isSpace: Bool)
  /// A `\n` (length 1) or `\r\n` (length 2) at `offset`; only when the scan handles breaks.
  mutating func lineBreak(offset: Int, length: Int)
  /// A `\t` at `offset`; only when the scan handles breaks.
  mutating func tab(offset: Int)
}

/// Splits untrusted text into drawable cells. Control characters and escape sequences become visible
/// placeholders, so nothing from the data can reach the terminal as a command.
///
/// Rules, per Unicode scalar (offsets count code points, as Python's `str` does):
/// - A scalar of width 1 or 2 starts a cell; the zero-width scalars after it (combining marks, ZWJ,
///   variation selectors, U+200B, ...) ride on it, at most four; further ones are not drawn but are
///   still counted in `sourceLength`. A zero-width scalar with no base before it (start of text, or
///   after a placeholder) gets a U+25CC ◌ base of width 1.
/// - C0 controls become the control picture U+2400+code (ESC → ␛, `\n` → ␊, `\t` → ␉), DEL → ␡,
///   C1 → U+FFFD. Bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and scalars
///   glibc calls unprintable (unassigned, noncharacters, U+2028/U+2029) → U+FFFD. Each is one cell of
///   width 1 standing for one code point; nothing rides on it.
/// - U+FEFF, U+200D (ZWJ) and U+FE0F (emoji presentation) are not drawn; each adds to the
///   `sourceLength` of the cell before it, or belongs to no cell if there is none (so cells cover every
///   code point except such leading ones). Terminals disagree about the width of sequences they form.
/// - Lone surrogates cannot occur: a Swift `String` holds only valid scalars (invalid UTF-8 was
///   already repaired to U+FFFD when the string was decoded).
public enum TextCells {
  /// Splits one logical line (newlines and tabs are shown as placeholders).
  public static func split(_ text: String, startOffset: Int = 0) -> [TextCell] {
    var sink = CellArraySink()
    sink.cells.reserveCapacity(text.utf8.count)
    _ = scan(text, startOffset: startOffset, handlesBreaks: false, into: &sink)
    return sink.cells
  }

  /// Feeds the cells of `text` to `sink`; returns the offset one past the last scalar.
  /// With `handlesBreaks`, `\n`, `\r\n` and `\t` go to the sink's `lineBreak` and `tab` instead of
  /// becoming placeholders (a lone `\r` is still a placeholder).
  static func scan<Sink: CellSink>(
    _ text: String, startOffset: Int, handlesBreaks: Bool, into sink: inout Sink
  ) -> Int {
    let ascii = TextCells.asciiGlyphs
    let index = DisplayWidth.index
    var iterator = text.unicodeScalars.makeIterator()
    var lookahead: Unicode.Scalar? = nil
    var offset = startOffset
    var pending = PendingCell()

    while true {
      let scalar: Unicode.Scalar
      if let next = lookahead {
        scalar = next
        lookahead = nil
      } else if let next = iterator.next() {
        scalar = next
      } else {
        break
      }
      let value = scalar.value
      if value &- 0x20 < 0x5F {
        pending.flush(into: &sink)
        pending.start(ascii[Int(value)], width: 1, offset: offset, takesMarks: true)
        pending.isSpace = value == 0x20
        offset += 1
        continue
      }
      switch CellClass(value, index: index) {
      case .base(let width):
        pending.flush(into: &sink)
        pending.start(Glyph(scalar), width: width, offset: offset, takesMarks: true)
      case .zeroWidth:
        if pending.acceptsMarks {
          pending.addMark(scalar)
        } else {
          pending.flush(into: &sink)
          var glyph = TextCells.dottedCircle
          glyph.append(scalar)
          pending.start(glyph, width: 1, offset: offset, takesMarks: true)
          pending.marks = 1
        }
      case .dropped:
        if pending.acceptsMarks { pending.addDropped() }
      case .placeholder:
        pending.flush(into: &sink)
        pending.start(TextCells.replacement, width: 1, offset: offset, takesMarks: false)
      case .control:
        pending.flush(into: &sink)
        if handlesBreaks && value == 0x0A {
          sink.lineBreak(offset: offset, length: 1)
        } else if handlesBreaks && value == 0x09 {
          sink.tab(offset: offset)
        } else if handlesBreaks && value == 0x0D, let next = iterator.next() {
          if next.value == 0x0A {
            sink.lineBreak(offset: offset, length: 2)
            offset += 1
          } else {
            lookahead = next
            pending.start(
              TextCells.placeholder(forControl: value), width: 1, offset: offset, takesMarks: false)
          }
        } else {
          pending.start(
            TextCells.placeholder(forControl: value), width: 1, offset: offset, takesMarks: false)
        }
      }
      offset += 1
    }
    pending.flush(into: &sink)
    return offset
  }

  /// What a control is drawn as: ␀…␟ for C0, ␡ for DEL, U+FFFD for C1.
  static func placeholder(forControl value: UInt32) -> Glyph {
    if value < 0x20 { return controlPictures[Int(value)] }
    return value == 0x7F ? Glyph("\u{2421}") : replacement
  }

  /// One-byte glyphs for ASCII.
  static let asciiGlyphs: [Glyph] = (0..<128).map { Glyph(ascii: UInt8($0)) }

  /// U+FFFD, drawn for what cannot be shown.
  static let replacement = Glyph("\u{FFFD}")

  /// U+25CC ◌, the base drawn under a combining mark that has none.
  static let dottedCircle = Glyph("\u{25CC}")

  /// Control Pictures U+2400...U+241F for the C0 controls.
  static let controlPictures: [Glyph] = (0..<32).map { code in
    Unicode.Scalar(0x2400 + UInt32(code)).map(Glyph.init) ?? replacement
  }
}

/// The cell being built during a scan: it is finished when the next cell (or a break) starts.
private struct PendingCell {
  /// The cell so far; nil between cells.
  var cell: TextCell? = nil
  /// Zero-width scalars drawn on it.
  var marks = 0
  /// Whether zero-width scalars may ride on it (not on placeholders).
  var takesMarks = false
  /// Whether it is a plain U+0020.
  var isSpace = false

  /// Whether zero-width scalars that come now ride on this cell.
  var acceptsMarks: Bool { takesMarks && cell != nil }

  /// Begins a new cell of one scalar.
  mutating func start(_ glyph: Glyph, width: Int, offset: Int, takesMarks: Bool) {
    cell = TextCell(glyph: glyph, width: width, sourceOffset: offset, sourceLength: 1)
    marks = 0
    self.takesMarks = takesMarks
    isSpace = false
  }

  /// Adds a zero-width scalar: drawn if fewer than four ride already, counted either way.
  mutating func addMark(_ scalar: Unicode.Scalar) {
    if marks < 4 {
      cell?.glyph.append(scalar)
      marks += 1
    }
    isSpace = false
    cell?.sourceLength += 1
  }

  /// Counts a scalar that is not drawn.
  mutating func addDropped() { cell?.sourceLength += 1 }

  /// Hands the cell, if any, to `sink`.
  mutating func flush<Sink: CellSink>(into sink: inout Sink) {
    if let finished = cell.take() { sink.cell(finished, isSpace: isSpace) }
  }
}

/// Collects cells into an array.
private struct CellArraySink: CellSink {
  var cells: [TextCell] = []

  mutating func cell(_ cell: consuming TextCell, isSpace: Bool) { cells.append(cell) }
  mutating func lineBreak(offset: Int, length: Int) {}
  mutating func tab(offset: Int) {}
}
