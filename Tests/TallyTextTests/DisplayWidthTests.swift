import Glibc
import Testing

@testable import TallyText

/// glibc's `wcwidth`, declared directly so the test does not depend on how Glibc imports `wchar_t`.
// swift-format-ignore: AlwaysUseLowerCamelCase
@_silgen_name("wcwidth") func c_wcwidth(_ c: Int32) -> Int32

/// Shorthand for an expected cell.
private func cell(_ text: String, _ width: Int, _ offset: Int, _ length: Int) -> TextCell {
  TextCell(text: text, width: width, sourceOffset: offset, sourceLength: length)
}

/// The scalar with this value (test inputs are all valid scalars).
private func scalar(_ value: UInt32) -> Unicode.Scalar {
  Unicode.Scalar(value) ?? "?"
}

@Suite("DisplayWidth")
struct DisplayWidthTests {
  @Test func agreesWithGlibcWcwidthForEveryScalar() throws {
    try #require(setlocale(LC_ALL, "C.UTF-8") != nil)
    var mismatches: [String] = []
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
      let glibc = Int(c_wcwidth(Int32(value)))
      // The raw table must be glibc's, scalar for scalar.
      if DisplayWidth.glibcWidth(value) != glibc {
        mismatches.append("table U+\(String(value, radix: 16)): glibc \(glibc)")
      }
      if DisplayWidth.isControl(value) {
        if DisplayWidth.of(scalar) != -1 {
          mismatches.append("control U+\(String(value, radix: 16))")
        }
        continue
      }
      // Unprintable non-controls are drawn as a width-1 U+FFFD, so they count 1.
      let expected = glibc < 0 ? 1 : glibc
      if DisplayWidth.of(scalar) != expected {
        mismatches.append(
          "U+\(String(value, radix: 16)): glibc \(glibc), ours \(DisplayWidth.of(scalar))")
      }
      if mismatches.count > 20 { break }
    }
    #expect(mismatches == [])
  }

  @Test func widthsOfSingleScalars() {
    #expect(DisplayWidth.of("a" as Unicode.Scalar) == 1)
    #expect(DisplayWidth.of(" " as Unicode.Scalar) == 1)
    #expect(DisplayWidth.of("~" as Unicode.Scalar) == 1)
    #expect(DisplayWidth.of("é" as Unicode.Scalar) == 1)
    #expect(DisplayWidth.of("日" as Unicode.Scalar) == 2)
    #expect(DisplayWidth.of("\u{3000}" as Unicode.Scalar) == 2)  // ideographic space
    #expect(DisplayWidth.of("\u{1100}" as Unicode.Scalar) == 2)  // Hangul choseong
    #expect(DisplayWidth.of("\u{1161}" as Unicode.Scalar) == 0)  // Hangul jungseong rides on it
    #expect(DisplayWidth.of("😀" as Unicode.Scalar) == 2)
    // glibc quirks: a skin tone modifier is wide on its own, a regional indicator is narrow.
    #expect(DisplayWidth.of("\u{1F3FD}" as Unicode.Scalar) == 2)
    #expect(DisplayWidth.of("\u{1F1FA}" as Unicode.Scalar) == 1)
    #expect(DisplayWidth.of("\u{2764}" as Unicode.Scalar) == 1)  // heavy black heart
    #expect(DisplayWidth.of("\u{0301}" as Unicode.Scalar) == 0)
    #expect(DisplayWidth.of("\u{200B}" as Unicode.Scalar) == 0)
    #expect(DisplayWidth.of("\u{200D}" as Unicode.Scalar) == 0)
    #expect(DisplayWidth.of("\u{FE0F}" as Unicode.Scalar) == 0)
    #expect(DisplayWidth.of("\u{FEFF}" as Unicode.Scalar) == 0)
    // glibc's width for a bidi override; split draws it as a placeholder.
    #expect(DisplayWidth.of("\u{202E}" as Unicode.Scalar) == 0)
    #expect(DisplayWidth.of("\u{00AD}" as Unicode.Scalar) == 1)  // soft hyphen: glibc says 1
    #expect(DisplayWidth.of("\u{0000}" as Unicode.Scalar) == -1)
    #expect(DisplayWidth.of("\u{1B}" as Unicode.Scalar) == -1)
    #expect(DisplayWidth.of("\n" as Unicode.Scalar) == -1)
    #expect(DisplayWidth.of("\u{7F}" as Unicode.Scalar) == -1)
    #expect(DisplayWidth.of("\u{85}" as Unicode.Scalar) == -1)
    #expect(DisplayWidth.of("\u{9F}" as Unicode.Scalar) == -1)
    #expect(DisplayWidth.of("\u{A0}" as Unicode.Scalar) == 1)
    // glibc -1 but not a control: drawn as U+FFFD, so 1.
    #expect(DisplayWidth.glibcWidth(0x0378) == -1)
    #expect(DisplayWidth.of(scalar(0x0378)) == 1)
    #expect(DisplayWidth.glibcWidth(0xFFFF) == -1)
    #expect(DisplayWidth.of(scalar(0xFFFF)) == 1)
    #expect(DisplayWidth.glibcWidth(0x2028) == -1)
    #expect(DisplayWidth.of(scalar(0x2028)) == 1)
    #expect(DisplayWidth.of(scalar(0x10FFFF)) == 1)
  }

  @Test func widthsOfStrings() {
    #expect(DisplayWidth.of("") == 0)
    #expect(DisplayWidth.of("hello") == 5)
    #expect(DisplayWidth.of("日本語") == 6)
    #expect(DisplayWidth.of("e\u{301}") == 1)
    #expect(DisplayWidth.of("\u{301}") == 1)  // drawn on a ◌
    #expect(DisplayWidth.of("\u{1B}[31m") == 5)  // ␛ [ 3 1 m
    #expect(DisplayWidth.of("👨\u{200D}👩\u{200D}👧") == 6)
    #expect(DisplayWidth.of("🇺🇸") == 2)
    #expect(DisplayWidth.of("\u{FEFF}a") == 1)
    #expect(DisplayWidth.of("a\u{202E}b") == 3)
    #expect(DisplayWidth.of("a\tb\n") == 4)
  }

  @Test(arguments: [
    "", "plain ascii", "e\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}", "\u{301}\u{302}",
    "\u{1B}\u{301}",
    "\u{FEFF}\u{FEFF}x", "\u{202E}\u{301}", "日本\u{3099}語", "👍🏽 🇯🇵 ❤\u{FE0F}", "\u{378}\u{301}",
    "a\u{200B}b", "\r\n\t\u{0}\u{7F}\u{85}", "\u{1100}\u{1161}\u{11A8}",
  ])
  func stringWidthIsTheSumOfCellWidths(_ text: String) {
    #expect(DisplayWidth.of(text) == TextCells.split(text).reduce(0) { $0 + $1.width })
  }
}

