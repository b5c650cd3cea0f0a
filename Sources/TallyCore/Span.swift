import TallyJSON

/// A labeled span of a task's text: `[start, end)` in Unicode code points (as Python's `str` counts),
/// with the covered text stored beside the offsets so that a mismatch with the data is detectable.
public struct Span: Sendable, Hashable {
  public var start: Int
  public var end: Int
  public var label: String
  public var text: String

  public init(start: Int, end: Int, label: String, text: String) {
    self.start = start
    self.end = end
    self.label = label
    self.text = text
  }

  /// True when the two spans share at least one code point.
  public func overlaps(_ other: Span) -> Bool { start < other.end && other.start < end }

  /// True when `offset` lies inside the span.
  public func contains(_ offset: Int) -> Bool { start <= offset && offset < end }

  /// `{"start", "end", "label", "text"}`, the shape stored in answers and exported.
  public var json: JSONValue {
    var o = JSONObject()
    o["start"] = .number(Double(start))
    o["end"] = .number(Double(end))
    o["label"] = .string(label)
    o["text"] = .string(text)
    return .object(o)
  }

  /// Reads a span object; nil unless it has whole-number offsets with start < end and a label.
  public init?(json: JSONValue) {
    guard let o = json.objectValue, let start = o["start"]?.doubleValue.flatMap({ Int(exactly: $0) }),
      let end = o["end"]?.doubleValue.flatMap({ Int(exactly: $0) }), start >= 0, start < end,
      let label = o["label"]?.stringValue
    else { return nil }
    self.init(start: start, end: end, label: label, text: o["text"]?.stringValue ?? "")
  }

  /// The spans in an answer (a list of span objects), in the order stored.
  public static func list(_ value: JSONValue?) -> [Span] {
    value?.arrayValue?.compactMap(Span.init(json:)) ?? []
  }

  /// Spans as an answer value, sorted by start, then end, then label.
  public static func answer(_ spans: [Span]) -> JSONValue {
    .array(sorted(spans).map(\.json))
  }

  /// Document order: by start, then end, then label.
  public static func sorted(_ spans: [Span]) -> [Span] {
    spans.sorted { ($0.start, $0.end, $0.label) < ($1.start, $1.end, $1.label) }
  }
}

/// A text as an array of code points, for span offsets and the covered text.
public struct CodePointText: Sendable, Equatable {
  public let scalars: [Unicode.Scalar]

  public init(_ text: String) { scalars = Array(text.unicodeScalars) }

  public var count: Int { scalars.count }

  /// The text of `[start, end)`, clamped to the text.
  public func slice(_ start: Int, _ end: Int) -> String {
    let lo = max(0, min(start, count))
    let hi = max(lo, min(end, count))
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[lo..<hi])
    return String(view)
  }

  /// True for letters, digits, marks and joiners: what words are made of.
  public static func isWord(_ scalar: Unicode.Scalar) -> Bool {
    let p = scalar.properties
    return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
      || p.generalCategory == .spacingMark || p.generalCategory == .enclosingMark || scalar == "_"
      || scalar == "\u{200D}"
  }

  public func isWord(at offset: Int) -> Bool {
    scalars.indices.contains(offset) && Self.isWord(scalars[offset])
  }

  public func isSpace(at offset: Int) -> Bool {
    scalars.indices.contains(offset) && scalars[offset].properties.isWhitespace
  }

  /// A span for `[start, end)` with its covered text.
  public func span(_ start: Int, _ end: Int, label: String) -> Span {
    Span(start: start, end: end, label: label, text: slice(start, end))
  }

  /// Widens `[start, end)` to whole words at both ends (a selection that starts or ends inside a word takes
  /// the whole word), then trims whitespace at the ends.
  public func snapToWords(_ start: Int, _ end: Int) -> (Int, Int) {
    var lo = max(0, min(start, count))
    var hi = max(lo, min(end, count))
    if lo < count && isWord(at: lo) {
      while lo > 0 && isWord(at: lo - 1) { lo -= 1 }
    }
    if hi > lo && isWord(at: hi - 1) {
      while hi < count && isWord(at: hi) { hi += 1 }
    }
    return trimmed(lo, hi)
  }

  /// `[start, end)` without whitespace at either end.
  public func trimmed(_ start: Int, _ end: Int) -> (Int, Int) {
    var lo = start
    var hi = end
    while lo < hi && isSpace(at: lo) { lo += 1 }
    while hi > lo && isSpace(at: hi - 1) { hi -= 1 }
    return (lo, hi)
  }
}
