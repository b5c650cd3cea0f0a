import Testing

@testable import TallyText

/// A wrapped line reduced to what the tests compare: drawn text, columns and source range.
private struct Line: Equatable, CustomStringConvertible {
  var text: String
  var width: Int
  var start: Int
  var end: Int

  init(_ text: String, _ width: Int, _ start: Int, _ end: Int) {
    self.text = text
    self.width = width
    self.start = start
    self.end = end
  }

  var description: String { "\"\(text)\" w\(width) \(start)..<\(end)" }
}

/// Wraps and summarises.
private func wrapped(_ text: String, width: Int, tabWidth: Int = 4) -> [Line] {
  TextWrap.wrap(text, width: width, tabWidth: tabWidth).map {
    Line($0.cells.map(\.text).joined(), $0.width, $0.sourceStart, $0.sourceEnd)
  }
}

@Suite("TextWrap")
struct TextWrapTests {
  @Test func emptyTextIsOneEmptyLine() {
    #expect(
      TextWrap.wrap("", width: 10) == [
        WrappedLine(cells: [], width: 0, sourceStart: 0, sourceEnd: 0)
      ])
  }

  @Test func shortTextIsOneLine() {
    #expect(wrapped("hello world", width: 20) == [Line("hello world", 11, 0, 11)])
    #expect(wrapped("hello world", width: 11) == [Line("hello world", 11, 0, 11)])
  }

  @Test func breaksAfterTheLastSpaceThatFits() {
    #expect(wrapped("hello world", width: 8) == [Line("hello ", 6, 0, 6), Line("world", 5, 6, 11)])
    #expect(
      wrapped("the quick brown fox", width: 10) == [
        Line("the quick ", 10, 0, 10), Line("brown fox", 9, 10, 19),
      ])
  }

  @Test func spacesAtTheBreakBelongToTheLineButDoNotOverflow() {
    // The space after "hello" does not fit in 5 columns: it ends the line without a cell.
    #expect(wrapped("hello world", width: 5) == [Line("hello", 5, 0, 6), Line("world", 5, 6, 11)])
    // A run of spaces at the break: those that fit are kept, the rest are swallowed.
    #expect(
      wrapped("hello   world", width: 6) == [Line("hello ", 6, 0, 8), Line("world", 5, 8, 13)])
  }

  @Test func leadingSpacesOfALineAreKept() {
    #expect(wrapped("  ab cd", width: 5) == [Line("  ab ", 5, 0, 5), Line("cd", 2, 5, 7)])
  }

  @Test func longWordIsBrokenByCells() {
    #expect(
      wrapped("abcdefghij", width: 4) == [
        Line("abcd", 4, 0, 4), Line("efgh", 4, 4, 8), Line("ij", 2, 8, 10),
      ])
    #expect(
      wrapped("ab cdefghij", width: 5) == [
        Line("ab ", 3, 0, 3), Line("cdefg", 5, 3, 8), Line("hij", 3, 8, 11),
      ])
  }

  @Test func newlinesStartNewLines() {
    #expect(wrapped("a\nb", width: 10) == [Line("a", 1, 0, 2), Line("b", 1, 2, 3)])
    #expect(wrapped("a\r\nb", width: 10) == [Line("a", 1, 0, 3), Line("b", 1, 3, 4)])
    #expect(wrapped("a\n", width: 10) == [Line("a", 1, 0, 2), Line("", 0, 2, 2)])
    #expect(
      wrapped("\n\n", width: 10) == [Line("", 0, 0, 1), Line("", 0, 1, 2), Line("", 0, 2, 2)])
    // A newline right after a full line does not add an empty line.
    #expect(wrapped("abcd\nef", width: 4) == [Line("abcd", 4, 0, 5), Line("ef", 2, 5, 7)])
    // Swallowed spaces before a newline stay on the line they end.
    #expect(wrapped("abcd  \nef", width: 4) == [Line("abcd", 4, 0, 7), Line("ef", 2, 7, 9)])
  }

  @Test func loneCarriageReturnIsAPlaceholder() {
    #expect(wrapped("a\rb", width: 10) == [Line("a\u{240D}b", 3, 0, 3)])
    #expect(wrapped("a\r", width: 10) == [Line("a\u{240D}", 2, 0, 2)])
  }

  @Test func tabsExpandToTheNextStop() {
    let lines = TextWrap.wrap("a\tb", width: 20)
    #expect(
      lines == [
        WrappedLine(
          cells: [
            TextCell(text: "a", width: 1, sourceOffset: 0, sourceLength: 1),
            TextCell(text: " ", width: 1, sourceOffset: 1, sourceLength: 1),
            TextCell(text: " ", width: 1, sourceOffset: 1, sourceLength: 1),
            TextCell(text: " ", width: 1, sourceOffset: 1, sourceLength: 1),
            TextCell(text: "b", width: 1, sourceOffset: 2, sourceLength: 1),
          ], width: 5, sourceStart: 0, sourceEnd: 3)
      ])
    #expect(wrapped("\tx", width: 20) == [Line("    x", 5, 0, 2)])
    #expect(wrapped("abcd\tx", width: 20) == [Line("abcd    x", 9, 0, 6)])
    #expect(wrapped("ab\tx", width: 20, tabWidth: 8) == [Line("ab      x", 9, 0, 4)])
    // A tab width below 1 counts as 1.
    #expect(wrapped("ab\tx", width: 20, tabWidth: 0) == [Line("ab x", 4, 0, 4)])
  }

  @Test func tabsAtTheEdge() {
    // The stop at 8 is clipped to the edge at 6; the tab is a break opportunity.
    #expect(wrapped("abcde\tx", width: 6) == [Line("abcde ", 6, 0, 6), Line("x", 1, 6, 7)])
    // No room at all: the tab is swallowed like a space at the break.
    #expect(wrapped("abcd\tx", width: 4) == [Line("abcd", 4, 0, 5), Line("x", 1, 5, 6)])
    // Tab stops count from the start of the wrapped line.
    #expect(
      wrapped("abcdef gh\tx", width: 7) == [Line("abcdef ", 7, 0, 7), Line("gh  x", 5, 7, 11)])
  }

  @Test func wideCellIsNeverSplit() {
    #expect(wrapped("abcd日", width: 5) == [Line("abcd", 4, 0, 4), Line("日", 2, 4, 5)])
    #expect(
      wrapped("日本語テキスト", width: 5) == [
        Line("日本", 4, 0, 2), Line("語テ", 4, 2, 4), Line("キス", 4, 4, 6), Line("ト", 2, 6, 7),
      ])
  }

  @Test func wideCellInWidthOneBecomesEllipsis() {
    let lines = TextWrap.wrap("日a", width: 1)
    #expect(
      lines.map(\.cells) == [
        [TextCell(text: "\u{2026}", width: 1, sourceOffset: 0, sourceLength: 1)],
        [TextCell(text: "a", width: 1, sourceOffset: 1, sourceLength: 1)],
      ])
    #expect(wrapped("a日", width: 1) == [Line("a", 1, 0, 1), Line("\u{2026}", 1, 1, 2)])
  }

  @Test func widthBelowOneCountsAsOne() {
    #expect(wrapped("ab", width: 0) == [Line("a", 1, 0, 1), Line("b", 1, 1, 2)])
    #expect(wrapped("ab", width: -5) == [Line("a", 1, 0, 1), Line("b", 1, 1, 2)])
  }

  @Test func offsetsAfterEmojiAndCJKAreCodePoints() {
    #expect(
      wrapped("😀 日本 x", width: 5) == [
        Line("😀 ", 3, 0, 2), Line("日本 ", 5, 2, 5), Line("x", 1, 5, 6),
      ])
    let lines = TextWrap.wrap("👨\u{200D}👩 ok", width: 20)
    #expect(lines.count == 1)
    #expect(lines[0].cells.map(\.sourceOffset) == [0, 2, 3, 4, 5])
    #expect(lines[0].width == 7)
    #expect(lines[0].sourceEnd == 6)
  }

  @Test func combiningMarksStayWithTheirBaseAcrossBreaks() {
    #expect(
      wrapped("e\u{301}e\u{301}e\u{301}", width: 2) == [
        Line("e\u{301}e\u{301}", 2, 0, 4), Line("e\u{301}", 1, 4, 6),
      ])
  }

  @Test func escapeSequencesArePlaceholdersWhenWrapped() {
    #expect(wrapped("\u{1B}[31mred", width: 20) == [Line("\u{241B}[31mred", 8, 0, 8)])
    #expect(
      wrapped("\u{1B}[31mred", width: 4) == [Line("\u{241B}[31", 4, 0, 4), Line("mred", 4, 4, 8)])
  }

  @Test(arguments: [1, 2, 3, 5, 8, 13, 80])
  func linesPartitionTheSourceAndFit(width: Int) {
    let text =
      "Lorem ipsum\tdolor 日本語 e\u{301}\u{302} 👨\u{200D}👩\u{200D}👧   sit\r\namet,\n\nconsectetur"
      + " \u{1B}[1mbold\u{1B}[0m \u{FEFF}x\u{202E}y \u{301}z supercalifragilisticexpialidocious 🇯🇵\n"
    let lines = TextWrap.wrap(text, width: width, tabWidth: 4)
    #expect(lines.first?.sourceStart == 0)
    #expect(lines.last?.sourceEnd == text.unicodeScalars.count)
    for (index, line) in lines.enumerated() {
      #expect(line.width == line.cells.reduce(0) { $0 + $1.width })
      #expect(line.width <= width)
      #expect(line.sourceStart <= line.sourceEnd)
      if index > 0 { #expect(line.sourceStart == lines[index - 1].sourceEnd) }
      for cell in line.cells {
        #expect(cell.sourceOffset >= line.sourceStart)
        #expect(cell.sourceOffset + cell.sourceLength <= line.sourceEnd)
      }
    }
    // Nothing but whitespace and the BOM is lost: the drawn text is the source's, minus breaks.
    let drawn = lines.map { $0.cells.map(\.text).joined() }.joined()
    #expect(drawn.contains("supercal") || width < 8)
    #expect(!drawn.unicodeScalars.contains { DisplayWidth.isControl($0.value) })
  }
}
