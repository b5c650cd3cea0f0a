import TallyCore
import TallyText

// How guidelines look. Every style below also reads without colour (`NO_COLOR`):
//
// - `# H1`: bold + underlined text, always followed by a blank line.
// - `## H2`: bold text (with a blank line after it, like every block).
// - `### H3`: bold text; `#### H4` and deeper: bold italic. No `#` marks are shown.
// - Paragraphs: lines joined with a space and word-wrapped; two trailing spaces or a trailing
//   backslash force a line break. Blank lines between blocks are kept, collapsed to one.
// - `*em*` / `_em_`: italic. `**strong**` / `__strong__`: bold.
// - `` `code` ``: backticks removed, bold + cyan (so without colour it reads like strong text).
// - `[text](url)` and `![alt](url)`: text underlined + blue, then " (url)" dim; a link whose text is
//   its url, and `<scheme:…>` autolinks, show the url once. Links in headings show the text only.
// - Bullets: "•", "◦", "▪" by nesting depth (then again from "•"). Ordered items show the number
//   and delimiter as written ("1." / "1)"), right-aligned; if every item has the same number
//   ("1. 1. 1.") they count up from it instead. Wrapped lines hang under the item's text.
// - `> quote`: each line prefixed with a dim "│ " (nested: "│ │ ").
// - Fenced (``` / ~~~) and indented code: verbatim, cyan, each line prefixed with a dim "▏ ";
//   long lines break by cells. The info string is not shown.
// - `---` / `***` / `___`: a dim line of "─" across the width.
// - Pipe tables: columns aligned with dim " │ " separators, a "─┼─" rule under the bold header;
//   when too wide, each row is written as its cells joined by " │ " and wrapped.
// - HTML is shown as text; `&amp;`-style entities for & < > " ' and nbsp, and numeric ones, are decoded.
// - Tabs expand to tab stops every 4 columns (counted in code points) before parsing.
// - Nesting of quotes and lists deeper than 24 levels is shown as literal text.

/// A heading in rendered guidelines.
public struct MarkdownHeading: Sendable, Equatable {
  /// 1 for `#`, up to 6.
  public var level: Int
  /// The heading's text without markup.
  public var title: String
  /// Index of the rendered line the heading starts on.
  public var line: Int

  /// A heading of `level` titled `title`, starting on rendered line `line`.
  public init(level: Int, title: String, line: Int) {
    self.level = level
    self.title = title
    self.line = line
  }
}

/// Guidelines rendered for the terminal.
public struct RenderedMarkdown: Sendable, Equatable {
  /// The rendered lines, each at most the rendering width.
  public var lines: [StyledLine]
  /// Headings with the index of the rendered line they start on (for a contents list and jumping).
  public var headings: [MarkdownHeading]

  /// Rendered guidelines made of `lines`, with `headings` indexing into them.
  public init(lines: [StyledLine] = [], headings: [MarkdownHeading] = []) {
    self.lines = lines
    self.headings = headings
  }
}

/// A match of a search query in rendered guidelines.
public struct SearchHit: Sendable, Equatable {
  /// Index of the rendered line.
  public var line: Int
  /// Display column where the match starts.
  public var column: Int
  /// Display columns the match covers.
  public var length: Int

  /// A match on rendered line `line`, `length` columns wide from `column`.
  public init(line: Int, column: Int, length: Int) {
    self.line = line
    self.column = column
    self.length = length
  }
}

/// Renders the project's Markdown guidelines into styled lines wrapped to a width.
public enum MarkdownRenderer {
  /// Renders untrusted Markdown into lines no wider than `width` columns. With `lineBreaks`, every line break
  /// inside a paragraph is kept (as chat interfaces show model output) instead of joining the lines.
  public static func render(_ markdown: String, width: Int, lineBreaks: Bool = false) -> RenderedMarkdown {
    var lines = MarkdownSource.lines(of: markdown)
    // Two trailing spaces are Markdown's own hard line break.
    if lineBreaks {
      var fences = FenceTracker()
      lines = lines.map { line in
        let inCode = fences.open != nil || BlockParser.fenceOpening(line) != nil
        fences.feed(line)
        return inCode || MarkdownSource.isBlank(line) ? line : line + [" ", " "]
      }
    }
    let blocks = BlockParser.parse(lines, depth: 0)
    var layout = MarkdownLayout(width: width)
    layout.render(blocks, first: StyledLine(), rest: StyledLine(), listDepth: 0)
    return RenderedMarkdown(lines: layout.lines, headings: layout.headings)
  }

  /// Finds `query` case-insensitively in each rendered line's text; columns count display cells.
  ///
  /// Matches do not overlap and do not span wrapped lines. An empty query finds nothing.
  public static func search(_ rendered: RenderedMarkdown, for query: String) -> [SearchHit] {
    let needle = TextCells.split(query).map { $0.text.lowercased() }
    guard !needle.isEmpty else { return [] }
    var hits: [SearchHit] = []
    for (index, line) in rendered.lines.enumerated() {
      var texts: [String] = []
      var columns: [Int] = []
      var column = 0
      for run in line.runs {
        for cell in TextCells.split(run.text) {
          texts.append(cell.text.lowercased())
          columns.append(column)
          column += max(0, cell.width)
        }
      }
      columns.append(column)
      var start = 0
      while start + needle.count <= texts.count {
        var matches = true
        for offset in 0..<needle.count where texts[start + offset] != needle[offset] {
          matches = false
          break
        }
        if matches {
          let end = start + needle.count
          hits.append(SearchHit(line: index, column: columns[start], length: columns[end] - columns[start]))
          start = end
        } else {
          start += 1
        }
      }
    }
    return hits
  }
}

// MARK: - Styles

