// A strict RFC 8259 JSON parser that works directly on UTF-8 bytes.
//
// Decisions worth knowing:
// - The whole input must be exactly one JSON value, optionally surrounded by JSON whitespace
//   (space, tab, line feed, carriage return). A byte order mark is not whitespace.
// - Strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing past U+10FFFF);
//   raw control characters (below U+0020) must be escaped.
// - `\uXXXX` escapes that form a surrogate pair decode to one scalar. A lone or mismatched
//   surrogate escape decodes to U+FFFD REPLACEMENT CHARACTER instead of failing, because such text
//   is common in data produced by JavaScript and is still worth showing.
// - Numbers follow the RFC grammar exactly (no leading zeros, no `+`, no bare `.`) and become the
//   nearest Double. A number whose magnitude is too large for a Double is an error; one too small
//   becomes zero.
// - Containers may nest at most `JSONParser.maxDepth` levels. Parsing is iterative (an explicit stack
//   of open containers), so no input can overflow the call stack while parsing; the limit also keeps
//   the recursion in destroying and serializing the resulting values shallow.
// - Duplicate keys in an object: the last value wins, kept at the position of the first.

/// Where and why JSON input could not be parsed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Byte offset into the input at which the problem was detected.
  public var offset: Int
  /// A short human-readable explanation, such as "unexpected end of input".
  public var reason: String

  /// An error at byte `offset` explained by `reason`.
  public init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  /// The reason followed by its position, e.g. "unexpected character 'x' at byte 12".
  public var description: String { "\(reason) at byte \(offset)" }
}

/// Parses JSON text into `JSONValue`s, or pulls single top-level fields out of an object cheaply.
public enum JSONParser {
  /// How deeply arrays and objects may nest; deeper input is rejected with "nesting too deep".
  public static let maxDepth = 512

