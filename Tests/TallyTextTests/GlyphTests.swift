import Testing

@testable import TallyText

@Suite("Glyph")
struct GlyphTests {
  @Test func holdsTextOfEveryLengthUpToItsCapacity() {
    for text in ["", "a", "é", "日", "😀", "e\u{301}", "🇫🇷", "\u{25CC}\u{301}\u{302}\u{303}\u{304}"] {
      let glyph = Glyph(text)
      #expect(glyph.string == text)
      #expect(glyph.utf8Count == text.utf8.count)
      #expect(glyph.isEmpty == text.isEmpty)
    }
  }

  @Test func theLargestCellTheSplitterMakesFits() {
    // A 4-byte base carrying four 4-byte zero-width scalars (variation selectors supplement): 20 bytes.
    let text = "𝔸" + String(repeating: "\u{E0100}", count: 6)
    let cells = TextCells.split(text)
    #expect(cells.count == 1)
    #expect(cells[0].glyph.utf8Count == 20)
    #expect(cells[0].text == "𝔸" + String(repeating: "\u{E0100}", count: 4))
    #expect(cells[0].sourceLength == 7)
  }

  @Test func longerTextIsCutAtAWholeScalar() {
    // Eight 3-byte scalars are 24 bytes: only seven (21 bytes) fit, never a partial one.
    let text = String(repeating: "日", count: 8)
    let glyph = Glyph(text)
    #expect(glyph.string == String(repeating: "日", count: 7))
    var full = Glyph(String(repeating: "a", count: 23))
    #expect(full.append("b") == false)
    #expect(full.string == String(repeating: "a", count: 23))
  }

  @Test func equalityAndHashingFollowTheText() {
    #expect(Glyph("ab") == Glyph("ab"))
    #expect(Glyph("ab") != Glyph("ba"))
    #expect(Glyph("a") != Glyph("a\u{0}"))
    #expect(Glyph(ascii: 0x41) == Glyph("A"))
    #expect(Set([Glyph("x"), Glyph("x"), Glyph("y")]).count == 2)
    var built = Glyph("e")
    built.append("\u{301}")
    #expect(built == Glyph("e\u{301}"))
  }

  @Test func encodesEveryUTF8LengthLikeTheStandardLibrary() {
    for value: UInt32 in [0x24, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFD, 0x10000, 0x10FFFF] {
      guard let scalar = Unicode.Scalar(value) else { continue }
      let glyph = Glyph(scalar)
      #expect(glyph.withUTF8 { Array($0) } == Array(String(scalar).utf8))
    }
  }
}