/// The styles guidelines are drawn in.
enum MarkdownStyle {
  static let heading1 = Style(bold: true, underline: true)
  static let heading2 = Style(bold: true)
  static let heading3 = Style(bold: true)
  static let heading4 = Style(bold: true, italic: true)
  static let emphasis = Style(italic: true)
  static let strong = Style(bold: true)
  static let code = Style(bold: true, foreground: .cyan)
  static let codeBlock = Style(foreground: .cyan)
  static let codeBar = Style(dim: true)
  static let link = Style(underline: true, foreground: .blue)
  static let url = Style(dim: true)
  static let quoteBar = Style(dim: true)
  static let rule = Style(dim: true)
  static let tableHeader = Style(bold: true)
  static let tableLine = Style(dim: true)
  static let bullets = ["•", "◦", "▪"]
}

// MARK: - Source lines

typealias Scalars = [Unicode.Scalar]

/// Splitting the source into lines.
enum MarkdownSource {
  /// The source's lines (split at LF, CRLF or CR) with tabs expanded to stops every 4 columns.
  static func lines(of text: String) -> [Scalars] {
    var lines: [Scalars] = []
    var line = Scalars()
    var afterCR = false
    for scalar in text.unicodeScalars {
      if scalar == "\n" && afterCR {
        afterCR = false
        continue
      }
      afterCR = scalar == "\r"
      if scalar == "\n" || scalar == "\r" {
        lines.append(line)
        line.removeAll(keepingCapacity: true)
      } else if scalar == "\t" {
        let spaces = 4 - line.count % 4
        line.append(contentsOf: repeatElement(" ", count: spaces))
      } else {
        line.append(scalar)
      }
    }
    if !line.isEmpty { lines.append(line) }
    return lines
  }

  static func leadingSpaces(_ line: Scalars) -> Int {
    var count = 0
    while count < line.count && line[count] == " " { count += 1 }
    return count
  }

  static func isBlank(_ line: Scalars) -> Bool { line.allSatisfy { $0 == " " } }

  static func dropSpaces(_ line: Scalars, _ limit: Int) -> Scalars {
    Scalars(line.dropFirst(min(limit, leadingSpaces(line))))
  }

  static func trimmed(_ line: Scalars) -> Scalars {
    var end = line.count
    while end > 0 && line[end - 1] == " " { end -= 1 }
    let start = min(leadingSpaces(line), end)
    return Scalars(line[start..<end])
  }

  static func string(_ scalars: some Sequence<Unicode.Scalar>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}

// MARK: - Blocks

/// A block of the document.
indirect enum MarkdownBlock {
  case heading(level: Int, text: Scalars)
  /// Inline text; "\n" marks a hard line break.
  case paragraph(Scalars)
  case code([Scalars])
  case quote([MarkdownItem])
  case list(MarkdownList)
  case rule
  case table(MarkdownTable)
}

/// A block and whether a blank line preceded it in the source.
struct MarkdownItem {
  var block: MarkdownBlock
  var blankBefore: Bool
}

/// A bullet or ordered list.
struct MarkdownList {
  var ordered: Bool
  /// Each item's number as written (ordered lists only).
  var numbers: [Int]
  var delimiter: Unicode.Scalar
  var items: [[MarkdownItem]]
  var loose: Bool
}

/// A pipe table.
struct MarkdownTable {
  enum Alignment { case left, center, right }
  var header: [Scalars]
  var alignments: [Alignment]
  var rows: [[Scalars]]
}

/// A list item's marker, as found at the start of a line.
struct ListMarker {
  var ordered: Bool
  /// The bullet character, or the delimiter ("." or ")") of an ordered item.
  var character: Unicode.Scalar
  var number: Int
  /// Columns a following line must be indented by to belong to the item.
  var contentIndent: Int
  /// Where the item's text starts in the marker's line.
  var contentStart: Int
  var isEmpty: Bool

  func continues(_ other: ListMarker) -> Bool { ordered == other.ordered && character == other.character }
}

/// An open code fence.
struct CodeFence {
  var character: Unicode.Scalar
  var count: Int
  var indent: Int

  /// Whether `line` closes this fence.
  func isClosed(by line: Scalars) -> Bool {
    let indent = MarkdownSource.leadingSpaces(line)
    guard indent <= 3 else { return false }
    var index = indent
    while index < line.count && line[index] == character { index += 1 }
    guard index - indent >= count else { return false }
    return line[index...].allSatisfy { $0 == " " }
  }
}

/// Follows fences opening and closing in a container's lines, to tell whether a lazy line may join it.
struct FenceTracker {
  var open: CodeFence?

  mutating func feed(_ line: Scalars) {
    if let fence = open {
      if fence.isClosed(by: line) { open = nil }
    } else if let fence = BlockParser.fenceOpening(line) {
      open = fence
    }
  }
}

/// Parses lines into blocks. Recursion is bounded by `maxDepth`.
enum BlockParser {
  static let maxDepth = 24

  static func parse(_ lines: [Scalars], depth: Int) -> [MarkdownItem] {
    var items: [MarkdownItem] = []
    var blank = false
    var index = 0
    func add(_ block: MarkdownBlock) {
      items.append(MarkdownItem(block: block, blankBefore: blank))
      blank = false
    }
    while index < lines.count {
      let line = lines[index]
      if MarkdownSource.isBlank(line) {
        blank = true
        index += 1
        continue
      }
      if MarkdownSource.leadingSpaces(line) >= 4 {
        add(.code(indentedCode(lines, &index)))
        continue
      }
      if let fence = fenceOpening(line) {
        index += 1
        var body: [Scalars] = []
        while index < lines.count {
          let next = lines[index]
          index += 1
          if fence.isClosed(by: next) { break }
          body.append(MarkdownSource.dropSpaces(next, fence.indent))
        }
        add(.code(body))
        continue
      }
      if let (level, text) = atxHeading(line) {
        add(.heading(level: level, text: text))
        index += 1
        continue
      }
      if isThematicBreak(line) {
        add(.rule)
        index += 1
        continue
      }
      if depth < maxDepth && isQuoteStart(line) {
        add(.quote(parse(quoteLines(lines, &index), depth: depth + 1)))
        continue
      }
      if depth < maxDepth, let marker = listMarker(line) {
        add(.list(list(lines, &index, marker, depth: depth)))
        continue
      }
      if let table = table(lines, &index) {
        add(.table(table))
        continue
      }
      add(paragraph(lines, &index, depth: depth))
    }
    return items
  }