  /// Parses UTF-8 bytes (a string's `utf8`, an array, a slice, a raw buffer) as exactly one JSON value with
  /// optional surrounding whitespace. Error offsets count bytes from the start of `bytes`.
  public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
    try withBytes(of: bytes) { raw throws(JSONParseError) in try parseValue(raw) }
  }

  /// The values of some top-level keys of one JSON object, in the order of `keys` (nil where absent), found in
  /// one pass.
  ///
  /// Other members are validated as strictly as `parse(_:)` would, but never built into values, so this is
  /// much cheaper than parsing the whole line. The input must be one object with optional surrounding
  /// whitespace; anything else (another kind of value, trailing characters) is an error. As with `parse(_:)`,
  /// if a key occurs more than once the last occurrence wins; a key listed twice in `keys` gets the same value
  /// twice.
  public static func fields(_ keys: [String], in bytes: some Collection<UInt8>) throws(JSONParseError) -> [JSONValue?] {
    try withBytes(of: bytes) { raw throws(JSONParseError) in try fieldValues(keys, in: raw) }
  }

  static func parseValue(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      throw JSONParseError(offset: 0, reason: JSONReader.endOfInput)
    }
    var reader = JSONReader(base: base, count: bytes.count)
    let value = try reader.parseValue(depth: 0)
    try reader.expectEndOfInput()
    return value
  }

  static func fieldValues(_ keys: [String], in bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> [JSONValue?] {
    // The keys' bytes laid out back to back in temporary (usually stack) memory, so the scan compares
    // raw bytes and the only allocation is the result.
    var results = [JSONValue?](repeating: nil, count: keys.count)
    let totalBytes = keys.reduce(0) { $0 + $1.utf8.count }
    try withUnsafeTemporaryAllocation(byteCount: Swift.max(totalBytes, 1), alignment: 1) { flat in
      withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: keys.count) { keyBuffers in
        var start = 0
        for (index, key) in keys.enumerated() {
          let keyBytes = UnsafeMutableRawBufferPointer(rebasing: flat[start..<(start + key.utf8.count)])
          keyBytes.copyBytes(from: key.utf8)
          keyBuffers.initializeElement(at: index, to: UnsafeRawBufferPointer(keyBytes))
          start += keyBytes.count
        }
        return results.withUnsafeMutableBufferPointer { resultBuffer in
          Result { () throws(JSONParseError) in
            try scanTopLevel(bytes, keys: UnsafeBufferPointer(keyBuffers), results: resultBuffer)
          }
        }
      }
    }.get()
    return results
  }

  // MARK: - Implementation

  /// Walks the top-level object, storing into `results[i]` the value of each member whose key
  /// equals `keys[i]`.
  private static func scanTopLevel(
    _ bytes: UnsafeRawBufferPointer,
    keys: UnsafeBufferPointer<UnsafeRawBufferPointer>,
    results: UnsafeMutableBufferPointer<JSONValue?>
  ) throws(JSONParseError) {
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      throw JSONParseError(offset: 0, reason: JSONReader.endOfInput)
    }
    var reader = JSONReader(base: base, count: bytes.count)
    reader.skipWhitespace()
    guard reader.pos < reader.end else { throw reader.endOfInputError() }
    guard reader.byte(reader.pos) == JSONReader.openBrace else {
      throw JSONParseError(offset: reader.pos, reason: "top-level value is not an object")
    }
    let keyCount = Swift.min(keys.count, results.count)
    try reader.walkObject { reader, keySpan throws(JSONParseError) in
      var first = 0
      while first < keyCount, !keySpan.equals(keys[first]) { first &+= 1 }
      guard first < keyCount else { return false }
      // Parsing the value may reuse the scratch space `keySpan` points into, so further matches
      // (a key listed twice) are found by comparing the caller's keys with each other.
      let value = try reader.parseValue(depth: 1)
      results[first] = value
      var index = first &+ 1
      while index < keyCount {
        if JSONStringSpan.bytesEqual(keys[first], keys[index]) { results[index] = value }
        index &+= 1
      }
      return true
    }
    try reader.expectEndOfInput()
  }

  /// Runs `body` on contiguous bytes of `collection`, copying only if it has no contiguous storage.
  private static func withBytes<R>(
    of collection: some Collection<UInt8>,
    _ body: (UnsafeRawBufferPointer) throws(JSONParseError) -> R
  ) throws(JSONParseError) -> R {
    if let raw = collection as? UnsafeRawBufferPointer { return try body(raw) }
    if let result = collection.withContiguousStorageIfAvailable({ buffer in
      Result { () throws(JSONParseError) in try body(UnsafeRawBufferPointer(buffer)) }
    }) {
      return try result.get()
    }
    return try Array(collection).withUnsafeBytes { raw in
      Result { () throws(JSONParseError) in try body(raw) }
    }.get()
  }
}

// MARK: - Reader

/// A run of string bytes, either straight from the input (no escapes) or decoded into scratch space.
/// Only valid until the reader scans the next string.
struct JSONStringSpan {
  var start: UnsafeRawPointer
  var count: Int

  var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

  func makeString() -> String { String(decoding: buffer, as: UTF8.self) }

  /// Byte-for-byte equality with `other`.
  func equals(_ other: UnsafeRawBufferPointer) -> Bool {
    Self.bytesEqual(buffer, other)
  }

  /// Byte-for-byte equality of two buffers.
  @inline(__always)
  static func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    let count = a.count
    guard b.count == count else { return false }
    guard count > 0, let aBase = a.baseAddress, let bBase = b.baseAddress else { return true }
    var i = 0
    while i < count {
      if aBase.load(fromByteOffset: i, as: UInt8.self) != bBase.load(fromByteOffset: i, as: UInt8.self) {
        return false
      }
      i &+= 1
    }
    return true
  }

  /// A cheap summary of the bytes: equal byte strings always have equal fingerprints.
  var fingerprint: UInt64 {
    var first: UInt64 = 0
    var last: UInt64 = 0
    if count >= 8 {
      first = start.loadUnaligned(as: UInt64.self)
      last = start.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    } else {
      var i = 0
      while i < count {
        first = first << 8 | UInt64(start.load(fromByteOffset: i, as: UInt8.self))
        i &+= 1
      }
    }
    return (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(truncatingIfNeeded: count)
  }
}

/// A growable stack whose elements are moved (not copied) into the arrays it hands out, so building a
/// container costs one exact-size allocation and no reference counting.
struct JSONMoveStack<Element>: ~Copyable {
  private var storage: UnsafeMutablePointer<Element>? = nil
  private(set) var count = 0
  private var capacity = 0

