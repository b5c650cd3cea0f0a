import Testing

@testable import TallyJSON

/// `JSONParser.parse` on a string's UTF-8 (the tests write their input as strings).
private func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONParser.parse(text.utf8) }

/// `JSONParser.parse` on bytes.
private func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue { try JSONParser.parse(bytes) }

/// The value of one top-level key (`JSONParser.fields` with one key).
private func field(_ key: String, in text: String) throws(JSONParseError) -> JSONValue? {
  try JSONParser.fields([key], in: text.utf8)[0]
}

private func field(_ key: String, in bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue? {
  try JSONParser.fields([key], in: bytes)[0]
}

/// `JSONParser.fields` on a string's UTF-8.
private func fields(_ keys: [String], in text: String) throws(JSONParseError) -> [JSONValue?] {
  try JSONParser.fields(keys, in: text.utf8)
}

/// The error `parse` throws for `text`, or nil if it parses.
private func parseError(_ text: String) -> JSONParseError? {
  do {
    _ = try parse(text)
    return nil
  } catch {
    return error
  }
}

/// The error `parse` throws for raw bytes, or nil if they parse.
private func parseError(bytes: [UInt8]) -> JSONParseError? {
  do {
    _ = try parse(bytes)
    return nil
  } catch {
    return error
  }
}

/// The error `JSONParser.fields` throws, or nil if it succeeds.
private func topLevelError(_ key: String, _ text: String) -> JSONParseError? {
  do {
    _ = try field(key, in: text)
    return nil
  } catch {
    return error
  }
}

private let sampleRecord =
  #"{"id":"15804cad-eb55-45c3-992b-3aa4a8ec36e2","task":"task-0000042","project":"sentiment-2024","#
  + #""annotator":"alice","answers":{"label":"positive","note":"checked twice, ok"},"#
  + #""created_at":"2024-05-01T12:34:56.789Z","updated_at":"2024-05-01T12:35:10.123Z","#
  + #""duration_ms":14334,"version":3,"skipped":false,"flagged":true,"note":null,"score":-0.25}"#

@Suite("JSON parsing")
struct JSONParsingTests {
  @Test func parsesARecordWithKeysInOrder() throws {
    let value = try parse(sampleRecord)
    let object = try #require(value.objectValue)
    #expect(
      object.keys == [
        "id", "task", "project", "annotator", "answers", "created_at", "updated_at", "duration_ms", "version",
        "skipped", "flagged", "note", "score",
      ])
    #expect(value["id"] == .string("15804cad-eb55-45c3-992b-3aa4a8ec36e2"))
    #expect(value["answers"] == .object(JSONObject([("label", "positive"), ("note", "checked twice, ok")])))
    #expect(value["duration_ms"] == .number(14334))
    #expect(value["skipped"] == .bool(false))
    #expect(value["flagged"] == .bool(true))
    #expect(value["note"] == .null)
    #expect(value["score"] == .number(-0.25))
  }

  @Test func recordRoundTripsByteForByte() throws {
    #expect(try parse(sampleRecord).serialized() == sampleRecord)
  }

  @Test func keyOrderIsPreserved() throws {
    let value = try parse(#"{"z":1,"a":2,"m":{"y":true,"b":false}}"#)
    #expect(value.objectValue?.keys == ["z", "a", "m"])
    #expect(value["m"]?.objectValue?.keys == ["y", "b"])
    #expect(value.serialized() == #"{"z":1,"a":2,"m":{"y":true,"b":false}}"#)
  }

  @Test func duplicateKeysLastWinsAtFirstPosition() throws {
    let value = try parse(#"{"a":1,"b":2,"a":3}"#)
    #expect(value.objectValue?.keys == ["a", "b"])
    #expect(value.serialized() == #"{"a":3,"b":2}"#)
    // The same key spelled with an escape is still the same key.
    #expect(try parse(#"{"a":1,"\u0061":2}"#).serialized() == #"{"a":2}"#)
  }

  @Test func duplicateKeysInLargeObjects() throws {
    var text = "{"
    for i in 0..<40 { text += "\"k\(i)\":\(i)," }
    text += #""k3":"again","k39":"last"}"#
    let object = try #require(try parse(text).objectValue)
    #expect(object.count == 40)
    #expect(object.keys == (0..<40).map { "k\($0)" })
    #expect(object["k3"] == .string("again"))
    #expect(object["k39"] == .string("last"))
    #expect(object["k4"] == .number(4))
  }

  @Test func containersAndWhitespace() throws {
    #expect(
      try parse(" \t\r\n[ 1 , [ ] , { } , [ [ null ] ] ] \n") == [1, [], .object(JSONObject()), [[nil]]])
    #expect(try parse("{}") == .object(JSONObject()))
    #expect(try parse("[]") == .array([]))
    #expect(try parse(#"{"":""}"#) == .object(JSONObject([("", "")])))
  }

  @Test func scalarsAtTopLevel() throws {
    #expect(try parse("true") == .bool(true))
    #expect(try parse("false") == .bool(false))
    #expect(try parse("null") == .null)
    #expect(try parse(#""hi""#) == .string("hi"))
    #expect(try parse(" 7 ") == .number(7))
  }

  @Test func stringEscapes() throws {
    #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
    #expect(try parse(#""caf\u00e9 \u00E9""#) == .string("café é"))
    #expect(try parse(#""\u0000""#) == .string("\u{0}"))
    #expect(try parse(#""\u2028""#) == .string("\u{2028}"))
    #expect(try parse(#""a\ud83d\ude00b""#) == .string("a😀b"))
    #expect(try parse(#""\uD83D\uDE00""#) == .string("😀"))
  }

  @Test func rawNonASCIIAndEmoji() throws {
    #expect(
      try parse(#"{"emoji":"😀👍🏽","cjk":"日本語","mixed":"é\n😀"}"#)
        == .object(JSONObject([("emoji", "😀👍🏽"), ("cjk", "日本語"), ("mixed", "é\n😀")])))
  }

  @Test func loneSurrogatesBecomeReplacementCharacters() throws {
    #expect(try parse(#""\ud800""#) == .string("\u{FFFD}"))
    #expect(try parse(#""\udc00x""#) == .string("\u{FFFD}x"))
    #expect(try parse(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
    #expect(try parse(#""\ud800\ud83d\ude00""#) == .string("\u{FFFD}😀"))
    #expect(try parse(#""\ude00\ud83d""#) == .string("\u{FFFD}\u{FFFD}"))
  }

  @Test func numbers() throws {
    #expect(try parse("0") == .number(0))
    #expect(try parse("-0.5") == .number(-0.5))
    #expect(try parse("1e300") == .number(1e300))
    #expect(try parse("12345678901") == .number(12_345_678_901))
    #expect(try parse("1E+2") == .number(100))
    #expect(try parse("25e-1") == .number(2.5))
    #expect(try parse("0.1") == .number(0.1))
    #expect(try parse("-12.25e-3") == .number(-0.01225))
    #expect(try parse("9007199254740993") == .number(9_007_199_254_740_992))
    #expect(try parse("123456789012345678901234567890") == .number(1.2345678901234568e29))
    #expect(try parse("0.30000000000000004441") == .number(0.30000000000000004))
    #expect(try parse("2.2250738585072014e-308") == .number(2.2250738585072014e-308))
    #expect(try parse("1.7976931348623157e308") == .number(1.7976931348623157e308))
    #expect(try parse("5e-324") == .number(Double.leastNonzeroMagnitude))
    #expect(try parse("1e-400") == .number(0))
    #expect(try parse("-0").doubleValue?.sign == .minus)
    #expect(try parse("0e99999999999999999999") == .number(0))
  }

  @Test func malformedNumbers() {
    #expect(parseError("01") == JSONParseError(offset: 0, reason: "invalid number (leading zero)"))
    #expect(parseError("-") == JSONParseError(offset: 1, reason: "unexpected end of input"))
    #expect(parseError("-a") == JSONParseError(offset: 1, reason: "invalid number"))
    #expect(parseError("1.") == JSONParseError(offset: 2, reason: "unexpected end of input"))
    #expect(parseError("1.x") == JSONParseError(offset: 2, reason: "invalid number"))
    #expect(parseError("1e") == JSONParseError(offset: 2, reason: "unexpected end of input"))
    #expect(parseError("1e+") == JSONParseError(offset: 3, reason: "unexpected end of input"))
    #expect(parseError("1ex") == JSONParseError(offset: 2, reason: "invalid number"))
    #expect(parseError("+1") == JSONParseError(offset: 0, reason: "unexpected character '+'"))
    #expect(parseError(".5") == JSONParseError(offset: 0, reason: "unexpected character '.'"))
    #expect(parseError("1e400") == JSONParseError(offset: 0, reason: "number out of range"))
    #expect(parseError("[-1e400]") == JSONParseError(offset: 1, reason: "number out of range"))
    #expect(parseError("NaN") == JSONParseError(offset: 0, reason: "unexpected character 'N'"))
  }

  @Test func truncatedLineIsUnexpectedEndOfInput() {
    let line = #"{"id":"a","task":"t1","ans"#
    let error = parseError(line)
    #expect(error == JSONParseError(offset: 26, reason: "unexpected end of input"))
    #expect(error?.description == "unexpected end of input at byte 26")
    #expect(parseError(#"{"id":"a","#) == JSONParseError(offset: 10, reason: "unexpected end of input"))
    #expect(parseError(#"{"id":"#) == JSONParseError(offset: 6, reason: "unexpected end of input"))
    #expect(parseError(#"{"id""#) == JSONParseError(offset: 5, reason: "unexpected end of input"))
    #expect(parseError("[1,2") == JSONParseError(offset: 4, reason: "unexpected end of input"))
    #expect(parseError("tru") == JSONParseError(offset: 3, reason: "unexpected end of input"))
    #expect(parseError(#""\u12"#) == JSONParseError(offset: 5, reason: "unexpected end of input"))
    #expect(parseError("") == JSONParseError(offset: 0, reason: "unexpected end of input"))
    #expect(parseError("  \n") == JSONParseError(offset: 3, reason: "unexpected end of input"))
  }

  @Test func trailingCharacters() {
    #expect(parseError(#"{"a":1} x"#) == JSONParseError(offset: 8, reason: "trailing characters after value"))
    #expect(parseError(#"{"a":1}{}"#) == JSONParseError(offset: 7, reason: "trailing characters after value"))
    #expect(parseError("1 2") == JSONParseError(offset: 2, reason: "trailing characters after value"))
    #expect(
      parseError("truex")?.description == "trailing characters after value at byte 4")
  }

  @Test func unexpectedCharacters() {
    #expect(parseError(#"{"a" 1}"#) == JSONParseError(offset: 5, reason: "unexpected character '1'"))
    #expect(parseError("{'a':1}") == JSONParseError(offset: 1, reason: "unexpected character '''"))
    #expect(parseError("[1,]") == JSONParseError(offset: 3, reason: "unexpected character ']'"))
    #expect(parseError(#"{"a":1,}"#) == JSONParseError(offset: 7, reason: "unexpected character '}'"))
    #expect(parseError(#"{"a":1]"#) == JSONParseError(offset: 6, reason: "unexpected character ']'"))
    #expect(parseError("[1 2]") == JSONParseError(offset: 3, reason: "unexpected character '2'"))
    #expect(parseError("trux") == JSONParseError(offset: 3, reason: "unexpected character 'x'"))
    #expect(parseError("nul l") == JSONParseError(offset: 3, reason: "unexpected character ' '"))
    #expect(
      parseError("{\"a\":1,\"b\":x}")?.description == "unexpected character 'x' at byte 11")
    #expect(parseError("[\u{1}]") == JSONParseError(offset: 1, reason: "unexpected byte 0x01"))
    #expect(parseError("\u{FEFF}{}") == JSONParseError(offset: 0, reason: "unexpected character U+FEFF"))
  }

  @Test func malformedStrings() {
    #expect(parseError("\"a\nb\"") == JSONParseError(offset: 0, reason: "unterminated string"))
    #expect(parseError("[\"ab\r\n]") == JSONParseError(offset: 1, reason: "unterminated string"))
    #expect(parseError("\"a\tb\"") == JSONParseError(offset: 2, reason: "unescaped control character in string"))
    #expect(parseError(#""\x""#) == JSONParseError(offset: 1, reason: "invalid escape sequence"))
    #expect(parseError(#""ab\'""#) == JSONParseError(offset: 3, reason: "invalid escape sequence"))
    #expect(parseError(#""\u12G4""#) == JSONParseError(offset: 1, reason: #"invalid \u escape"#))
  }

  @Test func invalidUTF8IsAnError() throws {
    #expect(parseError(bytes: [0x22, 0xFF, 0x22]) == JSONParseError(offset: 1, reason: "invalid UTF-8"))
    #expect(parseError(bytes: [0x22, 0x61, 0x80, 0x22]) == JSONParseError(offset: 2, reason: "invalid UTF-8"))
    // Overlong encoding of "/".
    #expect(parseError(bytes: [0x22, 0xC0, 0xAF, 0x22]) == JSONParseError(offset: 1, reason: "invalid UTF-8"))
    // UTF-8 encoded surrogate U+D800.
    #expect(parseError(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]) == JSONParseError(offset: 1, reason: "invalid UTF-8"))
    // Beyond U+10FFFF.
    #expect(
      parseError(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]) == JSONParseError(offset: 1, reason: "invalid UTF-8"))
    // A multi-byte sequence cut short by the closing quote, and by the end of input.
    #expect(parseError(bytes: [0x22, 0xE2, 0x82, 0x22]) == JSONParseError(offset: 1, reason: "invalid UTF-8"))
    #expect(parseError(bytes: [0x22, 0xE2, 0x82]) == JSONParseError(offset: 3, reason: "unexpected end of input"))
    #expect(parseError(bytes: [0x5B, 0xFF, 0x5D]) == JSONParseError(offset: 1, reason: "unexpected byte 0xFF"))
    #expect(try parse([0x22, 0xE2, 0x82, 0xAC, 0x22] as [UInt8]) == .string("€"))
  }

  @Test func nestingDepthLimit() throws {
    let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    var value = try parse(deepest)
    var depth = 0
    while case .array(let elements) = value {
      depth += 1
      value = elements.first ?? .null
    }
    #expect(depth == 512)

    let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
    #expect(parseError(tooDeep) == JSONParseError(offset: 512, reason: "nesting too deep (limit 512)"))
    let tooDeepObjects = String(repeating: #"{"a":"#, count: 600)
    #expect(parseError(tooDeepObjects) == JSONParseError(offset: 2560, reason: "nesting too deep (limit 512)"))
    // Hostile input far past the limit fails fast instead of exhausting the stack.
    let hostile = String(repeating: "[", count: 1_000_000)
    #expect(parseError(hostile) == JSONParseError(offset: 512, reason: "nesting too deep (limit 512)"))
  }

  @Test func byteCollectionsAndOffsets() throws {
    let bytes = Array(#"{"a":[1,"x"]}"#.utf8)
    #expect(try parse(bytes) == .object(JSONObject([("a", [1, "x"])])))
    // Offsets count from the start of the bytes given, here a slice.
    let framed = Array("xx[1,]yy".utf8)
    #expect(throws: JSONParseError(offset: 3, reason: "unexpected character ']'")) {
      try parse(framed[2..<6])
    }
    // String offsets count UTF-8 bytes.
    #expect(parseError(#""é" x"#) == JSONParseError(offset: 5, reason: "trailing characters after value"))
    // A collection without contiguous storage.
    #expect(try parse("[true]".utf8.lazy.map { $0 }) == [true])
    try Array("[null]".utf8).withUnsafeBytes { raw throws in
      #expect(try parse(raw) == [nil])
    }
  }
}