  // MARK: Leaf blocks

  static func indentedCode(_ lines: [Scalars], _ index: inout Int) -> [Scalars] {
    var body: [Scalars] = []
    while index < lines.count
      && (MarkdownSource.isBlank(lines[index]) || MarkdownSource.leadingSpaces(lines[index]) >= 4)
    {
      body.append(MarkdownSource.dropSpaces(lines[index], 4))
      index += 1
    }
    while let last = body.last, MarkdownSource.isBlank(last) {
      body.removeLast()
      index -= 1
    }
    return body
  }

  static func paragraph(_ lines: [Scalars], _ index: inout Int, depth: Int) -> MarkdownBlock {
    var text: [Scalars] = [lines[index]]
    index += 1
    while index < lines.count {
      let line = lines[index]
      if MarkdownSource.isBlank(line) { break }
      if let level = setextLevel(line) {
        index += 1
        return .heading(level: level, text: joined(text, hardBreaks: false))
      }
      if interruptsParagraph(lines, index, depth: depth) { break }
      text.append(line)
      index += 1
    }
    return .paragraph(joined(text, hardBreaks: true))
  }

  /// Paragraph lines joined with spaces, or "\n" after a line ending in two spaces or a backslash.
  static func joined(_ lines: [Scalars], hardBreaks: Bool) -> Scalars {
    var out = Scalars()
    for (number, line) in lines.enumerated() {
      var text = MarkdownSource.dropSpaces(line, line.count)
      var trailing = 0
      while trailing < text.count && text[text.count - 1 - trailing] == " " { trailing += 1 }
      text.removeLast(trailing)
      let isLast = number == lines.count - 1
      var hard = hardBreaks && !isLast && trailing >= 2
      if hardBreaks && !isLast && !hard {
        var slashes = 0
        while slashes < text.count && text[text.count - 1 - slashes] == "\\" { slashes += 1 }
        if slashes % 2 == 1 {
          text.removeLast()
          hard = true
        }
      }
      out.append(contentsOf: text)
      if !isLast { out.append(hard ? "\n" : " ") }
    }
    return out
  }

  static func interruptsParagraph(_ lines: [Scalars], _ index: Int, depth: Int) -> Bool {
    let line = lines[index]
    guard MarkdownSource.leadingSpaces(line) <= 3 else { return false }
    if startsBlock(line) { return true }
    return isTableStart(lines, index)
  }

  /// Whether a line starts a block that ends a paragraph (and so cannot be a lazy continuation).
  static func startsBlock(_ line: Scalars) -> Bool {
    guard MarkdownSource.leadingSpaces(line) <= 3 else { return false }
    if atxHeading(line) != nil || fenceOpening(line) != nil || isThematicBreak(line) || isQuoteStart(line) {
      return true
    }
    if let marker = listMarker(line), !marker.isEmpty, !marker.ordered || marker.number == 1 { return true }
    return false
  }

  static func atxHeading(_ line: Scalars) -> (Int, Scalars)? {
    let indent = MarkdownSource.leadingSpaces(line)
    guard indent <= 3 else { return nil }
    var index = indent
    while index < line.count && line[index] == "#" { index += 1 }
    let level = index - indent
    guard (1...6).contains(level), index == line.count || line[index] == " " else { return nil }
    var text = MarkdownSource.trimmed(Scalars(line[index...]))
    if text.allSatisfy({ $0 == "#" }) { return (level, []) }
    var end = text.count
    while end > 0 && text[end - 1] == "#" { end -= 1 }
    if end < text.count && text[end - 1] == " " { text = MarkdownSource.trimmed(Scalars(text[..<end])) }
    return (level, text)
  }

  static func setextLevel(_ line: Scalars) -> Int? {
    let indent = MarkdownSource.leadingSpaces(line)
    guard indent <= 3, indent < line.count else { return nil }
    let marker = line[indent]
    guard marker == "=" || marker == "-" else { return nil }
    var index = indent
    while index < line.count && line[index] == marker { index += 1 }
    guard line[index...].allSatisfy({ $0 == " " }) else { return nil }
    return marker == "=" ? 1 : 2
  }

  static func isThematicBreak(_ line: Scalars) -> Bool {
    let indent = MarkdownSource.leadingSpaces(line)
    guard indent <= 3, indent < line.count else { return false }
    let marker = line[indent]
    guard marker == "-" || marker == "*" || marker == "_" else { return false }
    var count = 0
    for scalar in line[indent...] {
      if scalar == marker {
        count += 1
      } else if scalar != " " {
        return false
      }
    }
    return count >= 3
  }

  static func fenceOpening(_ line: Scalars) -> CodeFence? {
    let indent = MarkdownSource.leadingSpaces(line)
    guard indent <= 3, indent < line.count else { return nil }
    let marker = line[indent]
    guard marker == "`" || marker == "~" else { return nil }
    var index = indent
    while index < line.count && line[index] == marker { index += 1 }
    guard index - indent >= 3 else { return nil }
    if marker == "`" && line[index...].contains("`") { return nil }
    return CodeFence(character: marker, count: index - indent, indent: indent)
  }

  // MARK: Containers

  static func isQuoteStart(_ line: Scalars) -> Bool {
    let indent = MarkdownSource.leadingSpaces(line)
    return indent <= 3 && indent < line.count && line[indent] == ">"
  }

  /// A block quote's lines with their markers removed, including lazy continuation lines.
  static func quoteLines(_ lines: [Scalars], _ index: inout Int) -> [Scalars] {
    var inner: [Scalars] = []
    var fences = FenceTracker()
    while index < lines.count {
      let line = lines[index]
      if isQuoteStart(line) {
        var start = MarkdownSource.leadingSpaces(line) + 1
        if start < line.count && line[start] == " " { start += 1 }
        let stripped = Scalars(line[start...])
        inner.append(stripped)
        fences.feed(stripped)
      } else if !MarkdownSource.isBlank(line), mayContinueLazily(inner, fences), !endsLazyContinuation(line) {
        inner.append(MarkdownSource.dropSpaces(line, line.count))
      } else {
        break
      }
      index += 1
    }
    return inner
  }