  init() {}

  deinit {
    if let storage {
      storage.deinitialize(count: count)
      storage.deallocate()
    }
  }

  @inline(__always)
  mutating func push(_ element: Element) {
    if count == capacity { grow() }
    if let storage {
      (storage + count).initialize(to: element)
      count &+= 1
    }
  }

  @inline(__always)
  func element(at index: Int) -> Element? {
    guard let storage, index >= 0, index < count else { return nil }
    return storage[index]
  }

  /// Moves the elements from `start` to the top into a new array and pops them.
  mutating func popArray(from start: Int) -> [Element] {
    let n = count - start
    guard n > 0, start >= 0, let storage else { return [] }
    let result = [Element](unsafeUninitializedCapacity: n) { buffer, initialized in
      if let destination = buffer.baseAddress {
        destination.moveInitialize(from: storage + start, count: n)
        initialized = n
      }
    }
    count = start
    return result
  }

  /// The top element, for updating in place; nil when empty. Valid until the next push or pop.
  @inline(__always)
  var top: UnsafeMutablePointer<Element>? {
    guard count > 0, let storage else { return nil }
    return storage + (count &- 1)
  }

  /// The element at `index`, for updating in place; nil if out of range. Valid until the next push.
  @inline(__always)
  func pointer(at index: Int) -> UnsafeMutablePointer<Element>? {
    guard index >= 0, index < count, let storage else { return nil }
    return storage + index
  }

  /// Removes and returns the top element.
  @inline(__always)
  mutating func pop() -> Element? {
    guard count > 0, let storage else { return nil }
    count &-= 1
    return (storage + count).move()
  }

  /// Pops elements down to `newCount`.
  mutating func truncate(to newCount: Int) {
    guard newCount >= 0, newCount < count, let storage else { return }
    (storage + newCount).deinitialize(count: count - newCount)
    count = newCount
  }

  private mutating func grow() {
    let newCapacity = Swift.max(16, capacity * 2)
    let newStorage = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
    if let storage {
      newStorage.moveInitialize(from: storage, count: count)
      storage.deallocate()
    }
    storage = newStorage
    capacity = newCapacity
  }
}

/// Scratch bytes for strings that contain escapes.
struct JSONScratch: ~Copyable {
  private(set) var start: UnsafeMutableRawPointer? = nil
  private(set) var count = 0
  private var capacity = 0

  init() {}

  deinit { start?.deallocate() }

  mutating func reset() { count = 0 }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    if count == capacity { reserve(1) }
    start?.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
    count &+= 1
  }

  mutating func append(_ source: UnsafeRawPointer, count n: Int) {
    guard n > 0 else { return }
    if count + n > capacity { reserve(n) }
    guard let start else { return }
    (start + count).copyMemory(from: source, byteCount: n)
    count &+= n
  }

  /// Appends a scalar value (already known to be a valid scalar) as UTF-8.
  mutating func appendScalar(_ v: UInt32) {
    if v < 0x80 {
      append(UInt8(truncatingIfNeeded: v))
    } else if v < 0x800 {
      append(UInt8(truncatingIfNeeded: 0xC0 | v >> 6))
      append(UInt8(truncatingIfNeeded: 0x80 | v & 0x3F))
    } else if v < 0x10000 {
      append(UInt8(truncatingIfNeeded: 0xE0 | v >> 12))
      append(UInt8(truncatingIfNeeded: 0x80 | v >> 6 & 0x3F))
      append(UInt8(truncatingIfNeeded: 0x80 | v & 0x3F))
    } else {
      append(UInt8(truncatingIfNeeded: 0xF0 | v >> 18))
      append(UInt8(truncatingIfNeeded: 0x80 | v >> 12 & 0x3F))
      append(UInt8(truncatingIfNeeded: 0x80 | v >> 6 & 0x3F))
      append(UInt8(truncatingIfNeeded: 0x80 | v & 0x3F))
    }
  }

  private mutating func reserve(_ extra: Int) {
    let newCapacity = Swift.max(64, capacity * 2, count + extra)
    let newStart = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
    if let start {
      newStart.copyMemory(from: start, byteCount: count)
      start.deallocate()
    }
    start = newStart
    capacity = newCapacity
  }
}

