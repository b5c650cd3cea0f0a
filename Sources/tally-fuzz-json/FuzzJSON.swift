// A fuzz target for the JSON parser and serializer (libFuzzer).
//
// Run it with `.ci/fuzz-json [SECONDS]`: it compiles the parser and this file into one binary with the fuzzer
// and address sanitizer (swiftc directly: SwiftPM's executable linking keeps libFuzzer's `main` out) and runs
// it on a copy of `Tests/TallyJSONTests/Corpus`.
//
// Built normally (no flags), the same check runs over the files named on the command line, so a crash the
// fuzzer found can be replayed and kept in the corpus.

#if canImport(TallyJSON)
  import TallyJSON
#endif

/// What must hold for any input: parsing never crashes; what parses serializes to text that parses back to
/// the same value and serializes to the same text again; the top-level fields of an object read alone equal
/// the members the full parse found.
func check(_ bytes: UnsafeRawBufferPointer) {
  guard let value = try? JSONParser.parse(bytes) else {
    // Input that does not parse must not be half-accepted by the field reader either.
    if let fields = try? JSONParser.fields(["id"], in: bytes), !fields.isEmpty {
      fatalError("fields() accepted input that parse() rejects")
    }
    return
  }
  let text = value.serialized()
  guard let again = try? JSONParser.parse(text.utf8) else { fatalError("serialized text does not parse: \(text)") }
  guard again == value else { fatalError("round trip changed the value: \(text)") }
  guard again.serialized() == text else { fatalError("serializing is not stable: \(text)") }
  guard let pretty = try? JSONParser.parse(value.serialized(indent: 2).utf8), pretty == value else {
    fatalError("indented text does not parse back to the value: \(text)")
  }
  if let object = value.objectValue {
    let keys = object.keys
    guard let fields = try? JSONParser.fields(keys, in: bytes) else { fatalError("fields() rejects an object") }
    for (key, field) in zip(keys, fields) where field != object[key] {
      fatalError("fields() disagrees with parse() on key \(key)")
    }
  }
}

#if FUZZING
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    check(UnsafeRawBufferPointer(start: data, count: size))
    return 0
  }
#else
  import Glibc

  /// Replays inputs: `tally-fuzz-json FILE…`.
  @main struct Replay {
    static func main() {
      var checked = 0
      for path in CommandLine.arguments.dropFirst() {
        guard let file = fopen(path, "rb") else {
          print("cannot open \(path)")
          exit(2)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
          let n = fread(&chunk, 1, chunk.count, file)
          if n <= 0 { break }
          bytes += chunk[0..<n]
        }
        fclose(file)
        bytes.withUnsafeBytes { check($0) }
        checked += 1
      }
      print("checked \(checked) input(s): no problem found")
    }
  }
#endif