  /// Whether a line outside a container's indentation starts something new rather than continuing its paragraph.
  ///
  /// Unlike inside a bare paragraph, any list marker counts: "1. a" then "2. b" are two items.
  static func endsLazyContinuation(_ line: Scalars) -> Bool {
    startsBlock(line) || listMarker(line) != nil
  }

  /// Whether a container whose lines so far are `lines` ends in a paragraph a lazy line may join.
  static func mayContinueLazily(_ lines: [Scalars], _ fences: FenceTracker) -> Bool {
    guard fences.open == nil, let last = lines.last, !MarkdownSource.isBlank(last) else { return false }
    return MarkdownSource.leadingSpaces(last) < 4 && atxHeading(last) == nil && !isThematicBreak(last)
      && fenceOpening(last) == nil
  }

  static func listMarker(_ line: Scalars) -> ListMarker? {
    let indent = MarkdownSource.leadingSpaces(line)
    guard indent <= 3, indent < line.count else { return nil }
    var index = indent
    var ordered = false
    var number = 0
    let character: Unicode.Scalar
    if line[index] == "-" || line[index] == "*" || line[index] == "+" {
      character = line[index]
      index += 1
    } else {
      while index < line.count, index - indent < 10, let digit = asciiDigit(line[index]) {
        number = number * 10 + digit
        index += 1
      }
      let digits = index - indent
      guard (1...9).contains(digits), index < line.count, line[index] == "." || line[index] == ")" else {
        return nil
      }
      character = line[index]
      ordered = true
      index += 1
    }
    let markerEnd = index
    guard markerEnd == line.count || line[markerEnd] == " " else { return nil }
    var spaces = 0
    while markerEnd + spaces < line.count && line[markerEnd + spaces] == " " { spaces += 1 }
    if markerEnd + spaces == line.count {
      return ListMarker(
        ordered: ordered, character: character, number: number, contentIndent: markerEnd + 1,
        contentStart: line.count, isEmpty: true)
    }
    let contentIndent = spaces >= 5 ? markerEnd + 1 : markerEnd + spaces
    return ListMarker(
      ordered: ordered, character: character, number: number, contentIndent: contentIndent,
      contentStart: contentIndent, isEmpty: false)
  }

  static func asciiDigit(_ scalar: Unicode.Scalar) -> Int? {
    guard scalar.value >= 48 && scalar.value <= 57 else { return nil }
    return Int(scalar.value - 48)
  }

  static func list(_ lines: [Scalars], _ index: inout Int, _ first: ListMarker, depth: Int) -> MarkdownList {
    var items: [[MarkdownItem]] = []
    var numbers: [Int] = []
    var loose = false
    var marker = first
    while true {
      let line = lines[index]
      var content: [Scalars] = [Scalars(line[min(marker.contentStart, line.count)...])]
      var fences = FenceTracker()
      fences.feed(content[0])
      index += 1
      while index < lines.count {
        let next = lines[index]
        if MarkdownSource.isBlank(next) {
          content.append([])
        } else if MarkdownSource.leadingSpaces(next) >= marker.contentIndent {
          let stripped = MarkdownSource.dropSpaces(next, marker.contentIndent)
          content.append(stripped)
          fences.feed(stripped)
        } else if mayContinueLazily(content, fences) && !endsLazyContinuation(next) && !isTableStart(lines, index) {
          content.append(MarkdownSource.dropSpaces(next, next.count))
        } else {
          break
        }
        index += 1
      }
      while content.count > 1, let last = content.last, MarkdownSource.isBlank(last) {
        content.removeLast()
        index -= 1
      }
      items.append(parse(content, depth: depth + 1))
      numbers.append(marker.number)
      var next = index
      while next < lines.count && MarkdownSource.isBlank(lines[next]) { next += 1 }
      guard next < lines.count, !isThematicBreak(lines[next]), let following = listMarker(lines[next]),
        following.continues(first)
      else { break }
      if next > index { loose = true }
      index = next
      marker = following
    }
    return MarkdownList(
      ordered: first.ordered, numbers: numbers, delimiter: first.character, items: items, loose: loose)
  }

  // MARK: Tables

  static func isTableStart(_ lines: [Scalars], _ index: Int) -> Bool {
    guard index + 1 < lines.count, lines[index].contains("|"), lines[index + 1].contains("|"),
      let alignments = tableAlignments(lines[index + 1])
    else { return false }
    return tableCells(lines[index]).count == alignments.count
  }

  static func table(_ lines: [Scalars], _ index: inout Int) -> MarkdownTable? {
    guard isTableStart(lines, index), let alignments = tableAlignments(lines[index + 1]) else { return nil }
    let header = tableCells(lines[index])
    index += 2
    var rows: [[Scalars]] = []
    while index < lines.count && !MarkdownSource.isBlank(lines[index]) && !startsBlock(lines[index]) {
      var cells = tableCells(lines[index])
      if cells.count > alignments.count { cells.removeLast(cells.count - alignments.count) }
      while cells.count < alignments.count { cells.append([]) }
      rows.append(cells)
      index += 1
    }
    return MarkdownTable(header: header, alignments: alignments, rows: rows)
  }

  /// A row's cells: split at pipes not escaped by a backslash, outer pipes and spaces removed.
  static func tableCells(_ line: Scalars) -> [Scalars] {
    var text = MarkdownSource.trimmed(line)
    if text.first == "|" { text.removeFirst() }
    var cells: [Scalars] = []
    var cell = Scalars()
    var escaped = false
    for scalar in text {
      if scalar == "|" && !escaped {
        cells.append(MarkdownSource.trimmed(cell))
        cell.removeAll()
      } else {
        cell.append(scalar)
      }
      escaped = scalar == "\\" && !escaped
    }
    let last = MarkdownSource.trimmed(cell)
    if !last.isEmpty || cells.isEmpty { cells.append(last) }
    return cells
  }