/// An array or object that is being parsed.
struct JSONContainerFrame {
  static let linearLimit = 32

  var isObject: Bool
  /// Where this container's members start on the reader's element or entry stack.
  var start: Int
  /// The entry whose value is being parsed (objects only); an earlier one if the key is a duplicate.
  var slot = 0
  /// One bit per key seen (chosen by fingerprint), so most new keys skip the duplicate scan.
  var keyBits: UInt64 = 0
  /// Key positions, built once an object has more than `linearLimit` members.
  var keyIndex: [String: Int]? = nil
}

/// The parsing machine. All reads are unchecked loads guarded by explicit `pos < end` tests.
struct JSONReader: ~Copyable {
  static let endOfInput = "unexpected end of input"

  static let quote: UInt8 = 0x22  // "
  static let backslash: UInt8 = 0x5C  // \
  static let comma: UInt8 = 0x2C  // ,
  static let colon: UInt8 = 0x3A  // :
  static let openBrace: UInt8 = 0x7B  // {
  static let closeBrace: UInt8 = 0x7D  // }
  static let openBracket: UInt8 = 0x5B  // [
  static let closeBracket: UInt8 = 0x5D  // ]

  let base: UnsafeRawPointer
  let end: Int
  var pos = 0
  var entries = JSONMoveStack<(key: String, value: JSONValue)>()
  var fingerprints = JSONMoveStack<UInt64>()
  var elements = JSONMoveStack<JSONValue>()
  var scratch = JSONScratch()
  /// Containers being built, innermost last: parsing is iterative, so nesting never deepens the call stack.
  var frames = JSONMoveStack<JSONContainerFrame>()
  /// For skipped containers: whether each open one is an object.
  var skipFrames = JSONMoveStack<Bool>()

  init(base: UnsafeRawPointer, count: Int) {
    self.base = base
    self.end = count
  }

  @inline(__always)
  func byte(_ p: Int) -> UInt8 { base.load(fromByteOffset: p, as: UInt8.self) }

  // MARK: Errors

  func endOfInputError() -> JSONParseError { JSONParseError(offset: end, reason: Self.endOfInput) }

  /// "unexpected end of input" at the end, otherwise a description of the byte at `p`.
  func unexpected(at p: Int) -> JSONParseError {
    guard p < end else { return endOfInputError() }
    let c = byte(p)
    if c >= 0x20 && c < 0x7F {
      return JSONParseError(offset: p, reason: "unexpected character '\(Character(Unicode.Scalar(c)))'")
    }
    if c >= 0x80, let scalar = decodeScalar(at: p) {
      return JSONParseError(offset: p, reason: "unexpected character U+\(hex(scalar, width: 4))")
    }
    return JSONParseError(offset: p, reason: "unexpected byte 0x\(hex(UInt32(c), width: 2))")
  }

  private func hex(_ v: UInt32, width: Int) -> String {
    let digits = String(v, radix: 16, uppercase: true)
    return String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
  }

  /// The scalar encoded at `p` if it is valid UTF-8 (used only for error messages).
  private func decodeScalar(at p: Int) -> UInt32? {
    guard let next = utf8SequenceEnd(at: p), next <= end else { return nil }
    let length = next - p
    var v = UInt32(byte(p)) & (0x7F >> length)
    var i = p + 1
    while i < next {
      v = v << 6 | UInt32(byte(i) & 0x3F)
      i += 1
    }
    return v
  }

  // MARK: Structure

  @inline(__always)
  mutating func skipWhitespace() {
    while pos < end {
      let c = byte(pos)
      if c > 0x20 { return }
      guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
      pos &+= 1
    }
  }

  mutating func expectEndOfInput() throws(JSONParseError) {
    skipWhitespace()
    if pos < end { throw JSONParseError(offset: pos, reason: "trailing characters after value") }
  }

