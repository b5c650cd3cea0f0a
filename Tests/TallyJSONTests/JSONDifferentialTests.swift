import Foundation
import Testing

@testable import TallyJSON

/// The parser against Foundation's `JSONSerialization` on the same bytes: the same values where both accept,
/// and the same verdict everywhere except the differences below, which are on purpose (Tally follows RFC 8259
/// strictly):
/// - Foundation accepts a trailing comma (`[1,]`, `{"a":1,}`); Tally does not.
/// - Foundation skips a leading byte order mark; Tally does not (a BOM is not JSON whitespace).
/// - A lone surrogate escape (`"\ud800"`): Foundation rejects the text, Tally reads U+FFFD (such text is common
///   in data made by JavaScript and still worth showing).
/// - Integers beyond a Double's precision: Foundation keeps them exact (`NSDecimalNumber`), Tally reads the
///   nearest Double.
/// The corpus in `Corpus/` seeds the fuzz target (`tally-fuzz-json`) and these tests alike.
@Suite struct JSONDifferentialTests {
  /// Foundation's reading of `bytes` as a `JSONValue`, or nil when it rejects them.
  static func foundation(_ bytes: [UInt8]) -> JSONValue? {
    guard let any = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
      return nil
    }
    return convert(any)
  }

  static func convert(_ any: Any) -> JSONValue {
    if any is NSNull { return .null }
    if let number = any as? NSNumber {
      if String(describing: type(of: number)).contains("Boolean") { return .bool(number.boolValue) }
      return .number(number.doubleValue)
    }
    if let string = any as? String { return .string(string) }
    if let array = any as? [Any] { return .array(array.map(convert)) }
    if let dictionary = any as? [String: Any] {
      // Foundation does not keep key order: compare objects with sorted keys.
      return .object(JSONObject(dictionary.keys.sorted().map { ($0, convert(dictionary[$0] as Any)) }))
    }
    return .null
  }

  /// The value with every object's keys sorted (and, for duplicate keys, the last value kept, as both do).
  static func sorted(_ value: JSONValue) -> JSONValue {
    switch value {
    case .array(let items): return .array(items.map(sorted))
    case .object(let object): return .object(JSONObject(object.keys.sorted().map { ($0, sorted(object[$0] ?? .null)) }))
    default: return value
    }
  }

  /// True when the two differ only in the documented ways.
  static func isKnownDifference(_ bytes: [UInt8], ours: JSONValue?, theirs: JSONValue?) -> Bool {
    let text = String(decoding: bytes, as: UTF8.self)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
    if text.range(of: #"\\u[dD][89abAB]"#, options: .regularExpression) != nil
      || text.range(of: #"\\u[dD][c-fC-F]"#, options: .regularExpression) != nil
    {
      return true
    }
    if ours == nil, theirs != nil {
      let withoutTrailingCommas = text.replacingOccurrences(
        of: #",\s*([\]}])"#, with: "$1", options: .regularExpression)
      if (try? JSONParser.parse(withoutTrailingCommas.utf8)) != nil { return true }
    }
    return false
  }

  static func sameNumbers(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x == y || abs(x - y) <= abs(x) * 1e-15
    case (.array(let xs), .array(let ys)): return xs.count == ys.count && zip(xs, ys).allSatisfy(sameNumbers)
    case (.object(let x), .object(let y)):
      return x.keys == y.keys && x.keys.allSatisfy { sameNumbers(x[$0] ?? .null, y[$0] ?? .null) }
    default: return a == b
    }
  }

  func compare(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    let ours = try? JSONParser.parse(bytes)
    let theirs = Self.foundation(bytes)
    if Self.isKnownDifference(bytes, ours: ours, theirs: theirs) { return }
    let shown = String(decoding: bytes.prefix(80), as: UTF8.self)
    #expect((ours == nil) == (theirs == nil), "verdicts differ on \(shown)", sourceLocation: sourceLocation)
    if let ours, let theirs {
      #expect(Self.sameNumbers(Self.sorted(ours), theirs), "values differ on \(shown)", sourceLocation: sourceLocation)
    }
  }

  static var corpus: [[UInt8]] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? []
    return names.compactMap { FileManager.default.contents(atPath: folder.appendingPathComponent($0).path) }.map(
      Array.init)
  }

  @Test func theCorpusAgreesWithFoundation() {
    let corpus = Self.corpus
    #expect(corpus.count >= 20)
    for bytes in corpus { compare(bytes) }
  }

  @Test func theDocumentedDifferencesAreReal() throws {
    #expect(Self.foundation(Array("[1,]".utf8)) != nil)
    #expect((try? JSONParser.parse("[1,]".utf8)) == nil)
    #expect(Self.foundation([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) != nil)
    #expect(Self.foundation(Array(#""\ud800""#.utf8)) == nil)
    #expect(try JSONParser.parse(#""\ud800""#.utf8) == .string("\u{FFFD}"))
  }

  /// A random JSON value (seeded), with Unicode, escapes, numbers of every size, nesting.
  static func randomValue(_ rng: inout SplitMix, depth: Int = 0) -> JSONValue {
    switch rng.next() % (depth > 3 ? 4 : 6) {
    case 0: return .null
    case 1: return .bool(rng.next() % 2 == 0)
    case 2:
      let kinds: [Double] = [0, -0.0, 1, -17, 3.25, 1e-7, 6.02214076e23, 9_007_199_254_740_993, 1.7976931348623157e308]
      return .number(
        rng.next() % 3 == 0
          ? kinds[Int(rng.next() % UInt64(kinds.count))] : Double(Int64(bitPattern: rng.next()) % 1_000_000) / 7)
    case 3:
      let pieces = ["a", "é", "日本", "😀", "\"", "\\", "\n", "\t", "\u{1}", "\u{2028}", " ", "/", "\u{7F}", "👩‍💻"]
      return .string((0..<Int(rng.next() % 6)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined())
    case 4: return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
      var object = JSONObject()
      for i in 0..<Int(rng.next() % 4) {
        object["k\(i)\(rng.next() % 3 == 0 ? "é" : "")"] = randomValue(&rng, depth: depth + 1)
      }
      return .object(object)
    }
  }

  @Test func randomDocumentsRoundTripThroughBothParsers() throws {
    var rng = SplitMix(seed: 20_261_202)
    for _ in 0..<1500 {
      let value = Self.randomValue(&rng)
      let text = value.serialized()
      // What we write, Foundation reads as the same value, and so do we.
      #expect(try JSONParser.parse(text.utf8) == value, "\(text)")
      let theirs = try #require(Self.foundation(Array(text.utf8)), "Foundation rejects \(text)")
      #expect(Self.sameNumbers(Self.sorted(value), theirs), "\(text)")
      // What Foundation writes, we read as the same value.
      if case .array = value, let data = try? JSONSerialization.data(withJSONObject: foundationObject(value)) {
        let ours = try JSONParser.parse(Array(data))
        #expect(Self.sameNumbers(Self.sorted(ours), Self.sorted(value)), "\(String(decoding: data, as: UTF8.self))")
      }
    }
  }

  @Test func mutatedDocumentsGetTheSameVerdict() {
    var rng = SplitMix(seed: 7)
    let alphabet = Array(#"{}[],:"\ 0123456789.eE+-tfnulr\ud83d"#.utf8) + [0x80, 0xC3, 0xFF]
    var compared = 0
    for _ in 0..<3000 {
      var bytes = Array(Self.randomValue(&rng).serialized().utf8)
      for _ in 0..<(1 + Int(rng.next() % 3)) {
        let at = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
        switch rng.next() % 3 {
        case 0 where !bytes.isEmpty: bytes.remove(at: at)
        case 1: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
        default: if !bytes.isEmpty { bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        }
      }
      compare(bytes)
      compared += 1
    }
    #expect(compared == 3000)
  }

  func foundationObject(_ value: JSONValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .bool(let b): return b
    case .number(let n): return n
    case .string(let s): return s
    case .array(let items): return items.map(foundationObject)
    case .object(let object):
      return Dictionary(
        object.keys.map { ($0, foundationObject(object[$0] ?? .null)) }, uniquingKeysWith: { a, _ in a })
    }
  }
}

/// A small seeded generator for the tests.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
