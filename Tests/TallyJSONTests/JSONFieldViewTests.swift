import Testing

@testable import TallyJSON

/// `withFieldViews` (strings in place) must say exactly what `fields` says, on every input.
@Suite struct JSONFieldViewTests {
  func views(_ keys: [String], _ bytes: [UInt8]) -> [JSONValue?]? {
    bytes.withUnsafeBytes { raw in
      try? JSONParser.withFieldViews(JSONKeys(keys), in: raw) { views in views.map(\.jsonValue) }
    }
  }

  @Test func stringsInPlaceEscapedStringsCopiedOut() throws {
    let line = #"{"id":"a\"b","task":"t1","n":3,"id2":"plain","x":{"id":"nested"}}"#
    let got = try #require(views(["id", "task", "n", "missing", "id2", "id"], Array(line.utf8)))
    #expect(got == [.string("a\"b"), .string("t1"), .number(3), nil, .string("plain"), .string("a\"b")])
  }

  @Test func theLastOfARepeatedKeyWinsAsInFields() throws {
    for line in [
      #"{"a":"x\n","a":"y"}"#, #"{"a":"y","a":"x\n"}"#, #"{"a":1,"a":"z\t"}"#, #"{"a":"z\t","a":[1]}"#,
    ] {
      let expected = try JSONParser.fields(["a", "a"], in: line.utf8)
      #expect(views(["a", "a"], Array(line.utf8)) == expected, "\(line)")
    }
  }

  @Test func agreesWithFieldsOnRandomAndMutatedObjects() {
    var rng = SplitMix(seed: 99)
    let keys = ["k0", "k1", "k2é", "k3"]
    var compared = 0
    for round in 0..<3000 {
      var value = JSONDifferentialTests.randomValue(&rng)
      if round % 2 == 0 {
        var object = JSONObject()
        for key in keys where rng.next() % 3 != 0 { object[key] = JSONDifferentialTests.randomValue(&rng, depth: 3) }
        value = .object(object)
      }
      var bytes = Array(value.serialized().utf8)
      if round % 3 == 0, !bytes.isEmpty {
        bytes[Int(rng.next() % UInt64(bytes.count))] = Array(#"{}",:\a"#.utf8)[Int(rng.next() % 7)]
      }
      let expected = try? JSONParser.fields(keys, in: bytes)
      #expect(views(keys, bytes) == expected, "\(String(decoding: bytes, as: UTF8.self))")
      compared += 1
    }
    #expect(compared == 3000)
  }
}