  /// Parses the value at `pos` (after optional whitespace); `depth` is the number of enclosing containers.
  mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
    let base = frames.count
    var value: JSONValue
    parsing: while true {
      // Read the start of one value: a scalar is complete, a non-empty container is opened.
      skipWhitespace()
      guard pos < end else { throw endOfInputError() }
      switch byte(pos) {
      case Self.quote:
        value = .string(try scanString().makeString())
      case Self.openBrace:
        try enterContainer(depth: depth &+ frames.count &- base)
        skipWhitespace()
        guard pos < end else { throw endOfInputError() }
        if byte(pos) == Self.closeBrace {
          pos &+= 1
          value = .object(JSONObject())
        } else {
          let key = try memberKey()
          frames.push(JSONContainerFrame(isObject: true, start: entries.count))
          if let frame = frames.top { beginMember(key, in: frame) }
          continue parsing
        }
      case Self.openBracket:
        try enterContainer(depth: depth &+ frames.count &- base)
        skipWhitespace()
        guard pos < end else { throw endOfInputError() }
        if byte(pos) == Self.closeBracket {
          pos &+= 1
          value = .array([])
        } else {
          frames.push(JSONContainerFrame(isObject: false, start: elements.count))
          continue parsing
        }
      case 0x74:  // t
        try expectLiteral("true")
        value = .bool(true)
      case 0x66:  // f
        try expectLiteral("false")
        value = .bool(false)
      case 0x6E:  // n
        try expectLiteral("null")
        value = .null
      case 0x2D, 0x30...0x39:  // - 0-9
        value = .number(try parseNumber())
      default:
        throw unexpected(at: pos)
      }

      // Add the finished value to its container; close every container that ends here.
      while frames.count > base, let frame = frames.top {
        skipWhitespace()
        guard pos < end else { throw endOfInputError() }
        let c = byte(pos)
        pos &+= 1
        if frame.pointee.isObject {
          entries.pointer(at: frame.pointee.slot)?.pointee.value = value
          if c == Self.comma {
            skipWhitespace()
            beginMember(try memberKey(), in: frame)
            continue parsing
          }
          guard c == Self.closeBrace else { throw unexpected(at: pos &- 1) }
          let start = frame.pointee.start
          _ = frames.pop()
          fingerprints.truncate(to: start)
          value = .object(JSONObject(entries.popArray(from: start)))
        } else {
          elements.push(value)
          if c == Self.comma { continue parsing }
          guard c == Self.closeBracket else { throw unexpected(at: pos &- 1) }
          let start = frame.pointee.start
          _ = frames.pop()
          value = .array(elements.popArray(from: start))
        }
      }
      return value
    }
  }

  private mutating func enterContainer(depth: Int) throws(JSONParseError) {
    if depth >= JSONParser.maxDepth {
      throw JSONParseError(offset: pos, reason: "nesting too deep (limit \(JSONParser.maxDepth))")
    }
    pos &+= 1
  }

  /// Reads `"key" :` at `pos` (whitespace before it already skipped).
  @inline(__always)
  private mutating func memberKey() throws(JSONParseError) -> JSONStringSpan {
    guard pos < end else { throw endOfInputError() }
    guard byte(pos) == Self.quote else { throw unexpected(at: pos) }
    let key = try scanString()
    skipWhitespace()
    guard pos < end else { throw endOfInputError() }
    guard byte(pos) == Self.colon else { throw unexpected(at: pos) }
    pos &+= 1
    return key
  }

  /// Makes the entry that will receive the value of member `key`: a new one holding null for now,
  /// or the earlier entry with the same key (the last value wins, at the first position).
  @inline(__always)
  private mutating func beginMember(_ key: JSONStringSpan, in frame: UnsafeMutablePointer<JSONContainerFrame>) {
    let fingerprint = key.fingerprint
    let string = key.makeString()
    guard frame.pointee.keyIndex == nil else {
      beginMemberThroughIndex(string, fingerprint: fingerprint, in: frame)
      return
    }
    let bit: UInt64 = 1 << (fingerprint >> 58)
    if frame.pointee.keyBits & bit != 0 {
      var i = frame.pointee.start
      while i < fingerprints.count {
        if fingerprints.element(at: i) == fingerprint, entries.pointer(at: i)?.pointee.key == string {
          frame.pointee.slot = i
          return
        }
        i &+= 1
      }
    }
    frame.pointee.keyBits |= bit
    frame.pointee.slot = entries.count
    entries.push((key: string, value: .null))
    fingerprints.push(fingerprint)
    if entries.count &- frame.pointee.start > JSONContainerFrame.linearLimit { buildKeyIndex(frame) }
  }

  /// Past `linearLimit` members, duplicates are found through a dictionary instead of a linear scan.
  private mutating func buildKeyIndex(_ frame: UnsafeMutablePointer<JSONContainerFrame>) {
    var index: [String: Int] = [:]
    for i in frame.pointee.start..<entries.count {
      if let entry = entries.pointer(at: i) { index[entry.pointee.key] = i }
    }
    frame.pointee.keyIndex = index
  }

  private mutating func beginMemberThroughIndex(
    _ key: String, fingerprint: UInt64, in frame: UnsafeMutablePointer<JSONContainerFrame>
  ) {
    if let existing = frame.pointee.keyIndex?[key] {
      frame.pointee.slot = existing
    } else {
      frame.pointee.slot = entries.count
      frame.pointee.keyIndex?[key] = entries.count
      entries.push((key: key, value: .null))
      fingerprints.push(fingerprint)
    }
  }

  /// Walks the object at `pos`. For each member, `member` gets the key and either consumes the value
  /// (returning true) or declines it (returning false), in which case the value is validated and skipped.
  @inline(__always)
  mutating func walkObject(
    _ member: (inout JSONReader, JSONStringSpan) throws(JSONParseError) -> Bool
  ) throws(JSONParseError) {
    try enterContainer(depth: 0)
    skipWhitespace()
    guard pos < end else { throw endOfInputError() }
    if byte(pos) == Self.closeBrace {
      pos &+= 1
      return
    }
    while true {
      let key = try memberKey()
      if try !member(&self, key) {
        try skipValue(depth: 1)
      }
      skipWhitespace()
      guard pos < end else { throw endOfInputError() }
      let c = byte(pos)
      pos &+= 1
      if c == Self.comma {
        skipWhitespace()
        continue
      }
      if c == Self.closeBrace { return }
      throw unexpected(at: pos &- 1)
    }
  }

  /// Validates the value at `pos` exactly as `parseValue` would, without building it.
  mutating func skipValue(depth: Int) throws(JSONParseError) {
    let base = skipFrames.count
    skipping: while true {
      skipWhitespace()
      guard pos < end else { throw endOfInputError() }
      switch byte(pos) {
      case Self.quote:
        _ = try scanString()
      case Self.openBrace:
        try enterContainer(depth: depth &+ skipFrames.count &- base)
        skipWhitespace()
        guard pos < end else { throw endOfInputError() }
        if byte(pos) == Self.closeBrace {
          pos &+= 1
        } else {
          _ = try memberKey()
          skipFrames.push(true)
          continue skipping
        }
      case Self.openBracket:
        try enterContainer(depth: depth &+ skipFrames.count &- base)
        skipWhitespace()
        guard pos < end else { throw endOfInputError() }
        if byte(pos) == Self.closeBracket {
          pos &+= 1
        } else {
          skipFrames.push(false)
          continue skipping
        }
      case 0x74:
        try expectLiteral("true")
      case 0x66:
        try expectLiteral("false")
      case 0x6E:
        try expectLiteral("null")
      case 0x2D, 0x30...0x39:
        _ = try parseNumber()
      default:
        throw unexpected(at: pos)
      }

      while skipFrames.count > base, let frame = skipFrames.top {
        skipWhitespace()
        guard pos < end else { throw endOfInputError() }
        let c = byte(pos)
        pos &+= 1
        let isObject = frame.pointee
        if c == Self.comma {
          if isObject {
            skipWhitespace()
            _ = try memberKey()
          }
          continue skipping
        }
        guard c == (isObject ? Self.closeBrace : Self.closeBracket) else { throw unexpected(at: pos &- 1) }
        _ = skipFrames.pop()
      }
      return
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
    let length = literal.utf8CodeUnitCount
    let expected = UnsafeRawPointer(literal.utf8Start)
    var i = 0
    while i < length {
      let p = pos &+ i
      guard p < end, byte(p) == expected.load(fromByteOffset: i, as: UInt8.self) else {
        throw unexpected(at: p)
      }
      i &+= 1
    }
    pos &+= length
  }

  // MARK: Strings

  /// Index of the first byte at or after `p` that is a quote, a backslash, a control character or
  /// non-ASCII; `end` if there is none. Looks at eight bytes at a time.
  @inline(__always)
  private func skipPlainBytes(from start: Int) -> Int {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var p = start
    while p &+ 8 <= end {
      let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: p, as: UInt64.self))
      let q = w ^ (ones &* 0x22)
      let b = w ^ (ones &* 0x5C)
      // Each term flags its lowest matching byte exactly (borrows only run upwards).
      let mask = (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- ones &* 0x20) & ~w) | w) & highs
      if mask != 0 { return p &+ (mask.trailingZeroBitCount >> 3) }
      p &+= 8
    }
    while p < end {
      let c = byte(p)
      if c == Self.quote || c == Self.backslash || c < 0x20 || c >= 0x80 { return p }
      p &+= 1
    }
    return p
  }

  /// Scans the string starting at the quote at `pos`, validating it and decoding escapes.
  mutating func scanString() throws(JSONParseError) -> JSONStringSpan {
    let open = pos
    var p = pos &+ 1
    var runStart = p
    var escaped = false
    while true {
      p = skipPlainBytes(from: p)
      guard p < end else { throw endOfInputError() }
      let c = byte(p)
      if c == Self.quote {
        pos = p &+ 1
        if !escaped { return JSONStringSpan(start: base + runStart, count: p &- runStart) }
        scratch.append(base + runStart, count: p &- runStart)
        return JSONStringSpan(start: UnsafeRawPointer(scratch.start) ?? base, count: scratch.count)
      }
      if c == Self.backslash {
        if !escaped {
          escaped = true
          scratch.reset()
        }
        scratch.append(base + runStart, count: p &- runStart)
        p = try decodeEscape(at: p)
        runStart = p
        continue
      }
      if c < 0x20 {
        if c == 0x0A || c == 0x0D {
          throw JSONParseError(offset: open, reason: "unterminated string")
        }
        throw JSONParseError(offset: p, reason: "unescaped control character in string")
      }
      p = try validateUTF8Sequence(at: p)
    }
  }

  /// Decodes the escape whose backslash is at `p` into scratch; returns the index after it.
  private mutating func decodeEscape(at p: Int) throws(JSONParseError) -> Int {
    guard p &+ 1 < end else { throw endOfInputError() }
    let e = byte(p &+ 1)
    switch e {
    case 0x22, 0x5C, 0x2F:  // " \ /
      scratch.append(e)
    case 0x62: scratch.append(0x08)  // b
    case 0x66: scratch.append(0x0C)  // f
    case 0x6E: scratch.append(0x0A)  // n
    case 0x72: scratch.append(0x0D)  // r
    case 0x74: scratch.append(0x09)  // t
    case 0x75:  // u
      var scalar: UInt32 = 0
      for i in 0..<4 {
        let q = p &+ 2 &+ i
        guard q < end else { throw endOfInputError() }
        guard let digit = hexDigit(byte(q)) else {
          throw JSONParseError(offset: p, reason: "invalid \\u escape")
        }
        scalar = scalar << 4 | digit
      }
      var next = p &+ 6
      if scalar >= 0xD800 && scalar <= 0xDBFF {
        if let low = peekLowSurrogate(at: next) {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          next &+= 6
        } else {
          scalar = 0xFFFD
        }
      } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
        scalar = 0xFFFD
      }
      scratch.appendScalar(scalar)
      return next
    default:
      throw JSONParseError(offset: p, reason: "invalid escape sequence")
    }
    return p &+ 2
  }

  /// The low surrogate of a `\uDC00`–`\uDFFF` escape at `p`, if there is one.
  private func peekLowSurrogate(at p: Int) -> UInt32? {
    guard p &+ 6 <= end, byte(p) == Self.backslash, byte(p &+ 1) == 0x75 else { return nil }
    var v: UInt32 = 0
    for i in 2..<6 {
      guard let digit = hexDigit(byte(p &+ i)) else { return nil }
      v = v << 4 | digit
    }
    return v >= 0xDC00 && v <= 0xDFFF ? v : nil
  }

  @inline(__always)
  private func hexDigit(_ c: UInt8) -> UInt32? {
    if c &- 0x30 < 10 { return UInt32(c &- 0x30) }
    let lower = c | 0x20
    if lower &- 0x61 < 6 { return UInt32(lower &- 0x61 &+ 10) }
    return nil
  }

  /// Where the UTF-8 sequence whose lead byte is at `p` would end, judged from the lead byte and the
  /// continuation bytes present; nil if it is invalid. May point past `end` if the input is cut short.
  private func utf8SequenceEnd(at p: Int) -> Int? {
    let c = byte(p)
    var length = 0
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch c {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      high = 0x9F
    case 0xF0:
      length = 4
      low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      high = 0x8F
    default: return nil
    }
    var i = 1
    while i < length {
      let q = p &+ i
      if q >= end { return p &+ length }
      let d = byte(q)
      if i == 1 {
        if d < low || d > high { return nil }
      } else if d < 0x80 || d > 0xBF {
        return nil
      }
      i &+= 1
    }
    return p &+ length
  }

  /// Validates the multi-byte UTF-8 sequence at `p`; returns the index after it.
  private func validateUTF8Sequence(at p: Int) throws(JSONParseError) -> Int {
    guard let next = utf8SequenceEnd(at: p) else {
      throw JSONParseError(offset: p, reason: "invalid UTF-8")
    }
    guard next <= end else { throw endOfInputError() }
    return next
  }

  // MARK: Numbers

  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// Parses a number per the RFC grammar. Up to 19 significant digits are gathered exactly; when
  /// that mantissa and the power of ten are both exact doubles one multiply or divide gives the
  /// correctly rounded result, otherwise the standard library's correctly rounded conversion is used.
  mutating func parseNumber() throws(JSONParseError) -> Double {
    let start = pos
    var p = pos
    var negative = false
    if byte(p) == 0x2D {
      negative = true
      p &+= 1
      guard p < end else { throw endOfInputError() }
    }
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var exponent = 0
    var inexact = false

    let first = byte(p)
    if first == 0x30 {
      p &+= 1
      if p < end, byte(p) &- 0x30 < 10 {
        throw JSONParseError(offset: start, reason: "invalid number (leading zero)")
      }
    } else if first &- 0x31 < 9 {
      while p < end {
        let d = byte(p) &- 0x30
        if d >= 10 { break }
        if significantDigits < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          significantDigits &+= 1
        } else {
          exponent &+= 1
          inexact = true
        }
        p &+= 1
      }
    } else {
      throw JSONParseError(offset: p, reason: "invalid number")
    }

    if p < end, byte(p) == 0x2E {  // .
      p &+= 1
      guard p < end else { throw endOfInputError() }
      guard byte(p) &- 0x30 < 10 else { throw JSONParseError(offset: p, reason: "invalid number") }
      while p < end {
        let d = byte(p) &- 0x30
        if d >= 10 { break }
        if mantissa == 0 && d == 0 {
          exponent &-= 1
        } else if significantDigits < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          significantDigits &+= 1
          exponent &-= 1
        } else {
          inexact = true
        }
        p &+= 1
      }
    }

    if p < end, byte(p) | 0x20 == 0x65 {  // e E
      p &+= 1
      guard p < end else { throw endOfInputError() }
      var exponentNegative = false
      let sign = byte(p)
      if sign == 0x2B || sign == 0x2D {
        exponentNegative = sign == 0x2D
        p &+= 1
        guard p < end else { throw endOfInputError() }
      }
      guard byte(p) &- 0x30 < 10 else { throw JSONParseError(offset: p, reason: "invalid number") }
      var value = 0
      while p < end {
        let d = byte(p) &- 0x30
        if d >= 10 { break }
        if value < 1_000_000 { value = value &* 10 &+ Int(d) }
        p &+= 1
      }
      exponent &+= exponentNegative ? -value : value
    }
    pos = p

    if mantissa == 0 && !inexact { return negative ? -0.0 : 0.0 }
    if !inexact, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
      let m = Double(mantissa)
      let result = exponent >= 0 ? m * Self.powersOfTen[exponent] : m / Self.powersOfTen[-exponent]
      return negative ? -result : result
    }
    let text = String(decoding: UnsafeRawBufferPointer(start: base + start, count: p &- start), as: UTF8.self)
    guard let result = Double(text), result.isFinite else {
      throw JSONParseError(offset: start, reason: "number out of range")
    }
    return result
  }
}