  static func tableAlignments(_ line: Scalars) -> [MarkdownTable.Alignment]? {
    guard MarkdownSource.leadingSpaces(line) <= 3 else { return nil }
    var result: [MarkdownTable.Alignment] = []
    for cell in tableCells(line) {
      var dashes = cell
      let left = dashes.first == ":"
      if left { dashes.removeFirst() }
      let right = dashes.last == ":"
      if right { dashes.removeLast() }
      guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
      result.append(left && right ? .center : right ? .right : .left)
    }
    return result
  }
}

// MARK: - Layout

/// Lays blocks out into wrapped, styled lines.
struct MarkdownLayout {
  let width: Int
  var lines: [StyledLine] = []
  var headings: [MarkdownHeading] = []

  init(width: Int) { self.width = width }

  /// Renders a sequence of blocks: the first line starts with `first`, every other line with `rest`.
  mutating func render(_ items: [MarkdownItem], first: StyledLine, rest: StyledLine, listDepth: Int) {
    guard !items.isEmpty else {
      emit(StyledLine(), first: first, rest: rest)
      return
    }
    var afterTitle = false
    for (number, item) in items.enumerated() {
      if number > 0 && (item.blankBefore || afterTitle) { emit(StyledLine(), first: rest, rest: rest) }
      render(item.block, first: number == 0 ? first : rest, rest: rest, listDepth: listDepth)
      if case .heading(1, _) = item.block { afterTitle = true } else { afterTitle = false }
    }
  }

  mutating func render(_ block: MarkdownBlock, first: StyledLine, rest: StyledLine, listDepth: Int) {
    switch block {
    case .heading(let level, let text):
      heading(level: level, text: text, first: first, rest: rest)
    case .paragraph(let text):
      let logical = InlineParser.render(text, base: .plain, showURLs: true)
      for (number, runs) in logical.enumerated() {
        emit(StyledLine(runs), first: number == 0 ? first : rest, rest: rest)
      }
    case .code(let body):
      let bar = StyledRun("▏ ", MarkdownStyle.codeBar)
      let codeFirst = first.appending(bar)
      let codeRest = rest.appending(bar)
      if body.isEmpty { emit(StyledLine(), first: codeFirst, rest: codeRest) }
      for (number, line) in body.enumerated() {
        emit(
          StyledLine(MarkdownSource.string(line), MarkdownStyle.codeBlock), first: number == 0 ? codeFirst : codeRest,
          rest: codeRest, atWords: false)
      }
    case .quote(let items):
      let bar = StyledRun("│ ", MarkdownStyle.quoteBar)
      render(items, first: first.appending(bar), rest: rest.appending(bar), listDepth: listDepth)
    case .list(let list):
      self.list(list, first: first, rest: rest, listDepth: listDepth)
    case .rule:
      let length = max(0, width - StyledWrap.width(of: first))
      emit(StyledLine(String(repeating: "─", count: length), MarkdownStyle.rule), first: first, rest: rest)
    case .table(let table):
      self.table(table, first: first, rest: rest)
    }
  }

  mutating func heading(level: Int, text: Scalars, first: StyledLine, rest: StyledLine) {
    let style =
      level == 1
      ? MarkdownStyle.heading1
      : level == 2 ? MarkdownStyle.heading2 : level == 3 ? MarkdownStyle.heading3 : MarkdownStyle.heading4
    let runs = InlineParser.render(text, base: style, showURLs: false).flatMap { $0 }
    let title = runs.map { run in TextCells.split(run.text).map(\.text).joined() }.joined()
    headings.append(MarkdownHeading(level: level, title: title, line: lines.count))
    emit(StyledLine(runs), first: first, rest: rest)
  }

  mutating func list(_ list: MarkdownList, first: StyledLine, rest: StyledLine, listDepth: Int) {
    var markers: [String] = []
    if list.ordered {
      let delimiter = MarkdownSource.string([list.delimiter])
      // Written numbers, except that "1. 1. 1." (every item the same) counts up.
      let counting = list.numbers.count > 1 && list.numbers.allSatisfy { $0 == list.numbers[0] }
      let numbers = list.numbers.indices.map { String(counting ? list.numbers[0] + $0 : list.numbers[$0]) }
      let widest = numbers.map(\.count).max() ?? 0
      markers = numbers.map { String(repeating: " ", count: widest - $0.count) + $0 + delimiter + " " }
    } else {
      let bullet = MarkdownStyle.bullets[listDepth % MarkdownStyle.bullets.count]
      markers = Array(repeating: bullet + " ", count: list.items.count)
    }
    for (number, item) in list.items.enumerated() {
      if number > 0 && list.loose { emit(StyledLine(), first: rest, rest: rest) }
      let marker = StyledRun(markers[number])
      let hang = StyledRun(String(repeating: " ", count: StyledWrap.width(of: StyledLine([marker]))))
      render(
        item, first: (number == 0 ? first : rest).appending(marker), rest: rest.appending(hang),
        listDepth: listDepth + 1)
    }
  }

  mutating func table(_ table: MarkdownTable, first: StyledLine, rest: StyledLine) {
    func cellRuns(_ text: Scalars, header: Bool) -> [StyledRun] {
      let base = header ? MarkdownStyle.tableHeader : Style.plain
      var runs: [StyledRun] = []
      for (number, line) in InlineParser.render(text, base: base, showURLs: true).enumerated() {
        if number > 0 { runs.append(StyledRun(" ", base)) }
        runs.append(contentsOf: line)
      }
      return runs
    }
    let rows =
      [table.header.map { cellRuns($0, header: true) }] + table.rows.map { $0.map { cellRuns($0, header: false) } }
    let columns = table.alignments.count
    var widths = Array(repeating: 0, count: columns)
    for row in rows {
      for (column, cell) in row.enumerated() where column < columns {
        widths[column] = max(widths[column], StyledWrap.width(of: StyledLine(cell)))
      }
    }
    let indent = max(StyledWrap.width(of: first), StyledWrap.width(of: rest))
    let total = widths.reduce(0, +) + 3 * max(0, columns - 1)
    let separator = StyledRun(" │ ", MarkdownStyle.tableLine)
    let aligned = columns > 0 && total <= width - indent
    for (number, row) in rows.enumerated() {
      var runs: [StyledRun] = []
      for (column, cell) in row.enumerated() where column < columns {
        if column > 0 { runs.append(separator) }
        guard aligned else {
          runs.append(contentsOf: cell)
          continue
        }
        let gap = widths[column] - StyledWrap.width(of: StyledLine(cell))
        let before: Int
        switch table.alignments[column] {
        case .left: before = 0
        case .right: before = gap
        case .center: before = gap / 2
        }
        runs.append(StyledRun(String(repeating: " ", count: before)))
        runs.append(contentsOf: cell)
        runs.append(StyledRun(String(repeating: " ", count: gap - before)))
      }
      emit(StyledLine(runs).trimmingTrailingSpaces(), first: number == 0 ? first : rest, rest: rest)
      if number == 0 && aligned {
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")
        emit(StyledLine(rule, MarkdownStyle.tableLine), first: rest, rest: rest)
      }
    }
  }

