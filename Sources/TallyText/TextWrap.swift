/// A wrapped line of cells with the code-point range of the source it covers.
public struct WrappedLine: Sendable, Equatable {
  /// The cells, left to right.
  public var cells: [TextCell]
  /// Display columns used.
  public var width: Int
  /// Code-point offset of the first source scalar on this line.
  public var sourceStart: Int
  /// One past the last source code point on this line (incl. the consumed break/newline).
  public var sourceEnd: Int

  /// Makes a line.
  public init(cells: [TextCell], width: Int, sourceStart: Int, sourceEnd: Int) {
    self.cells = cells
    self.width = width
    self.sourceStart = sourceStart
    self.sourceEnd = sourceEnd
  }
}

/// Word wrapping of untrusted text into lines of terminal cells.
///
/// The lines partition the source: the first starts at 0, each starts where the one before ends, and
/// the last ends at the text's length in code points. Details:
/// - Breaks happen after a space (U+0020) or tab. Spaces or tabs that do not fit at the end of a line
///   belong to that line (its `sourceEnd` covers them) but get no cells, so the next line starts with
///   the next word. A run of spaces or tabs at the start of a logical line is kept.
/// - A tab expands to space cells up to the next multiple of `tabWidth` (counted from the start of the
///   wrapped line), clipped at the right edge; every one of its cells has the tab's offset and length 1.
/// - A word longer than the width is broken between cells; a wide cell is never split: it moves to the
///   next line. At width 1 a wide cell cannot fit anywhere, so it is drawn as a width-1 "…" cell (same
///   offset and length).
/// - A text ending in `\n` ends with an empty line; an empty text is one empty line.
public enum TextWrap {
  /// Wraps text to `width` columns: `\n` (and `\r\n`) start a new line, tabs expand to the next
  /// multiple of `tabWidth` as space cells (all with the tab's sourceOffset), long lines break after
  /// the last space that fits (spaces at the break are kept on the line end but do not cause
  /// overflow), a word longer than the width is broken by cells, and a wide cell is never split.
  /// Other control characters appear as placeholder cells (via TextCells.split). Width < 1 counts as 1.
  public static func wrap(_ text: String, width: Int, tabWidth: Int = 4) -> [WrappedLine] {
    var builder = LineBuilder(width: max(width, 1), tabWidth: max(tabWidth, 1))
    let end = TextCells.scan(text, startOffset: 0, handlesBreaks: true, into: &builder)
    builder.finishLine(end: end)
    return builder.lines
  }

  /// Wraps text with extra cells inserted before given source offsets (the label tags after spans). An
  /// inserted cell has `sourceLength` 0 and the offset it stands before; it wraps with the word it touches.
  /// `inserts` must be sorted by offset.
  public static func wrap(
    _ text: String, width: Int, tabWidth: Int = 4, inserts: [(offset: Int, cells: [TextCell])]
  ) -> [WrappedLine] {
    if inserts.isEmpty { return wrap(text, width: width, tabWidth: tabWidth) }
    var sink = InsertingSink(
      builder: LineBuilder(width: max(width, 1), tabWidth: max(tabWidth, 1)), inserts: inserts)
    let end = TextCells.scan(text, startOffset: 0, handlesBreaks: true, into: &sink)
    sink.flush(upTo: Int.max)
    sink.builder.finishLine(end: end)
    return sink.builder.lines
  }
}

/// Feeds a line builder, adding the inserted cells before the source offsets they belong to.
private struct InsertingSink: CellSink {
  var builder: LineBuilder
  let inserts: [(offset: Int, cells: [TextCell])]
  var next = 0

  mutating func flush(upTo offset: Int) {
    while next < inserts.count && inserts[next].offset <= offset {
      for cell in inserts[next].cells { builder.cell(cell, isSpace: false) }
      next += 1
    }
  }

  mutating func cell(_ cell: consuming TextCell, isSpace: Bool) {
    flush(upTo: cell.sourceOffset)
    builder.cell(cell, isSpace: isSpace)
  }

  mutating func lineBreak(offset: Int, length: Int) {
    flush(upTo: offset)
    builder.lineBreak(offset: offset, length: length)
  }

  mutating func tab(offset: Int) {
    flush(upTo: offset)
    builder.tab(offset: offset)
  }
}

/// Lays cells out into wrapped lines as the scan produces them.
private struct LineBuilder: CellSink {
  let width: Int
  let tabWidth: Int
  var lines: [WrappedLine] = []
  /// Cells of the line being filled.
  var cells: [TextCell] = []
  /// Columns those cells take.
  var lineWidth = 0
  /// Source offset where the line being filled starts.
  var lineStart = 0
  /// `cells[..<breakIndex]` ends with a space or tab, so the line may end there; 0 when it may not.
  var breakIndex = 0
  /// A space or tab did not fit: the line is done and swallows whitespace until the next cell.
  var overflowed = false

  init(width: Int, tabWidth: Int) {
    self.width = width
    self.tabWidth = tabWidth
  }

  mutating func cell(_ cell: consuming TextCell, isSpace: Bool) {
    if isSpace {
      if overflowed { return }
      if lineWidth < width {
        append(cell)
        breakIndex = cells.count
      } else {
        overflowed = true
      }
      return
    }
    if cell.width > width {
      cell.text = "\u{2026}"
      cell.width = 1
    }
    if overflowed {
      overflowed = false
      finishLine(end: cell.sourceOffset)
    } else if lineWidth + cell.width > width {
      if breakIndex > 0 && breakIndex < cells.count {
        // Carry the unfinished word to the next line.
        let word = Array(cells[breakIndex...])
        cells.removeSubrange(breakIndex...)
        var wordWidth = 0
        for carried in word { wordWidth += carried.width }
        lineWidth -= wordWidth
        finishLine(end: word[0].sourceOffset)
        cells.append(contentsOf: word)
        lineWidth = wordWidth
        if lineWidth + cell.width > width { finishLine(end: cell.sourceOffset) }
      } else {
        finishLine(end: cell.sourceOffset)
      }
    }
    append(cell)
  }

  mutating func tab(offset: Int) {
    if overflowed { return }
    if lineWidth >= width {
      overflowed = true
      return
    }
    // The next multiple of tabWidth, clipped to the edge (written so that it cannot overflow).
    let stop = lineWidth + min(tabWidth - lineWidth % tabWidth, width - lineWidth)
    for _ in lineWidth..<stop {
      cells.append(TextCell(text: " ", width: 1, sourceOffset: offset, sourceLength: 1))
    }
    lineWidth = stop
    breakIndex = cells.count
  }

  mutating func lineBreak(offset: Int, length: Int) {
    overflowed = false
    finishLine(end: offset + length)
  }

  /// Adds a cell that fits.
  private mutating func append(_ cell: consuming TextCell) {
    lineWidth += cell.width
    cells.append(cell)
  }

  /// Ends the line being filled at source offset `end` and starts an empty one there.
  mutating func finishLine(end: Int) {
    let count = cells.count
    lines.append(
      WrappedLine(cells: cells, width: lineWidth, sourceStart: lineStart, sourceEnd: end))
    // Lines tend to be about as long as the one before: reserve room for that, so that full lines do
    // not regrow while short lines do not hold much unused room. A line has at most `width` cells.
    cells = []
    cells.reserveCapacity(min(width, 2 * count + 8))
    lineStart = end
    lineWidth = 0
    breakIndex = 0
  }
}
