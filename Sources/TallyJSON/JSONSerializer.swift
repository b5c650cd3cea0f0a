// Writes `JSONValue`s as JSON text.
//
// Output rules: object keys keep their order; strings escape `"`, `\`, control characters (as
// `\b \t \n \f \r` or `\u00XX`) and U+2028/U+2029 (as `\u2028`/`\u2029`, so a line stays one line
// for every reader), and nothing else: `/` and non-ASCII are written as is. Integral numbers below
// 2^53 in magnitude are written without a decimal point (`-0.0` as `-0`, to round-trip); other
// finite numbers use the shortest text that reads back as the same Double; NaN and infinities,
// which JSON cannot express, become `null`.

extension JSONValue {
  /// The value as JSON text: compact on one line, or with `indent` spaces per nesting level (empty containers
  /// stay `[]`/`{}`). Keys keep their stored order.
  public func serialized(indent: Int? = nil) -> String {
    var writer = JSONWriter()
    if let indent {
      writer.writePretty(self, indent: Swift.max(0, indent), level: 0)
    } else {
      writer.write(self)
    }
    return writer.makeString()
  }
}

/// A growable UTF-8 byte buffer that JSON is written into before becoming one String.
struct JSONWriter: ~Copyable {
  private var buffer: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int

  init(capacity: Int = 512) {
    self.capacity = Swift.max(16, capacity)
    buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
  }

  deinit { buffer.deallocate() }

  func makeString() -> String {
    String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
  }

  func append(to string: inout String) {
    string.append(makeString())
  }

  // MARK: Bytes

  @inline(__always)
  private mutating func reserve(_ extra: Int) {
    if count &+ extra > capacity { grow(count &+ extra) }
  }

  private mutating func grow(_ needed: Int) {
    let newCapacity = Swift.max(needed, capacity * 2)
    let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBuffer.update(from: buffer, count: count)
    buffer.deallocate()
    buffer = newBuffer
    capacity = newCapacity
  }

  @inline(__always)
  mutating func put(_ byte: UInt8) {
    reserve(1)
    buffer[count] = byte
    count &+= 1
  }

  @inline(__always)
  mutating func put(_ source: UnsafeBufferPointer<UInt8>) {
    guard let start = source.baseAddress, source.count > 0 else { return }
    reserve(source.count)
    (buffer + count).update(from: start, count: source.count)
    count &+= source.count
  }