@Suite("TextCells.split")
struct TextCellsTests {
  @Test func emptyText() {
    #expect(TextCells.split("") == [])
  }

  @Test func asciiIsOneCellPerScalar() {
    #expect(
      TextCells.split("ab c") == [
        cell("a", 1, 0, 1), cell("b", 1, 1, 1), cell(" ", 1, 2, 1), cell("c", 1, 3, 1),
      ])
  }

  @Test func startOffsetShiftsOffsets() {
    #expect(TextCells.split("ab", startOffset: 10) == [cell("a", 1, 10, 1), cell("b", 1, 11, 1)])
  }

  @Test func cjkTakesTwoColumns() {
    #expect(TextCells.split("日本a") == [cell("日", 2, 0, 1), cell("本", 2, 1, 1), cell("a", 1, 2, 1)])
  }

  @Test func combiningMarkRidesOnItsBase() {
    // é written as e + U+0301 is one cell of width 1 standing for two code points.
    #expect(TextCells.split("e\u{301}x") == [cell("e\u{301}", 1, 0, 2), cell("x", 1, 2, 1)])
    // Precomposed é is one scalar.
    #expect(TextCells.split("\u{E9}") == [cell("\u{E9}", 1, 0, 1)])
  }

  @Test func hangulJamoCombineIntoOneWideCell() {
    #expect(
      TextCells.split("\u{1100}\u{1161}\u{11A8}") == [cell("\u{1100}\u{1161}\u{11A8}", 2, 0, 3)])
  }

  @Test func atMostFourZeroWidthScalarsAreDrawn() {
    let marks = "\u{301}\u{302}\u{303}\u{304}\u{305}\u{306}"
    #expect(
      TextCells.split("a" + marks + "b") == [
        cell("a\u{301}\u{302}\u{303}\u{304}", 1, 0, 7), cell("b", 1, 7, 1),
      ])
  }

  @Test func zeroWidthWithoutBaseGetsDottedCircle() {
    #expect(TextCells.split("\u{301}a") == [cell("\u{25CC}\u{301}", 1, 0, 1), cell("a", 1, 1, 1)])
    // After a placeholder, too: nothing rides on a placeholder.
    #expect(
      TextCells.split("\u{1B}\u{301}") == [
        cell("\u{241B}", 1, 0, 1), cell("\u{25CC}\u{301}", 1, 1, 1),
      ])
    #expect(
      TextCells.split("\u{301}\u{302}\u{303}\u{304}\u{305}")
        == [cell("\u{25CC}\u{301}\u{302}\u{303}\u{304}", 1, 0, 5)])
  }

  @Test func zeroWidthSpaceRidesOnPreviousBase() {
    #expect(TextCells.split("a\u{200B}b") == [cell("a\u{200B}", 1, 0, 2), cell("b", 1, 2, 1)])
  }

  @Test func emojiOffsetsAreCodePoints() {
    // 😀 is 2 UTF-16 units and 4 UTF-8 bytes but one code point.
    #expect(
      TextCells.split("😀a日b") == [
        cell("😀", 2, 0, 1), cell("a", 1, 1, 1), cell("日", 2, 2, 1), cell("b", 1, 3, 1),
      ])
  }

  @Test func emojiVariationSelectorIsCountedNotDrawn() {
    // Terminals disagree about ❤️ (1 or 2 columns); without the selector it is 1 everywhere.
    #expect(
      TextCells.split("\u{2764}\u{FE0F}!") == [
        cell("\u{2764}", 1, 0, 2), cell("!", 1, 2, 1),
      ])
    // Other variation selectors still ride on their base.
    #expect(TextCells.split("\u{845B}\u{E0100}") == [cell("\u{845B}\u{E0100}", 2, 0, 2)])
  }

  @Test func zwjSequenceIsOneCellPerBaseWithoutTheJoiner() {
    // Each base scalar gets its own cell; the ZWJ is not sent (some terminals would join the sequence
    // into one 2-column glyph) but counts in the cell before it, so offsets stay exact.
    #expect(
      TextCells.split("👨\u{200D}👩\u{200D}👧x") == [
        cell("👨", 2, 0, 2), cell("👩", 2, 2, 2), cell("👧", 2, 4, 1),
        cell("x", 1, 5, 1),
      ])
  }

  @Test func skinToneModifierIsItsOwnWideCell() {
    // glibc gives U+1F3FB...U+1F3FF width 2, so 👍🏽 takes four columns under ncurses.
    #expect(TextCells.split("👍🏽") == [cell("👍", 2, 0, 1), cell("🏽", 2, 1, 1)])
  }

  @Test func flagIsTwoRegionalIndicatorCells() {
    #expect(TextCells.split("🇺🇸") == [cell("🇺", 1, 0, 1), cell("🇸", 1, 1, 1)])
  }

  @Test func escapeSequenceBecomesVisiblePlaceholders() {
    let cells = TextCells.split("\u{1B}[31mred\u{1B}[0m")
    #expect(cells.map(\.text).joined() == "\u{241B}[31mred\u{241B}[0m")
    #expect(cells.count == 12)
    #expect(cells[0] == cell("\u{241B}", 1, 0, 1))
    #expect(cells[1] == cell("[", 1, 1, 1))
    #expect(cells[8] == cell("\u{241B}", 1, 8, 1))
  }

  @Test func controlsBecomePlaceholders() {
    #expect(
      TextCells.split("\n\t\r\u{0}\u{7}\u{1F}\u{7F}\u{80}\u{9B}\u{9F}") == [
        cell("\u{240A}", 1, 0, 1), cell("\u{2409}", 1, 1, 1), cell("\u{240D}", 1, 2, 1),
        cell("\u{2400}", 1, 3, 1),
        cell("\u{2407}", 1, 4, 1), cell("\u{241F}", 1, 5, 1), cell("\u{2421}", 1, 6, 1),
        cell("\u{FFFD}", 1, 7, 1),
        cell("\u{FFFD}", 1, 8, 1), cell("\u{FFFD}", 1, 9, 1),
      ])
  }

  @Test func bidiControlsBecomePlaceholders() {
    #expect(
      TextCells.split("a\u{202E}b\u{2066}\u{200F}\u{061C}\u{200E}\u{202A}\u{2069}") == [
        cell("a", 1, 0, 1), cell("\u{FFFD}", 1, 1, 1), cell("b", 1, 2, 1),
        cell("\u{FFFD}", 1, 3, 1),
        cell("\u{FFFD}", 1, 4, 1), cell("\u{FFFD}", 1, 5, 1), cell("\u{FFFD}", 1, 6, 1),
        cell("\u{FFFD}", 1, 7, 1),
        cell("\u{FFFD}", 1, 8, 1),
      ])
  }

  @Test func unprintableScalarsBecomeReplacementCharacters() {
    // Unassigned U+0378, noncharacter U+FFFF, line separator U+2028.
    #expect(
      TextCells.split("\u{378}\u{FFFF}\u{2028}") == [
        cell("\u{FFFD}", 1, 0, 1), cell("\u{FFFD}", 1, 1, 1), cell("\u{FFFD}", 1, 2, 1),
      ])
  }

  @Test func byteOrderMarkIsDroppedButCounted() {
    #expect(TextCells.split("a\u{FEFF}b") == [cell("a", 1, 0, 2), cell("b", 1, 2, 1)])
    // With nothing to ride on, it belongs to no cell; the next cell keeps its own offset.
    #expect(TextCells.split("\u{FEFF}ab") == [cell("a", 1, 1, 1), cell("b", 1, 2, 1)])
    #expect(TextCells.split("\u{FEFF}") == [])
  }

  @Test func nothingUnsafeReachesTheCells() {
    var text = ""
    for value in UInt32(0)...0x2100 {
      if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
    }
    text +=
      "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\u{FEFF}\u{FFFE}\u{E0001}"
    let cells = TextCells.split(text)
    var next = 0
    for item in cells {
      #expect(item.width == 1 || item.width == 2)
      #expect(item.sourceOffset >= next)
      #expect(item.sourceLength >= 1)
      next = item.sourceOffset + item.sourceLength
      for scalar in item.text.unicodeScalars {
        let value = scalar.value
        #expect(!DisplayWidth.isControl(value))
        #expect(!CellClass.isReordering(value))
        #expect(DisplayWidth.glibcWidth(value) >= 0)
        #expect(value != 0xFEFF)
      }
      let base = item.text.unicodeScalars.first.map { DisplayWidth.glibcWidth($0.value) }
      #expect(base == item.width)
    }
    #expect(next == text.unicodeScalars.count)
  }
}