  /// Wraps `content` and appends it; an empty line is written as its indent without trailing spaces.
  mutating func emit(_ content: StyledLine, first: StyledLine, rest: StyledLine, atWords: Bool = true) {
    let wrapped = StyledWrap.wrap(content, width: width, firstIndent: first, restIndent: rest, atWords: atWords)
    if content.runs.allSatisfy({ $0.text.isEmpty }) {
      lines.append(contentsOf: wrapped.map { $0.trimmingTrailingSpaces() })
    } else {
      lines.append(contentsOf: wrapped)
    }
  }
}

extension StyledLine {
  /// This line with one more run at the end.
  fileprivate func appending(_ run: StyledRun) -> StyledLine { StyledLine(runs + [run]) }

  /// This line without trailing spaces or empty runs.
  fileprivate func trimmingTrailingSpaces() -> StyledLine {
    var runs = self.runs
    while let last = runs.last {
      var text = last.text
      while text.hasSuffix(" ") { text.removeLast() }
      if text.isEmpty {
        runs.removeLast()
      } else {
        runs[runs.count - 1].text = text
        break
      }
    }
    return StyledLine(runs)
  }
}

// MARK: - Inline

/// Parses inline Markdown (code spans, emphasis, links, escapes, entities) into styled runs.
enum InlineParser {
  /// A piece of inline source after escapes, code spans, autolinks and entities are recognised.
  enum Atom {
    /// A character that may still be syntax (`*`, `_`, `[`, …).
    case char(Unicode.Scalar)
    /// Text that is never syntax.
    case literal(String)
    case code(String)
    case autolink(String)

    var firstScalar: Unicode.Scalar {
      switch self {
      case .char(let scalar): scalar
      case .literal(let text): text.unicodeScalars.first ?? " "
      case .code: "`"
      case .autolink: "<"
      }
    }

    var lastScalar: Unicode.Scalar {
      switch self {
      case .char(let scalar): scalar
      case .literal(let text): text.unicodeScalars.last ?? " "
      case .code: "`"
      case .autolink: ">"
      }
    }
  }

  /// A piece ready for styling.
  enum Piece {
    case text(String)
    case code(String)
    case link(label: [StyledRun], url: String)
    case autolink(String)
    case delimiter(Int)
  }

  /// A run of `*` or `_` and how much of it became emphasis.
  struct Delimiter {
    var character: Unicode.Scalar
    var length: Int
    var remaining: Int
    var canOpen: Bool
    var canClose: Bool
    /// Emphasis sizes opened here (1 or 2), innermost first.
    var opens: [Int] = []
    /// Emphasis sizes closed here, innermost first.
    var closes: [Int] = []
  }

  /// Styled runs for `text`, one array per line ("\n" in `text` is a hard break).
  static func render(_ text: Scalars, base: Style, showURLs: Bool) -> [[StyledRun]] {
    let atoms = self.atoms(text)
    let runs = styled(atoms[...], base: base, linksAllowed: true, showURLs: showURLs)
    var lines: [[StyledRun]] = [[]]
    for run in runs {
      let parts = run.text.split(separator: "\n", omittingEmptySubsequences: false)
      for (number, part) in parts.enumerated() {
        if number > 0 { lines.append([]) }
        guard !part.isEmpty else { continue }
        if let last = lines[lines.count - 1].last, last.style == run.style {
          lines[lines.count - 1][lines[lines.count - 1].count - 1].text += part
        } else {
          lines[lines.count - 1].append(StyledRun(String(part), run.style))
        }
      }
    }
    return lines
  }

  // MARK: Atoms

  static func atoms(_ text: Scalars) -> [Atom] {
    // Backtick runs by length, for finding a code span's closer in linear time.
    var runsByLength: [Int: [Int]] = [:]
    var position = 0
    while position < text.count {
      guard text[position] == "`" else {
        position += 1
        continue
      }
      let start = position
      while position < text.count && text[position] == "`" { position += 1 }
      runsByLength[position - start, default: []].append(start)
    }
    var cursors: [Int: Int] = [:]
    func closer(length: Int, after start: Int) -> Int? {
      guard let starts = runsByLength[length] else { return nil }
      var cursor = cursors[length] ?? 0
      while cursor < starts.count && starts[cursor] < start { cursor += 1 }
      cursors[length] = cursor
      return cursor < starts.count ? starts[cursor] : nil
    }

    var atoms: [Atom] = []
    var index = 0
    while index < text.count {
      let scalar = text[index]
      if scalar == "\\" {
        if index + 1 < text.count && isASCIIPunctuation(text[index + 1]) {
          atoms.append(.literal(MarkdownSource.string([text[index + 1]])))
          index += 2
        } else {
          atoms.append(.literal("\\"))
          index += 1
        }
        continue
      }
      if scalar == "`" {
        var end = index
        while end < text.count && text[end] == "`" { end += 1 }
        let length = end - index
        if let close = closer(length: length, after: end) {
          atoms.append(.code(codeContent(text[end..<close])))
          index = close + length
        } else {
          atoms.append(.literal(String(repeating: "`", count: length)))
          index = end
        }
        continue
      }
      if scalar == "<", let (url, end) = autolink(text, index) {
        atoms.append(.autolink(url))
        index = end
        continue
      }
      if scalar == "&", let (decoded, end) = entity(text, index) {
        atoms.append(.literal(decoded))
        index = end
        continue
      }
      atoms.append(.char(scalar))
      index += 1
    }
    return atoms
  }

