/// The text of one terminal cell, held inline as up to 23 bytes of UTF-8.
///
/// A drawable cell is a base scalar plus at most four zero-width scalars (see `TextCells`), at most
/// 20 bytes, so every cell the splitter makes fits. Being a plain value with no reference counting,
/// a screen of glyphs is cleared, copied and compared like raw memory, which keeps a 200×60 frame
/// well under a millisecond. Text longer than 23 bytes is cut at the last whole scalar that fits.
public struct Glyph: Sendable, Hashable {
  /// Bytes 0..<23 hold UTF-8; byte 23 holds the count.
  private var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)

  /// Most UTF-8 bytes a glyph holds.
  public static let capacity = 23

  /// An empty glyph (the text of a wide cell's continuation).
  public init() {}

  /// A glyph of one ASCII byte.
  public init(ascii: UInt8) {
    self.init()
    setByte(0, ascii)
    setByte(23, 1)
  }

  /// A glyph of one scalar.
  public init(_ scalar: Unicode.Scalar) {
    self.init()
    _ = append(scalar)
  }

  /// A glyph holding `text`, cut at the last whole scalar that fits in 23 bytes.
  public init(_ text: String) {
    self.init()
    for scalar in text.unicodeScalars where !append(scalar) { break }
  }

  public static func == (lhs: Glyph, rhs: Glyph) -> Bool {
    lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1 && lhs.storage.2 == rhs.storage.2
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(storage.0)
    hasher.combine(storage.1)
    hasher.combine(storage.2)
  }

  /// A single space.
  public static let space = Glyph(ascii: 0x20)

  /// Number of UTF-8 bytes held.
  public var utf8Count: Int { Int(byte(23)) }

  /// Whether it holds no text.
  public var isEmpty: Bool { utf8Count == 0 }

  /// Appends one scalar; returns false (and changes nothing) when it does not fit.
  @discardableResult
  public mutating func append(_ scalar: Unicode.Scalar) -> Bool {
    let count = utf8Count
    let value = scalar.value
    let length = value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x1_0000 ? 3 : 4
    guard count + length <= Glyph.capacity else { return false }
    switch length {
    case 1:
      setByte(count, UInt8(value))
    case 2:
      setByte(count, UInt8(0xC0 | (value >> 6)))
      setByte(count + 1, UInt8(0x80 | (value & 0x3F)))
    case 3:
      setByte(count, UInt8(0xE0 | (value >> 12)))
      setByte(count + 1, UInt8(0x80 | ((value >> 6) & 0x3F)))
      setByte(count + 2, UInt8(0x80 | (value & 0x3F)))
    default:
      setByte(count, UInt8(0xF0 | (value >> 18)))
      setByte(count + 1, UInt8(0x80 | ((value >> 12) & 0x3F)))
      setByte(count + 2, UInt8(0x80 | ((value >> 6) & 0x3F)))
      setByte(count + 3, UInt8(0x80 | (value & 0x3F)))
    }
    setByte(23, UInt8(count + length))
    return true
  }

  /// The text as a `String` (small strings like these need no allocation).
  public var string: String {
    withUTF8 { String(decoding: $0, as: UTF8.self) }
  }

  /// The scalars, in order.
  public var unicodeScalars: String.UnicodeScalarView { string.unicodeScalars }

  /// Calls `body` with the UTF-8 bytes.
  public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
    var copy = storage
    let count = utf8Count
    return try withUnsafeBytes(of: &copy) { raw in
      try body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<count]))
    }
  }

  private func byte(_ index: Int) -> UInt8 {
    withUnsafeBytes(of: storage) { $0[index] }
  }

  private mutating func setByte(_ index: Int, _ value: UInt8) {
    withUnsafeMutableBytes(of: &storage) { $0[index] = value }
  }
}
