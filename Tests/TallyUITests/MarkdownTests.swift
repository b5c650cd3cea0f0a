import TallyCore
import TallyText
import Testing

@testable import TallyUI

/// A guideline using every supported construct.
private let sample = """
  # Labelling guide

  Read each *sample* and pick **one** label.
  Use `skip` when unsure.

  ## Labels

  - **spam**: unsolicited ads, phishing and other bulk mail
  - ham: everything else
    + replies
      * forwards

  1. First step
  2. Second step
  10. Tenth step

  ### Edge cases

  > Quoted advice that is long enough to wrap.
  > > Nested quote.

  ```swift
  let label = "spam" // a long comment that wraps
  ```

      indented  code

  ***

  | Label | Meaning |
  |:------|--------:|
  | spam  | ads |

  See [the docs](https://example.com) or <https://x.org>.
  Escaped \\*stars\\*, *unclosed, <b>html</b> &amp; a\ttab.
  """

private let sampleAt40 = """
  Labelling guide

  Read each sample and pick one label. Use
  skip when unsure.

  Labels

  • spam: unsolicited ads, phishing and
    other bulk mail
  • ham: everything else
    ◦ replies
      ▪ forwards

   1. First step
   2. Second step
  10. Tenth step

  Edge cases

  │ Quoted advice that is long enough to
  │ wrap.
  │ │ Nested quote.

  ▏ let label = "spam" // a long comment t
  ▏ hat wraps

  ▏ indented  code

  ────────────────────────────────────────

  Label │ Meaning
  ──────┼────────
  spam  │     ads

  See the docs (https://example.com) or
  https://x.org. Escaped *stars*,
  *unclosed, <b>html</b> & a   tab.
  """

private func plain(_ rendered: RenderedMarkdown) -> String {
  rendered.lines.map(\.plainText).joined(separator: "\n")
}

private func width(_ line: StyledLine) -> Int {
  line.runs.reduce(0) { total, run in total + TextCells.split(run.text).reduce(0) { $0 + $1.width } }
}

@Suite struct MarkdownRenderTests {
  @Test func sampleRendersEveryConstruct() {
    let rendered = MarkdownRenderer.render(sample, width: 40)
    #expect(plain(rendered) == sampleAt40)
    for line in rendered.lines { #expect(width(line) <= 40) }
  }

  @Test func headingsAreIndexedByRenderedLine() {
    let rendered = MarkdownRenderer.render(sample, width: 40)
    #expect(
      rendered.headings == [
        MarkdownHeading(level: 1, title: "Labelling guide", line: 0),
        MarkdownHeading(level: 2, title: "Labels", line: 5),
        MarkdownHeading(level: 3, title: "Edge cases", line: 17),
      ])
  }