  mutating func put(_ text: StaticString) {
    put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  private mutating func newline(indent: Int, level: Int) {
    let spaces = indent * level
    reserve(1 + spaces)
    buffer[count] = 0x0A
    (buffer + count + 1).initialize(repeating: 0x20, count: spaces)
    count &+= 1 + spaces
  }

  // MARK: Values

  mutating func write(_ value: JSONValue) {
    switch value {
    case .null: put("null")
    case .bool(let b): put(b ? "true" : "false")
    case .number(let n): writeNumber(n)
    case .string(let s): writeString(s)
    case .array(let elements):
      put(0x5B)
      var first = true
      for element in elements {
        if !first { put(0x2C) }
        first = false
        write(element)
      }
      put(0x5D)
    case .object(let object):
      put(0x7B)
      var first = true
      for entry in object.entries {
        if !first { put(0x2C) }
        first = false
        writeString(entry.key)
        put(0x3A)
        write(entry.value)
      }
      put(0x7D)
    }
  }

  mutating func writePretty(_ value: JSONValue, indent: Int, level: Int) {
    switch value {
    case .array(let elements) where !elements.isEmpty:
      put(0x5B)
      var first = true
      for element in elements {
        if !first { put(0x2C) }
        first = false
        newline(indent: indent, level: level + 1)
        writePretty(element, indent: indent, level: level + 1)
      }
      newline(indent: indent, level: level)
      put(0x5D)
    case .object(let object) where !object.isEmpty:
      put(0x7B)
      var first = true
      for entry in object.entries {
        if !first { put(0x2C) }
        first = false
        newline(indent: indent, level: level + 1)
        writeString(entry.key)
        put(": ")
        writePretty(entry.value, indent: indent, level: level + 1)
      }
      newline(indent: indent, level: level)
      put(0x7D)
    default:
      write(value)
    }
  }

  mutating func writeNumber(_ n: Double) {
    guard n.isFinite else {
      put("null")
      return
    }
    if n.magnitude < 9_007_199_254_740_992, n == n.rounded(.towardZero) {
      if n == 0 {
        if n.sign == .minus { put(0x2D) }
        put(0x30)
        return
      }
      writeInteger(Int64(n))
      return
    }
    var text = n.description
    text.withUTF8 { put($0) }
  }

  private mutating func writeInteger(_ value: Int64) {
    // 16 digits cover |value| < 2^53; one more for the sign.
    reserve(20)
    var magnitude = value.magnitude
    if value < 0 { put(0x2D) }
    var digits = 0
    var v = magnitude
    repeat {
      digits &+= 1
      v /= 10
    } while v > 0
    var p = count &+ digits
    count = p
    repeat {
      p &-= 1
      buffer[p] = 0x30 &+ UInt8(truncatingIfNeeded: magnitude % 10)
      magnitude /= 10
    } while magnitude > 0
  }

  private static let hexDigits: StaticString = "0123456789abcdef"

  mutating func writeString(_ string: String) {
    // Native and small strings expose their UTF-8 directly; anything else is copied once.
    if string.utf8.withContiguousStorageIfAvailable({ writeEscaped($0) }) != nil { return }
    var copy = string
    copy.withUTF8 { writeEscaped($0) }
  }

  /// Index of the first byte at or after `start` that may need escaping (a control character, `"`,
  /// `\`, or 0xE2, which starts U+2028/U+2029); `utf8.count` if none. Eight bytes at a time.
  @inline(__always)
  private static func nextSpecial(in utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    let n = utf8.count
    var i = start
    if let base = utf8.baseAddress {
      let ones: UInt64 = 0x0101_0101_0101_0101
      let highs: UInt64 = 0x8080_8080_8080_8080
      let raw = UnsafeRawPointer(base)
      while i &+ 8 <= n {
        let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let q = w ^ (ones &* 0x22)
        let b = w ^ (ones &* 0x5C)
        let e = w ^ (ones &* 0xE2)
        // Each term flags its lowest matching byte exactly (borrows only run upwards).
        let mask = (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((e &- ones) & ~e) | ((w &- ones &* 0x20) & ~w)) & highs
        if mask != 0 { return i &+ (mask.trailingZeroBitCount >> 3) }
        i &+= 8
      }
    }
    while i < n {
      let c = utf8[i]
      if c < 0x20 || c == 0x22 || c == 0x5C || c == 0xE2 { return i }
      i &+= 1
    }
    return n
  }

  private mutating func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
    let n = utf8.count
    reserve(n &+ 2)
    put(0x22)
    var runStart = 0
    var i = 0
    while true {
      i = Self.nextSpecial(in: utf8, from: i)
      if i >= n { break }
      let c = utf8[i]
      if c == 0xE2 {
        // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
        guard i &+ 2 < n, utf8[i &+ 1] == 0x80, utf8[i &+ 2] & 0xFE == 0xA8 else {
          i &+= 1
          continue
        }
        put(UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
        put(utf8[i &+ 2] == 0xA8 ? "\\u2028" : "\\u2029")
        i &+= 3
        runStart = i
        continue
      }
      put(UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
      switch c {
      case 0x22: put("\\\"")
      case 0x5C: put("\\\\")
      case 0x0A: put("\\n")
      case 0x0D: put("\\r")
      case 0x09: put("\\t")
      case 0x08: put("\\b")
      case 0x0C: put("\\f")
      default:
        put("\\u00")
        let hex = Self.hexDigits.utf8Start
        put(hex[Int(c >> 4)])
        put(hex[Int(c & 0xF)])
      }
      i &+= 1
      runStart = i
    }
    put(UnsafeBufferPointer(rebasing: utf8[runStart..<n]))
    put(0x22)
  }
}
