import TallyCore
import TallyText

/// Wraps styled text to a display width, keeping each run's style across line breaks.
///
/// Text is measured in terminal cells (`TextCells.split`, run by run, the way `Screen.write` draws it)
/// and the output is rebuilt from the cells' text, so control characters in the input come out as the
/// visible placeholders `TextCells` chose. Lines break after spaces (the spaces at a break are
/// dropped) and after wide cells, so CJK text without spaces still wraps; a word longer than a line
/// is broken between cells; a wide cell is never split.
public enum StyledWrap {
  /// Wraps `line` into lines of at most `width` columns; the first starts with `firstIndent`, the rest with `restIndent`.
  ///
  /// Always returns at least one line. Indents are clipped so that at least two columns (or the
  /// whole width, if smaller) remain for text. A wide cell that cannot fit on a line of its own
  /// (only when `width` is 1) is drawn as a space. For `width` ≤ 0 the result is one empty line.
  public static func wrap(
    _ line: StyledLine, width: Int, firstIndent: StyledLine = StyledLine(),
    restIndent: StyledLine = StyledLine()
  ) -> [StyledLine] {
    wrap(line, width: width, firstIndent: firstIndent, restIndent: restIndent, atWords: true)
  }

  /// Wraps like `wrap`, but when `atWords` is false breaks strictly by cells and keeps every space (for code).
  static func wrap(
    _ line: StyledLine, width: Int, firstIndent: StyledLine, restIndent: StyledLine, atWords: Bool
  ) -> [StyledLine] {
    guard width > 0 else { return [StyledLine()] }
    let maxIndent = width - min(width, 2)
    var builder = LineBuilder(
      width: width, first: clip(cells(of: firstIndent), to: maxIndent),
      rest: clip(cells(of: restIndent), to: maxIndent))
    var word: [WrapCell] = []
    var pending: [WrapCell] = []
    for cell in cells(of: line) {
      if !atWords {
        builder.placeHard(cell)
      } else if cell.isSpace {
        builder.placeWord(word, after: pending)
        if !word.isEmpty { pending.removeAll() }
        word.removeAll()
        pending.append(cell)
      } else {
        word.append(cell)
        if cell.width >= 2 {
          builder.placeWord(word, after: pending)
          word.removeAll()
          pending.removeAll()
        }
      }
    }
    builder.placeWord(word, after: pending)
    if word.isEmpty { builder.placeTrailing(pending) }
    return builder.finish()
  }

  /// Cells of a styled line, each carrying its run's style.
  static func cells(of line: StyledLine) -> [WrapCell] {
    var out: [WrapCell] = []
    for run in line.runs {
      for cell in TextCells.split(run.text) {
        out.append(WrapCell(text: cell.text, width: max(0, cell.width), style: run.style))
      }
    }
    return out
  }

  /// Display width of a styled line, as `Screen.write` would draw it.
  static func width(of line: StyledLine) -> Int {
    line.runs.reduce(0) { total, run in total + TextCells.split(run.text).reduce(0) { $0 + max(0, $1.width) } }
  }

  /// The leading cells that fit in `limit` columns.
  private static func clip(_ cells: [WrapCell], to limit: Int) -> [WrapCell] {
    var used = 0
    var out: [WrapCell] = []
    for cell in cells {
      guard used + cell.width <= limit else { break }
      used += cell.width
      out.append(cell)
    }
    return out
  }

  /// Joins cells into runs, one run per stretch of equal style.
  static func runs(_ cells: [WrapCell]) -> [StyledRun] {
    var out: [StyledRun] = []
    for cell in cells {
      if let last = out.last, last.style == cell.style {
        out[out.count - 1].text += cell.text
      } else {
        out.append(StyledRun(cell.text, cell.style))
      }
    }
    return out
  }
}

/// One measured cell with its style.
struct WrapCell: Sendable, Equatable {
  var text: String
  var width: Int
  var style: Style

  var isSpace: Bool { text == " " }
}

/// Accumulates wrapped lines.
private struct LineBuilder {
  let width: Int
  let first: [WrapCell]
  let rest: [WrapCell]
  var lines: [StyledLine] = []
  var current: [WrapCell] = []
  var column = 0

  init(width: Int, first: [WrapCell], rest: [WrapCell]) {
    self.width = width
    self.first = first
    self.rest = rest
  }

  /// Columns available for text on the line being built.
  var available: Int {
    let indent = lines.isEmpty ? first : rest
    return width - indent.reduce(0) { $0 + $1.width }
  }

  mutating func breakLine() {
    let indent = lines.isEmpty ? first : rest
    lines.append(StyledLine(StyledWrap.runs(indent + current)))
    current.removeAll()
    column = 0
  }

  /// Places a word after the spaces that preceded it, moving it to a new line if it does not fit.
  mutating func placeWord(_ word: [WrapCell], after spaces: [WrapCell]) {
    guard !word.isEmpty else { return }
    let wordWidth = word.reduce(0) { $0 + $1.width }
    let spaceWidth = spaces.reduce(0) { $0 + $1.width }
    if column + spaceWidth + wordWidth <= available {
      append(spaces)
      append(word)
      return
    }
    if !current.isEmpty { breakLine() }
    if wordWidth <= available {
      append(word)
    } else {
      for cell in word { placeHard(cell) }
    }
  }

  /// Places spaces that end the text, as many as fit.
  mutating func placeTrailing(_ spaces: [WrapCell]) {
    for cell in spaces {
      guard column + cell.width <= available else { return }
      append([cell])
    }
  }

  /// Places one cell, breaking the line first if it does not fit.
  mutating func placeHard(_ cell: WrapCell) {
    if column + cell.width > available && !current.isEmpty { breakLine() }
    if cell.width > available {
      append([WrapCell(text: " ", width: 1, style: cell.style)])
    } else {
      append([cell])
    }
  }

  private mutating func append(_ cells: [WrapCell]) {
    current.append(contentsOf: cells)
    column += cells.reduce(0) { $0 + $1.width }
  }

  mutating func finish() -> [StyledLine] {
    if !current.isEmpty || lines.isEmpty { breakLine() }
    return lines
  }
}
