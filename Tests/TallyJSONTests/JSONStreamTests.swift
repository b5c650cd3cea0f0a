import Testing

@testable import TallyJSON

/// The stream writes exactly what `serialized()` writes for the same value.
@Suite struct JSONStreamTests {
  func stream(_ value: JSONValue, into out: inout JSONStream) {
    switch value {
    case .array(let elements):
      out.beginArray()
      for element in elements { stream(element, into: &out) }
      out.endArray()
    case .object(let object):
      out.beginObject()
      for entry in object.entries {
        out.key(entry.key)
        stream(entry.value, into: &out)
      }
      out.endObject()
    case .string(let s): out.string(s)
    case .number(let n): out.number(n)
    default: out.value(value)
    }
  }

  @Test func randomValuesStreamAsTheySerialize() {
    var rng = SplitMix(seed: 4)
    var out = JSONStream()
    var expected = ""
    for _ in 0..<2000 {
      let value = JSONDifferentialTests.randomValue(&rng)
      stream(value, into: &out)
      out.newline()
      expected += value.serialized() + "\n"
    }
    #expect(out.makeString() == expected)
  }

  @Test func membersAndElementsAreSeparated() {
    var out = JSONStream()
    out.beginObject()
    out.key("a")
    out.beginArray()
    out.number(1)
    out.beginObject()
    out.endObject()
    out.string("x\n")
    out.endArray()
    out.key("b")
    out.value(.null)
    out.endObject()
    #expect(out.makeString() == #"{"a":[1,{},"x\n"],"b":null}"#)
  }
}