  static func codeContent(_ source: ArraySlice<Unicode.Scalar>) -> String {
    var content = source.map { $0 == "\n" ? " " : $0 }
    if content.count >= 2 && content.first == " " && content.last == " " && content.contains(where: { $0 != " " }) {
      content.removeFirst()
      content.removeLast()
    }
    return MarkdownSource.string(content)
  }

  /// `<scheme:…>`: the url and the index after `>`.
  static func autolink(_ text: Scalars, _ start: Int) -> (String, Int)? {
    var index = start + 1
    guard index < text.count, isASCIILetter(text[index]) else { return nil }
    while index < text.count && index - start <= 33
      && (isASCIILetter(text[index]) || asciiDigitOrSign(text[index]))
    {
      index += 1
    }
    let schemeLength = index - start - 1
    guard (2...32).contains(schemeLength), index < text.count, text[index] == ":" else { return nil }
    while index < text.count {
      let scalar = text[index]
      if scalar == ">" { return (MarkdownSource.string(text[(start + 1)..<index]), index + 1) }
      if scalar == "<" || scalar.value <= 0x20 || scalar.value == 0x7F { return nil }
      index += 1
    }
    return nil
  }

  /// `&name;`, `&#123;` or `&#x1F;`: the decoded text and the index after `;`.
  static func entity(_ text: Scalars, _ start: Int) -> (String, Int)? {
    var end = start + 1
    while end < text.count && end - start <= 10 && text[end] != ";" { end += 1 }
    guard end < text.count, text[end] == ";", end > start + 1 else { return nil }
    let name = MarkdownSource.string(text[(start + 1)..<end])
    let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}"]
    if let value = named[name] { return (value, end + 1) }
    guard name.hasPrefix("#") else { return nil }
    var digits = name.dropFirst()
    var radix = 10
    if digits.first == "x" || digits.first == "X" {
      digits = digits.dropFirst()
      radix = 16
    }
    guard !digits.isEmpty, digits.count <= 7, let value = UInt32(digits, radix: radix) else { return nil }
    let scalar = value == 0 ? nil : Unicode.Scalar(value)
    return (MarkdownSource.string([scalar ?? "\u{FFFD}"]), end + 1)
  }

  // MARK: Styling