@Suite("JSON top-level field extraction")
struct JSONTopLevelTests {
  private let line =
    #"{"meta":{"id":"inner","s":"}{]["},"note":"a \"quoted\" {brace} [x] \\","#
    + #""id":"outer-1","after":[1,{"id":2},"]"],"n":-1.5e3}"#

  @Test func findsTheTopLevelKeyNotNestedOnes() throws {
    #expect(try field("id", in: line) == .string("outer-1"))
    #expect(try field("n", in: line) == .number(-1500))
    #expect(
      try field("meta", in: line)
        == .object(JSONObject([("id", "inner"), ("s", "}{][")])))
    #expect(try field("after", in: line) == [1, .object(JSONObject([("id", 2)])), "]"])
    #expect(try field("note", in: line) == .string(#"a "quoted" {brace} [x] \"#))
  }

  @Test func missingKeyIsNil() throws {
    #expect(try field("s", in: line) == nil)
    #expect(try field("ID", in: line) == nil)
    #expect(try field("id", in: "{}") == nil)
    #expect(try field("", in: #"{"":0}"#) == .number(0))
  }

  @Test func escapedAndDuplicateKeys() throws {
    #expect(try field("id", in: #"{"\u0069d":"x"}"#) == .string("x"))
    #expect(try field("id", in: #"{"id":"first","id":"second"}"#) == .string("second"))
    #expect(try field("é", in: #"{"\u00e9":1,"e":2}"#) == .number(1))
  }

  @Test func nonObjectIsAnError() {
    #expect(
      topLevelError("id", #"[{"id":1}]"#) == JSONParseError(offset: 0, reason: "top-level value is not an object"))
    #expect(topLevelError("id", #"  "id""#) == JSONParseError(offset: 2, reason: "top-level value is not an object"))
    #expect(topLevelError("id", "") == JSONParseError(offset: 0, reason: "unexpected end of input"))
    #expect(topLevelError("id", " ") == JSONParseError(offset: 1, reason: "unexpected end of input"))
  }

  @Test func malformedInputIsAnError() {
    #expect(
      topLevelError("id", #"{"id":"a","task":"t1","ans"#)
        == JSONParseError(offset: 26, reason: "unexpected end of input"))
    #expect(
      topLevelError("id", #"{"id":"a"} x"#) == JSONParseError(offset: 11, reason: "trailing characters after value"))
    #expect(
      topLevelError("id", #"{"x":[1,}],"id":2}"#) == JSONParseError(offset: 8, reason: "unexpected character '}'"))
    #expect(topLevelError("id", #"{"x":"\q","id":2}"#) == JSONParseError(offset: 6, reason: "invalid escape sequence"))
    #expect(
      topLevelError("id", #"{"x":01,"id":2}"#) == JSONParseError(offset: 5, reason: "invalid number (leading zero)"))
    let deep = #"{"x":"# + String(repeating: "[", count: 600)
    #expect(topLevelError("id", deep) == JSONParseError(offset: 516, reason: "nesting too deep (limit 512)"))
  }

  @Test func severalKeysInOnePass() throws {
    let values = try fields(
      ["task", "id", "missing", "id"], in: #"{"id":"a","task":"t1","answers":{"id":"no"}}"#)
    #expect(values == [.string("t1"), .string("a"), nil, .string("a")])
    #expect(try fields([], in: #"{"id":1}"#) == [])
    #expect(throws: JSONParseError(offset: 0, reason: "top-level value is not an object")) {
      try field("id", in: "[]")
    }
  }

  @Test func byteVariants() throws {
    let bytes = Array(#"{"id":"b1","x":[]}"#.utf8)
    #expect(try field("id", in: bytes) == .string("b1"))
    #expect(try JSONParser.fields(["x", "id"], in: bytes[...]) == [.array([]), .string("b1")])
    try bytes.withUnsafeBytes { raw throws in
      #expect(try field("id", in: raw) == .string("b1"))
    }
  }

  @Test func agreesWithFullParse() throws {
    let record = try parse(sampleRecord)
    for key in record.objectValue?.keys ?? [] {
      #expect(try field(key, in: sampleRecord) == record[key])
    }
  }
}

@Suite("JSON serialization")
struct JSONSerializationTests {
  @Test func compactOutput() {
    let value: JSONValue = .object(
      JSONObject([
        ("b", [1, 2.5, true, nil]), ("a", .object(JSONObject())), ("c", []), ("s", "x"),
      ]))
    #expect(value.serialized() == #"{"b":[1,2.5,true,null],"a":{},"c":[],"s":"x"}"#)
  }

  @Test func stringEscaping() {
    let value = JSONValue.string("a\"b\\c/d\n\r\t\u{8}\u{C}\u{0}\u{1}\u{1F}\u{7F}é😀\u{2028}\u{2029}")
    #expect(value.serialized() == #""a\"b\\c/d\n\r\t\b\f\u0000\u0001\u001f"# + "\u{7F}é😀" + #"\u2028\u2029""#)
    // A lone E2 lead byte's neighbours that are not U+2028/U+2029 stay as they are.
    #expect(JSONValue.string("→…\u{2027}\u{202A}").serialized() == "\"→…\u{2027}\u{202A}\"")
    #expect(JSONValue.object(JSONObject([("k\"\n", "v")])).serialized() == #"{"k\"\n":"v"}"#)
  }

  @Test func escapesRoundTrip() throws {
    let text = "quote\" back\\ ctl\u{1}\u{1F} nl\n emoji😀👍🏽 sep\u{2028}\u{2029} nul\u{0} é"
    let json = JSONValue.string(text).serialized()
    #expect(try parse(json) == .string(text))
    #expect(try parse(#""\ud83d\ude00""#).serialized() == "\"😀\"")
  }

  @Test func numberFormatting() {
    #expect(JSONValue.number(0).serialized() == "0")
    #expect(JSONValue.number(-0.0).serialized() == "-0")
    #expect(JSONValue.number(-0.5).serialized() == "-0.5")
    #expect(JSONValue.number(1e300).serialized() == "1e+300")
    #expect(JSONValue.number(12_345_678_901).serialized() == "12345678901")
    #expect(JSONValue.number(3.0).serialized() == "3")
    #expect(JSONValue.number(-42.0).serialized() == "-42")
    #expect(JSONValue.number(9_007_199_254_740_991).serialized() == "9007199254740991")
    #expect(JSONValue.number(-9_007_199_254_740_991).serialized() == "-9007199254740991")
    #expect(JSONValue.number(9_007_199_254_740_992).serialized() == "9007199254740992.0")
    #expect(JSONValue.number(1e16).serialized() == "1e+16")
    #expect(JSONValue.number(0.1).serialized() == "0.1")
    #expect(JSONValue.number(0.1 + 0.2).serialized() == "0.30000000000000004")
    #expect(JSONValue.number(1.5e-7).serialized() == "1.5e-07")
    #expect(JSONValue.number(.leastNonzeroMagnitude).serialized() == "5e-324")
    #expect(JSONValue.number(.nan).serialized() == "null")
    #expect(JSONValue.number(.infinity).serialized() == "null")
    #expect(JSONValue.number(-.infinity).serialized() == "null")
  }

  @Test func numbersRoundTrip() throws {
    let numbers: [Double] = [
      0, -0.5, 1e300, 12_345_678_901, 0.1, 1.0 / 3.0, -2.5e-300, 9_007_199_254_740_992, 1.7976931348623157e308,
      .leastNonzeroMagnitude, 123.456, 1e21, 1e-7,
    ]
    for n in numbers {
      let text = JSONValue.number(n).serialized()
      #expect(try parse(text) == .number(n), "\(text)")
    }
    #expect(try parse(JSONValue.number(-0.0).serialized()).doubleValue?.sign == .minus)
  }

  @Test func indentedOutputIsTheSameValue() throws {
    let value = JSONValue.object(JSONObject([("id", "a"), ("n", 1), ("list", [1, 2]), ("empty", [])]))
    #expect(
      value.serialized(indent: 2)
        == "{\n  \"id\": \"a\",\n  \"n\": 1,\n  \"list\": [\n    1,\n    2\n  ],\n  \"empty\": []\n}")
    #expect(try parse(value.serialized(indent: 4)) == value)
  }

  @Test func prettyOutput() {
    let value: JSONValue = .object(
      JSONObject([
        ("id", "a"), ("answers", .object(JSONObject([("label", "pos")]))), ("tags", ["x", 2]), ("empty", []),
        ("none", .object(JSONObject())),
      ]))
    #expect(
      value.serialized(indent: 2) == """
        {
          "id": "a",
          "answers": {
            "label": "pos"
          },
          "tags": [
            "x",
            2
          ],
          "empty": [],
          "none": {}
        }
        """)
    #expect(JSONValue.array([1, [2]]).serialized(indent: 4) == "[\n    1,\n    [\n        2\n    ]\n]")
    #expect(JSONValue.array([1]).serialized(indent: 0) == "[\n1\n]")
    #expect(JSONValue.string("x").serialized(indent: 2) == "\"x\"")
  }

  @Test func prettyOutputParsesBack() throws {
    let value = try parse(sampleRecord)
    #expect(try parse(value.serialized(indent: 2)) == value)
  }

  @Test func displayTextOfContainersUsesCompactJSON() {
    #expect(JSONValue.array(["a", 1]).displayText == #"["a",1]"#)
  }
}