  @Test func headingTitlesDropMarkupAndURLs() {
    let rendered = MarkdownRenderer.render("## Use *care* with [links](http://x) ##\n\nSetext\n===", width: 40)
    #expect(
      rendered.headings == [
        MarkdownHeading(level: 2, title: "Use care with links", line: 0),
        MarkdownHeading(level: 1, title: "Setext", line: 2),
      ])
    #expect(plain(rendered) == "Use care with links\n\nSetext")
  }

  @Test func headingStyles() {
    let rendered = MarkdownRenderer.render(sample, width: 40)
    #expect(rendered.lines[0].runs == [StyledRun("Labelling guide", Style(bold: true, underline: true))])
    #expect(rendered.lines[5].runs == [StyledRun("Labels", .bold)])
    // Level 3 and deeper render as headings (no `###` marks): bold, and bold italic from level 4.
    #expect(rendered.lines[17].runs == [StyledRun("Edge cases", .bold)])
    let deep = MarkdownRenderer.render("#### Fine print\n\n###### Smallest", width: 40)
    #expect(deep.lines[0].runs == [StyledRun("Fine print", Style(bold: true, italic: true))])
    #expect(plain(deep) == "Fine print\n\nSmallest")
  }

  @Test func lineBreaksModeKeepsEveryNewline() {
    let text = "First line\nsecond line\n\n- item one\n  continued\n\n```\ncode\n```"
    #expect(
      plain(MarkdownRenderer.render(text, width: 40)) == "First line second line\n\n• item one continued\n\n▏ code")
    #expect(
      plain(MarkdownRenderer.render(text, width: 40, lineBreaks: true))
        == "First line\nsecond line\n\n• item one\n  continued\n\n▏ code")
  }

  @Test func inlineStyles() {
    let rendered = MarkdownRenderer.render(sample, width: 40)
    #expect(
      rendered.lines[2].runs == [
        StyledRun("Read each "), StyledRun("sample", .italic), StyledRun(" and pick "), StyledRun("one", .bold),
        StyledRun(" label. Use"),
      ])
    #expect(
      rendered.lines[3].runs == [StyledRun("skip", Style(bold: true, foreground: .cyan)), StyledRun(" when unsure.")])
    #expect(
      rendered.lines[7].runs == [
        StyledRun("• "), StyledRun("spam", .bold), StyledRun(": unsolicited ads, phishing and"),
      ])
    #expect(
      rendered.lines[34].runs == [
        StyledRun("See "), StyledRun("the docs", Style(underline: true, foreground: .blue)),
        StyledRun(" (https://example.com)", .dim), StyledRun(" or"),
      ])
  }

  @Test func blockDecorationStyles() {
    let rendered = MarkdownRenderer.render(sample, width: 40)
    #expect(rendered.lines[19].runs.first == StyledRun("│ ", .dim))
    #expect(
      rendered.lines[23].runs == [
        StyledRun("▏ ", .dim), StyledRun("let label = \"spam\" // a long comment t", Style(foreground: .cyan)),
      ])
    #expect(rendered.lines[28].runs == [StyledRun(String(repeating: "─", count: 40), .dim)])
    #expect(
      rendered.lines[30].runs == [StyledRun("Label", .bold), StyledRun(" │ ", .dim), StyledRun("Meaning", .bold)])
    #expect(rendered.lines[32].runs == [StyledRun("spam "), StyledRun(" │ ", .dim), StyledRun("    ads")])
  }

  @Test func nestedEmphasis() {
    let rendered = MarkdownRenderer.render("***all*** **b *bi* b** snake_case_name", width: 60)
    #expect(
      rendered.lines[0].runs == [
        StyledRun("all", Style(bold: true, italic: true)), StyledRun(" "), StyledRun("b ", .bold),
        StyledRun("bi", Style(bold: true, italic: true)), StyledRun(" b", .bold), StyledRun(" snake_case_name"),
      ])
  }

  @Test func unclosedMarkersStayLiteral() {
    let rendered = MarkdownRenderer.render("*a **b `c [d](e __f", width: 60)
    #expect(plain(rendered) == "*a **b `c [d](e __f")
    #expect(rendered.lines[0].runs == [StyledRun("*a **b `c [d](e __f")])
  }

  @Test func listsNestQuotesAndCode() {
    let markdown = """
      1. one
      1. two
         ```
         code
         ```
      1. three

      - a

      - b
        > quoted
      """
    let rendered = MarkdownRenderer.render(markdown, width: 30)
    #expect(plain(rendered) == "1. one\n2. two\n   ▏ code\n3. three\n\n• a\n\n• b\n  │ quoted")
  }

  @Test func hardBreaksAndLazyQuotes() {
    let rendered = MarkdownRenderer.render("one  \ntwo\\\nthree\n\n> quoted\nlazy line", width: 30)
    #expect(plain(rendered) == "one\ntwo\nthree\n\n│ quoted lazy line")
  }

  @Test func cjkWrapsWithinWidth() {
    let rendered = MarkdownRenderer.render("日本語の文章は空白なしで折り返します。English words too.", width: 16)
    #expect(plain(rendered) == "日本語の文章は空\n白なしで折り返し\nます。English\nwords too.")
    for line in rendered.lines { #expect(width(line) <= 16) }

    let item = MarkdownRenderer.render("- 注意: 迷ったら skip を選ぶ", width: 12)
    #expect(plain(item) == "• 注意: 迷っ\n  たら skip\n  を選ぶ")
    for line in item.lines { #expect(width(line) <= 12) }
  }

  @Test func controlCharactersNeverReachTheOutput() {
    let rendered = MarkdownRenderer.render("a\u{1B}[31mred\u{07}\n\n```\n\u{1B}]0;title\u{07}\n```", width: 30)
    for line in rendered.lines {
      for run in line.runs {
        #expect(!run.text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
      }
    }
  }

  @Test func survivesRandomInput() {
    let alphabet = [
      "*", "_", "`", "[", "]", "(", ")", "<", ">", "!", "#", "-", "+", "1.", "2)", " ", "    ", "\n", "\n\n", "\t",
      "\\", "|", ":", "~~~", "```", "&amp;", "&#", ";", "a", "word", "日本", "é", "\u{301}", "\r\n", "=", "\u{0}",
      "\u{1B}", "http:",
    ]
    var random = SplitMix64(seed: 42)
    for _ in 0..<500 {
      var text = ""
      for _ in 0..<random.next(below: 60) { text += alphabet[random.next(below: alphabet.count)] }
      let columns = random.next(below: 50) - 2
      let rendered = MarkdownRenderer.render(text, width: columns)
      for line in rendered.lines { #expect(width(line) <= max(0, columns)) }
      for heading in rendered.headings { #expect(heading.line >= 0 && heading.line < rendered.lines.count) }
      _ = MarkdownRenderer.search(rendered, for: alphabet[random.next(below: alphabet.count)])
    }
    let deep = MarkdownRenderer.render(String(repeating: "> - ", count: 500) + "x", width: 20)
    for line in deep.lines { #expect(width(line) <= 20) }
  }
}

@Suite struct MarkdownSearchTests {
  @Test func findsCaseInsensitiveMatchesByDisplayColumn() {
    let rendered = MarkdownRenderer.render("日本語 Spam spam\n\n- 迷ったら SPAM", width: 40)
    #expect(plain(rendered) == "日本語 Spam spam\n\n• 迷ったら SPAM")
    #expect(
      MarkdownRenderer.search(rendered, for: "spam") == [
        SearchHit(line: 0, column: 7, length: 4),
        SearchHit(line: 0, column: 12, length: 4),
        SearchHit(line: 2, column: 11, length: 4),
      ])
    #expect(MarkdownRenderer.search(rendered, for: "ら s") == [SearchHit(line: 2, column: 8, length: 4)])
    #expect(MarkdownRenderer.search(rendered, for: "本語") == [SearchHit(line: 0, column: 2, length: 4)])
  }

  @Test func emptyOrMissingQueryFindsNothing() {
    let rendered = MarkdownRenderer.render(sample, width: 40)
    #expect(MarkdownRenderer.search(rendered, for: "").isEmpty)
    #expect(MarkdownRenderer.search(rendered, for: "absent").isEmpty)
  }

  @Test func matchesInSampleHeadingsAndCode() {
    let rendered = MarkdownRenderer.render(sample, width: 40)
    #expect(
      MarkdownRenderer.search(rendered, for: "LABEL") == [
        SearchHit(line: 0, column: 0, length: 5),
        SearchHit(line: 2, column: 30, length: 5),
        SearchHit(line: 5, column: 0, length: 5),
        SearchHit(line: 23, column: 6, length: 5),
        SearchHit(line: 30, column: 0, length: 5),
      ])
  }
}

@Suite struct StyledWrapTests {
  @Test func breaksAfterSpacesAndDropsThem() {
    let lines = StyledWrap.wrap(StyledLine("aaa bbb ccc"), width: 7)
    #expect(lines.map(\.plainText) == ["aaa bbb", "ccc"])
  }

  @Test func keepsStylesAcrossBreaks() {
    let line = StyledLine([StyledRun("one two", .bold), StyledRun(" three", .italic)])
    let lines = StyledWrap.wrap(line, width: 4)
    #expect(
      lines == [
        StyledLine([StyledRun("one", .bold)]), StyledLine([StyledRun("two", .bold)]),
        StyledLine([StyledRun("thre", .italic)]), StyledLine([StyledRun("e", .italic)]),
      ])
  }

  @Test func prefixesIndents() {
    let lines = StyledWrap.wrap(
      StyledLine("first second third"), width: 10, firstIndent: StyledLine("• "), restIndent: StyledLine("  "))
    #expect(lines.map(\.plainText) == ["• first", "  second", "  third"])
  }

  @Test func neverSplitsWideCells() {
    #expect(StyledWrap.wrap(StyledLine("日本語"), width: 5).map(\.plainText) == ["日本", "語"])
    #expect(StyledWrap.wrap(StyledLine("ab日本"), width: 3).map(\.plainText) == ["ab", "日", "本"])
    // A wide cell cannot fit in one column at all: it becomes a space rather than overflowing.
    #expect(StyledWrap.wrap(StyledLine("日"), width: 1).map(\.plainText) == [" "])
  }

  @Test func clipsIndentsThatLeaveNoRoom() {
    let lines = StyledWrap.wrap(StyledLine("abc"), width: 4, firstIndent: StyledLine("│ │ │ "))
    #expect(lines.map(\.plainText) == ["│ ab", "c"])
    for line in lines { #expect(width(line) <= 4) }
  }

  @Test func emptyInputGivesTheIndentAlone() {
    #expect(StyledWrap.wrap(StyledLine(), width: 10, firstIndent: StyledLine("> ")) == [StyledLine("> ")])
    #expect(StyledWrap.wrap(StyledLine("text"), width: 0) == [StyledLine()])
  }
}

/// A small deterministic random generator, so fuzz failures reproduce.
private struct SplitMix64 {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next(below bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    value ^= value >> 31
    return Int(value % UInt64(max(1, bound)))
  }
}