  static func styled(
    _ atoms: ArraySlice<Atom>, base: Style, linksAllowed: Bool, showURLs: Bool
  ) -> [StyledRun] {
    var pieces: [Piece] = []
    var delimiters: [Delimiter] = []

    // Brackets matched as pairs, skipping everything that is not a bare "[" or "]".
    var closing: [Int: Int] = [:]
    if linksAllowed {
      var open: [Int] = []
      for index in atoms.indices {
        guard case .char(let scalar) = atoms[index] else { continue }
        if scalar == "[" {
          open.append(index)
        } else if scalar == "]", let start = open.popLast() {
          closing[start] = index
        }
      }
    }

    func scalarBefore(_ index: Int) -> Unicode.Scalar {
      index > atoms.startIndex ? atoms[index - 1].lastScalar : " "
    }
    func scalarAfter(_ index: Int) -> Unicode.Scalar {
      index < atoms.endIndex ? atoms[index].firstScalar : " "
    }

    var index = atoms.startIndex
    while index < atoms.endIndex {
      switch atoms[index] {
      case .literal(let text):
        pieces.append(.text(text))
        index += 1
      case .code(let text):
        pieces.append(.code(text))
        index += 1
      case .autolink(let url):
        pieces.append(.autolink(url))
        index += 1
      case .char(let scalar):
        if scalar == "!", index + 1 < atoms.endIndex, let link = link(atoms, at: index + 1, closing: closing) {
          let label = styled(atoms[link.label], base: .plain, linksAllowed: false, showURLs: showURLs)
          pieces.append(.link(label: label, url: link.url))
          index = link.end
        } else if scalar == "[", let link = link(atoms, at: index, closing: closing) {
          let label = styled(atoms[link.label], base: .plain, linksAllowed: false, showURLs: showURLs)
          pieces.append(.link(label: label, url: link.url))
          index = link.end
        } else if scalar == "*" || scalar == "_" {
          var end = index
          while end < atoms.endIndex, case .char(let next) = atoms[end], next == scalar { end += 1 }
          let before = scalarBefore(index)
          let after = scalarAfter(end)
          let left = !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before))
          let right = !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after))
          let canOpen = scalar == "*" ? left : left && (!right || isPunctuation(before))
          let canClose = scalar == "*" ? right : right && (!left || isPunctuation(after))
          pieces.append(.delimiter(delimiters.count))
          delimiters.append(
            Delimiter(
              character: scalar, length: end - index, remaining: end - index, canOpen: canOpen, canClose: canClose))
          index = end
        } else {
          pieces.append(.text(MarkdownSource.string([scalar])))
          index += 1
        }
      }
    }

    matchEmphasis(&delimiters)
    return apply(pieces, delimiters, base: base, showURLs: showURLs)
  }

  /// Longest link destination or title looked at, in atoms; keeps failed link attempts linear.
  static let maxLinkPart = 2048

  /// The link starting with "[" at `start`: its label's atoms, url and the index after ")".
  static func link(
    _ atoms: ArraySlice<Atom>, at start: Int, closing: [Int: Int]
  ) -> (label: Range<Int>, url: String, end: Int)? {
    guard case .char("[") = atoms[start], let close = closing[start] else { return nil }
    var index = close + 1
    guard index < atoms.endIndex, case .char("(") = atoms[index] else { return nil }
    index += 1
    func isSpace(_ atom: Atom) -> Bool {
      if case .char(let scalar) = atom { return scalar == " " || scalar == "\n" }
      return false
    }
    while index < atoms.endIndex && isSpace(atoms[index]) { index += 1 }
    var destination = index..<index
    if index < atoms.endIndex, case .autolink = atoms[index] {
      destination = index..<(index + 1)
      index += 1
    } else if index < atoms.endIndex, case .char("<") = atoms[index] {
      let from = index + 1
      index = from
      while true {
        guard index < atoms.endIndex, index - from <= maxLinkPart else { return nil }
        if case .char(">") = atoms[index] { break }
        switch atoms[index] {
        case .char("<"), .char("\n"), .code, .autolink: return nil
        default: index += 1
        }
      }
      destination = from..<index
      index += 1
    } else {
      let from = index
      var depth = 0
      scan: while index < atoms.endIndex {
        guard index - from <= maxLinkPart else { return nil }
        switch atoms[index] {
        case .char(let scalar):
          if scalar == " " || scalar == "\n" || scalar.value < 0x20 { break scan }
          if scalar == "(" { depth += 1 }
          if scalar == ")" {
            if depth == 0 { break scan }
            depth -= 1
          }
        case .literal:
          break
        case .code, .autolink:
          return nil
        }
        index += 1
      }
      guard depth == 0 else { return nil }
      destination = from..<index
    }
    let afterDestination = index
    while index < atoms.endIndex && isSpace(atoms[index]) { index += 1 }
    if index > afterDestination, index < atoms.endIndex, case .char(let quote) = atoms[index],
      quote == "\"" || quote == "'" || quote == "("
    {
      let end: Unicode.Scalar = quote == "(" ? ")" : quote
      let from = index + 1
      index = from
      while true {
        guard index < atoms.endIndex, index - from <= maxLinkPart else { return nil }
        if case .char(let scalar) = atoms[index], scalar == end { break }
        index += 1
      }
      index += 1
      while index < atoms.endIndex && isSpace(atoms[index]) { index += 1 }
    }
    guard index < atoms.endIndex, case .char(")") = atoms[index] else { return nil }
    var url = ""
    for atom in atoms[destination] {
      switch atom {
      case .char(let scalar): url.unicodeScalars.append(scalar)
      case .literal(let text), .autolink(let text): url += text
      case .code: break
      }
    }
    return ((start + 1)..<close, url, index + 1)
  }

  /// Pairs `*`/`_` delimiters into emphasis following CommonMark's delimiter-stack rules.
  static func matchEmphasis(_ delimiters: inout [Delimiter]) {
    var stack: [Int] = []  // Indices of delimiters that may still open, in source order.
    var bottoms = Array(repeating: -1, count: 12)
    for closer in delimiters.indices {
      if delimiters[closer].canClose {
        let key =
          (delimiters[closer].character == "*" ? 0 : 6) + (delimiters[closer].canOpen ? 3 : 0)
          + delimiters[closer].length % 3
        while delimiters[closer].remaining > 0 {
          var found: Int? = nil
          var position = stack.count - 1
          while position >= 0 && stack[position] > bottoms[key] {
            let opener = delimiters[stack[position]]
            let sum = opener.length + delimiters[closer].length
            let oddMatch =
              (opener.canClose || delimiters[closer].canOpen) && sum % 3 == 0
              && !(opener.length % 3 == 0 && delimiters[closer].length % 3 == 0)
            if opener.character == delimiters[closer].character && opener.remaining > 0 && !oddMatch {
              found = position
              break
            }
            position -= 1
          }
          guard let place = found else {
            bottoms[key] = closer - 1
            break
          }
          let opener = stack[place]
          let size = delimiters[opener].remaining >= 2 && delimiters[closer].remaining >= 2 ? 2 : 1
          delimiters[opener].remaining -= size
          delimiters[opener].opens.append(size)
          delimiters[closer].remaining -= size
          delimiters[closer].closes.append(size)
          stack.removeSubrange((place + 1)...)
          if delimiters[opener].remaining == 0 { stack.removeLast() }
        }
      }
      if delimiters[closer].canOpen && delimiters[closer].remaining > 0 { stack.append(closer) }
    }
  }

  static func apply(_ pieces: [Piece], _ delimiters: [Delimiter], base: Style, showURLs: Bool) -> [StyledRun] {
    var runs: [StyledRun] = []
    var stack: [Style] = [base]
    func add(_ text: String, _ style: Style) {
      guard !text.isEmpty else { return }
      if let last = runs.last, last.style == style {
        runs[runs.count - 1].text += text
      } else {
        runs.append(StyledRun(text, style))
      }
    }
    for piece in pieces {
      let current = stack.last ?? base
      switch piece {
      case .text(let text):
        add(text, current)
      case .code(let text):
        add(text, current.merged(with: MarkdownStyle.code))
      case .autolink(let url):
        add(url, current.merged(with: MarkdownStyle.link))
      case .link(let label, let url):
        let style = current.merged(with: MarkdownStyle.link)
        let labelText = label.map(\.text).joined()
        if labelText.isEmpty {
          add(url, style)
        } else {
          for run in label { add(run.text, style.merged(with: run.style)) }
          if showURLs && !url.isEmpty && url != labelText {
            add(" (" + url + ")", current.merged(with: MarkdownStyle.url))
          }
        }
      case .delimiter(let number):
        let delimiter = delimiters[number]
        for _ in delimiter.closes where stack.count > 1 { stack.removeLast() }
        let literal = MarkdownSource.string(repeatElement(delimiter.character, count: delimiter.remaining))
        add(literal, stack.last ?? base)
        for size in delimiter.opens.reversed() {
          let top = stack.last ?? base
          stack.append(top.merged(with: size == 2 ? MarkdownStyle.strong : MarkdownStyle.emphasis))
        }
      }
    }
    return runs
  }

  // MARK: Character classes

  static func isASCIIPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: true
    default: false
    }
  }

  static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
    (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value)
  }

  static func asciiDigitOrSign(_ scalar: Unicode.Scalar) -> Bool {
    (0x30...0x39).contains(scalar.value) || scalar == "+" || scalar == "." || scalar == "-"
  }

  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || scalar == "\n"
  }

  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    if isASCIIPunctuation(scalar) { return true }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
      return true
    default:
      return false
    }
  }
}
