import TallyCore
import TallyText

/// One cell of the screen. A wide glyph is a lead cell (width 2) followed by a continuation cell
/// (width 0, empty text) that is never drawn on its own. A plain value (no reference counting), so a
/// frame is cleared and compared like raw memory.
public struct ScreenCell: Sendable, Equatable {
  public var glyph: Glyph
  public var width: UInt8
  public var style: Style

  public init(glyph: Glyph, width: UInt8 = 1, style: Style = .plain) {
    self.glyph = glyph
    self.width = width
    self.style = style
  }

  public init(text: String = " ", width: UInt8 = 1, style: Style = .plain) {
    self.init(glyph: Glyph(text), width: width, style: style)
  }

  /// What the cell shows, as a string.
  public var text: String {
    get { glyph.string }
    set { glyph = Glyph(newValue) }
  }

  public static let blank = ScreenCell(glyph: .space)
  public static let continuation = ScreenCell(glyph: Glyph(), width: 0)
  public var isContinuation: Bool { width == 0 }
}

/// A rectangle on the screen.
public struct Rect: Sendable, Equatable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width <= 0 || height <= 0 }
}

/// An in-memory screen of cells. Rendering writes here; the terminal module draws it.
public struct Screen: Sendable, Equatable {
  public private(set) var width: Int
  public private(set) var height: Int
  public private(set) var cells: [ScreenCell]

  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
    self.cells = Array(repeating: .blank, count: self.width * self.height)
  }

  /// Blanks the screen for a new frame, reusing its storage when the size is unchanged (no allocation on
  /// the key path).
  public mutating func reset(width: Int, height: Int) {
    let w = max(0, width)
    let h = max(0, height)
    if w == self.width && h == self.height {
      cells.withUnsafeMutableBufferPointer { $0.update(repeating: .blank) }
    } else {
      self = Screen(width: w, height: h)
    }
  }

  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  public subscript(x: Int, y: Int) -> ScreenCell {
    get { cells[y * width + x] }
    set { cells[y * width + x] = newValue }
  }

  /// Fills a rectangle with blanks in a style.
  public mutating func fill(_ rect: Rect, style: Style = .plain) {
    let x0 = max(0, rect.x)
    let x1 = min(width, rect.maxX)
    let y0 = max(0, rect.y)
    let y1 = min(height, rect.maxY)
    guard x0 < x1, y0 < y1 else { return }
    for y in y0..<y1 {
      for x in x0..<x1 { cells[y * width + x] = ScreenCell(glyph: .space, width: 1, style: style) }
    }
  }

  /// Puts one text cell at (x, y), clipped to `clip`. Returns the column after it.
  /// A wide cell that would not fit whole is replaced by a blank, never half drawn; overwriting
  /// half of an existing wide cell blanks its other half.
  @discardableResult
  public mutating func put(_ cell: TextCell, x: Int, y: Int, style: Style, clip: Rect? = nil) -> Int {
    let area = clip ?? bounds
    guard y >= max(0, area.y), y < min(height, area.maxY) else { return x + cell.width }
    let minX = max(0, area.x)
    let maxX = min(width, area.maxX)
    guard x >= minX, x < maxX else { return x + cell.width }
    if cell.width == 2 && x + 1 >= maxX {
      set(x: x, y: y, ScreenCell(glyph: .space, width: 1, style: style))
      return x + 2
    }
    set(x: x, y: y, ScreenCell(glyph: cell.glyph, width: UInt8(cell.width), style: style))
    if cell.width == 2 { set(x: x + 1, y: y, ScreenCell(glyph: Glyph(), width: 0, style: style)) }
    return x + cell.width
  }

  private mutating func set(x: Int, y: Int, _ cell: ScreenCell) {
    let i = y * width + x
    let old = cells[i]
    // Breaking a wide pair: blank the orphaned half.
    if old.width == 2, x + 1 < width, cells[i + 1].isContinuation {
      cells[i + 1] = ScreenCell(glyph: .space, width: 1, style: cells[i + 1].style)
    }
    if old.isContinuation && x > 0, cells[i - 1].width == 2 {
      cells[i - 1] = ScreenCell(glyph: .space, width: 1, style: cells[i - 1].style)
    }
    cells[i] = cell
  }

  /// Writes text from (x, y), clipped to `clip` (default the whole screen). Returns the column after it.
  @discardableResult
  public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
    var col = x
    let limit = (clip ?? bounds).maxX
    for cell in TextCells.split(text) {
      if col >= limit { break }
      col = put(cell, x: col, y: y, style: style, clip: clip)
    }
    return col
  }

  /// Writes styled runs from (x, y), clipped. Returns the column after them.
  @discardableResult
  public mutating func write(_ line: StyledLine, x: Int, y: Int, base: Style = .plain, clip: Rect? = nil) -> Int {
    var col = x
    for run in line.runs {
      col = write(run.text, x: col, y: y, style: base.merged(with: run.style), clip: clip)
    }
    return col
  }

  /// The screen as plain text, one line per row, trailing blanks trimmed. Used by render tests.
  public var text: String {
    var lines: [String] = []
    lines.reserveCapacity(height)
    for y in 0..<height {
      var line = ""
      for x in 0..<width {
        let cell = cells[y * width + x]
        if !cell.isContinuation { line += cell.text }
      }
      while line.last == " " { line.removeLast() }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }

  /// Row y as plain text (untrimmed).
  public func row(_ y: Int) -> String {
    var line = ""
    for x in 0..<width where !cells[y * width + x].isContinuation { line += cells[y * width + x].text }
    return line
  }
}
