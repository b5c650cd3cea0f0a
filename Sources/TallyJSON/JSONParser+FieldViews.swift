/// A top-level field as `JSONParser.withFieldViews` hands it over: a string as its UTF-8 bytes (valid only
/// inside the call), any other value parsed, or, for keys asked for raw, the value's JSON text (validated, not
/// built) to look into with another call.
public enum JSONFieldView {
  case absent
  case string(UnsafeRawBufferPointer)
  case value(JSONValue)
  /// A non-string value's JSON text, for keys listed in `JSONKeys(_:raw:)`.
  case raw(UnsafeRawBufferPointer)

  /// The string's bytes, or nil when the field is absent or not a string.
  public var bytes: UnsafeRawBufferPointer? {
    if case .string(let bytes) = self { return bytes }
    return nil
  }

  /// The field as a `JSONValue` (strings copied out).
  public var jsonValue: JSONValue? {
    switch self {
    case .absent: return nil
    case .string(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
    case .value(let value): return value
    case .raw(let bytes): return try? JSONParser.parse(bytes)
    }
  }

  /// The raw JSON text of a value asked for raw (nil for strings, parsed values and absent fields).
  public var raw: UnsafeRawBufferPointer? {
    if case .raw(let bytes) = self { return bytes }
    return nil
  }
}

/// Keys to look up with `JSONParser.withFieldViews`, laid out once so the per-line scan allocates nothing.
public struct JSONKeys: Sendable {
  let bytes: [[UInt8]]
  /// For each key, the first index holding the same key (keys listed twice share a value).
  let first: [Int]
  /// Keys whose non-string values are handed over as their JSON text instead of parsed.
  let raw: [Bool]

  /// `raw`: keys whose objects, arrays, numbers and literals are given as `.raw` text, not built.
  public init(_ keys: [String], raw: Set<String> = []) {
    let bytes = keys.map { Array($0.utf8) }
    self.bytes = bytes
    first = bytes.indices.map { i in bytes.firstIndex(of: bytes[i]) ?? i }
    self.raw = keys.map { raw.contains($0) }
  }

  public var count: Int { bytes.count }
}

extension JSONParser {
  /// Like `fields(_:in:)`, but string values are not copied into `String`s: `body` gets their bytes in place
  /// (decoded, when they hold escapes), for readers that only compare, intern or parse them, as the label
  /// store does for a million records. The object is validated exactly as `fields(_:in:)` validates it.
  /// Inlinable, so that each caller's result type is known where it is called: unspecialized, the generic
  /// result's metadata was looked up on every line, a quarter of reading a million records.
  @inlinable
  public static func withFieldViews<R>(
    _ keys: JSONKeys, in bytes: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<JSONFieldView>) -> R
  ) throws(JSONParseError) -> R {
    try withUnsafeTemporaryAllocation(of: JSONFieldView.self, capacity: keys.count) { views in
      views.initialize(repeating: .absent)
      defer { views.deinitialize() }
      return Result { () throws(JSONParseError) -> R in
        let decoded = try scanFieldViews(keys, in: bytes, into: views)
        return decoded.isEmpty
          ? body(UnsafeBufferPointer(views))
          : withDecoded(decoded, views: views, keys: keys, body)
      }
    }.get()
  }

  /// Fills `views` with the fields of the object in `bytes`; returns the escaped strings' decoded copies
  /// (their views left `.absent` for `withDecoded`).
  @usableFromInline
  static func scanFieldViews(
    _ keys: JSONKeys, in bytes: UnsafeRawBufferPointer, into views: UnsafeMutableBufferPointer<JSONFieldView>
  ) throws(JSONParseError) -> [(index: Int, bytes: [UInt8])] {
    guard let base = bytes.baseAddress, bytes.count > 0 else {
      throw JSONParseError(offset: 0, reason: JSONReader.endOfInput)
    }
    // Escaped strings are decoded into scratch space the next string reuses: those are copied out.
    var decoded: [(index: Int, bytes: [UInt8])] = []
    let keyBytes = keys.bytes
    var reader = JSONReader(base: base, count: bytes.count)
    reader.skipWhitespace()
    guard reader.pos < reader.end else { throw reader.endOfInputError() }
    guard reader.byte(reader.pos) == JSONReader.openBrace else {
      throw JSONParseError(offset: reader.pos, reason: "top-level value is not an object")
    }
    try reader.walkObject { reader, keySpan throws(JSONParseError) in
      var index = 0
      while index < keyBytes.count, !keyBytes[index].withUnsafeBytes({ keySpan.equals($0) }) { index += 1 }
      guard index < keyBytes.count else { return false }
      reader.skipWhitespace()
      if reader.pos < reader.end, reader.byte(reader.pos) == JSONReader.quote {
        let span = try reader.scanString()
        let inInput = span.start >= base && span.start + span.count <= base + bytes.count
        if !decoded.isEmpty { decoded.removeAll { $0.index == index } }
        if inInput {
          views[index] = .string(span.buffer)
        } else {
          decoded.append((index, Array(span.buffer)))
          views[index] = .absent
        }
      } else {
        if !decoded.isEmpty { decoded.removeAll { $0.index == index } }
        if keys.raw[index] {
          let start = reader.pos
          try reader.skipValue(depth: 1)
          views[index] = .raw(UnsafeRawBufferPointer(start: base + start, count: reader.pos - start))
        } else {
          views[index] = .value(try reader.parseValue(depth: 1))
        }
      }
      return true
    }
    try reader.expectEndOfInput()
    for i in keys.first.indices where keys.first[i] != i { views[i] = views[keys.first[i]] }
    return decoded
  }

  /// Points the escaped strings' views at their copies for the duration of `body`.
  @usableFromInline
  static func withDecoded<R>(
    _ decoded: [(index: Int, bytes: [UInt8])], views: UnsafeMutableBufferPointer<JSONFieldView>, keys: JSONKeys,
    _ body: (UnsafeBufferPointer<JSONFieldView>) -> R
  ) -> R {
    // Copied into one buffer that outlives `body`.
    let total = decoded.reduce(0) { $0 + $1.bytes.count }
    return withUnsafeTemporaryAllocation(byteCount: max(total, 1), alignment: 1) { storage in
      var start = 0
      for (index, bytes) in decoded {
        let slice = UnsafeMutableRawBufferPointer(rebasing: storage[start..<(start + bytes.count)])
        slice.copyBytes(from: bytes)
        for other in keys.first.indices where keys.first[other] == index {
          views[other] = .string(UnsafeRawBufferPointer(slice))
        }
        start += bytes.count
      }
      return body(UnsafeBufferPointer(views))
    }
  }
}
