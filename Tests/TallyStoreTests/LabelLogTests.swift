import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore

/// A temporary folder for one test.
final class Scratch {
  let path: String
  init() {
    path = NSTemporaryDirectory() + "tally-store-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
  func file(_ name: String) -> String { path + "/" + name }
  func write(_ name: String, _ text: String) {
    _ = FileManager.default.createFile(atPath: file(name), contents: Data(text.utf8))
  }
  func read(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }
}

func record(_ id: String, task: String, answer: String, at time: Double, supersedes: String? = nil) -> LabelRecord {
  LabelRecord(
    id: id, type: .answer, task: task, line: 1, annotator: "ann", answers: JSONObject([("q", .string(answer))]),
    shownAt: time - 2, submittedAt: time, activeSeconds: 2, guidelinesVersion: "sha256:abc", tool: "tally test",
    supersedes: supersedes)
}

@Suite struct LabelLogTests {
  @Test func appendThenReadBackKeepsEveryRecordInOrder() throws {
    let scratch = Scratch()
    let path = scratch.file("ann.jsonl")
    let writer = try LabelLogWriter(path: path)
    let first = try writer.append(record("r1", task: "t1", answer: "a", at: 1000))
    let second = try writer.append(record("r2", task: "t2", answer: "b", at: 1001))
    #expect(first == 0)
    #expect(second > first)
    let (records, problems) = try LabelLogReader.readAll(path: path)
    #expect(problems.isEmpty)
    #expect(records.map(\.id) == ["r1", "r2"])
    // As given, plus the chain: the first record's prev is the genesis, the second's the hash of line 1.
    var expected = record("r2", task: "t2", answer: "b", at: 1001)
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
    expected.prev = LogChain.hash(lines[0])
    #expect(records[1] == expected)
    #expect(records[0].prev == LogChain.genesis)
    #expect(try LabelLogReader.record(path: path, offset: second).id == "r2")
  }

  @Test func theChainFollowsTheLastRecordLinePastATornOne() throws {
    let scratch = Scratch()
    let path = scratch.file("ann.jsonl")
    try LabelLogWriter(path: path).append(record("r1", task: "t1", answer: "a", at: 1000))
    // A crash cut the next write short.
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"v":1,"id":"r2","ty"#.utf8))
    try handle.close()
    try LabelLogWriter(path: path).append(record("r3", task: "t3", answer: "c", at: 1002))
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
    #expect(lines.count == 3)
    let (records, _) = try LabelLogReader.readAll(path: path)
    #expect(records.map(\.id) == ["r1", "r3"])
    #expect(records[1].prev == LogChain.hash(lines[0]))
  }

  @Test func signedRecordsVerifyWithTheirKeyAndNoOther() throws {
    let scratch = Scratch()
    let path = scratch.file("ann.jsonl")
    let writer = try LabelLogWriter(path: path)
    let key = (0..<32).map { UInt8($0) }
    writer.signingKey = key
    try writer.append(record("r1", task: "t1", answer: "a", at: 1000))
    let line = Array(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0].utf8)
    let (signed, signature) = try #require(LogChain.splitSignature(line))
    let publicKey = try #require(SigningKeys.publicKey(of: key).flatMap(Base64.decode))
    #expect(LogChain.verify(signed, signature: signature, publicKey: publicKey))
    // An edit anywhere in the signed part fails.
    var edited = signed
    edited[edited.count / 2] ^= 1
    #expect(!LogChain.verify(edited, signature: signature, publicKey: publicKey))
    let other = try #require(SigningKeys.publicKey(of: [UInt8](repeating: 7, count: 32)).flatMap(Base64.decode))
    #expect(!LogChain.verify(signed, signature: signature, publicKey: other))
    #expect(try LabelLogReader.readAll(path: path).records.first?.sig == signature)
  }

  @Test func base64RoundTrips() {
    for n in 0..<40 {
      let bytes = (0..<n).map { UInt8(($0 * 37 + n) & 0xFF) }
      #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }
    #expect(Base64.encode(Array("Man".utf8)) == "TWFu")
    #expect(Base64.encode(Array("Ma".utf8)) == "TWE=")
    #expect(Base64.decode("not base64!") == nil)
  }

  @Test func aSupersedingRecordIsTheLatestAndNothingIsRewritten() throws {
    let scratch = Scratch()
    let path = scratch.file("ann.jsonl")
    let writer = try LabelLogWriter(path: path)
    try writer.append(record("r1", task: "t1", answer: "a", at: 1000))
    let before = scratch.read("ann.jsonl")
    let offset = try writer.append(record("r2", task: "t1", answer: "b", at: 1005, supersedes: "r1"))
    // The earlier bytes are untouched: the log only grows.
    #expect(scratch.read("ann.jsonl").hasPrefix(before))
    let index = try LabelLogReader.index(path: path)
    #expect(index.latest["t1"] == LogEntry(offset: offset, type: .answer))
    #expect(index.records == 2)
    let latest = try LabelLogReader.record(path: path, offset: offset)
    #expect(latest.answers["q"] == .string("b"))
    #expect(latest.supersedes == "r1")
  }

  @Test func aTornLastLineIsReportedAndSkippedAndTheNextAppendStandsAlone() throws {
    let scratch = Scratch()
    let path = scratch.file("ann.jsonl")
    let good = record("r1", task: "t1", answer: "a", at: 1000).jsonLine
    scratch.write("ann.jsonl", good + "\n" + #"{"v":1,"id":"r2","type":"answer","task":"t2","ann"#)
    let index = try LabelLogReader.index(path: path)
    #expect(index.records == 1)
    #expect(index.latest.keys.sorted() == ["t1"])
    #expect(index.problems == [DataProblem(line: 2, reason: "torn last line skipped (the write was cut off)")])

    // Appending after a torn line starts a new line, so the new record is intact.
    let writer = try LabelLogWriter(path: path)
    try writer.append(record("r3", task: "t3", answer: "c", at: 1002))
    let (records, problems) = try LabelLogReader.readAll(path: path)
    #expect(records.map(\.id) == ["r1", "r3"])
    #expect(problems.count == 1)
    #expect(problems.first?.line == 2)
  }

  @Test func garbageInTheMiddleIsSkippedNotFatal() throws {
    let scratch = Scratch()
    let path = scratch.file("ann.jsonl")
    let a = record("r1", task: "t1", answer: "a", at: 1000).jsonLine
    let b = record("r2", task: "t2", answer: "b", at: 1001).jsonLine
    scratch.write("ann.jsonl", a + "\nnot json at all\n\n" + b + "\n")
    let (records, problems) = try LabelLogReader.readAll(path: path)
    #expect(records.map(\.id) == ["r1", "r2"])
    #expect(problems.map(\.line) == [2])
    let index = try LabelLogReader.index(path: path)
    #expect(index.latest.count == 2)
    #expect(index.problems.map(\.line) == [2])
  }

  @Test func aMissingLogIsEmpty() throws {
    let index = try LabelLogReader.index(path: "/nonexistent/tally/log.jsonl")
    #expect(index.records == 0)
    #expect(index.latest.isEmpty)
  }

  @Test func guidelineOpenEventsAreIndexed() throws {
    let scratch = Scratch()
    let path = scratch.file("ann.jsonl")
    let writer = try LabelLogWriter(path: path)
    try writer.append(
      LabelRecord(
        id: "e1", type: .event, annotator: "ann", event: "guidelines_opened", submittedAt: 5,
        guidelinesVersion: "sha256:v1", tool: "t"))
    let index = try LabelLogReader.index(path: path)
    #expect(index.guidelinesOpened == ["sha256:v1"])
    #expect(index.latest.isEmpty)
  }

  @Test func aFailedFsyncIsAnErrorNotASilentLoss() throws {
    struct FailingFsync: SystemCalls {
      let live = LiveSystemCalls()
      func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { live.open(path, flags, mode) }
      func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int { live.write(fd, buffer) }
      func fsync(_ fd: Int32) -> Int32 {
        errno = EIO
        return -1
      }
      func close(_ fd: Int32) -> Int32 { live.close(fd) }
      func flock(_ fd: Int32, _ operation: Int32) -> Int32 { live.flock(fd, operation) }
    }
    let scratch = Scratch()
    let writer = try LabelLogWriter(path: scratch.file("ann.jsonl"), system: FailingFsync())
    #expect(throws: SystemError.self) { try writer.append(record("r1", task: "t1", answer: "a", at: 1)) }
  }

  @Test func aFullDiskIsReported() throws {
    struct FullDisk: SystemCalls {
      let live = LiveSystemCalls()
      func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { live.open(path, flags, mode) }
      func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
        errno = ENOSPC
        return -1
      }
      func fsync(_ fd: Int32) -> Int32 { live.fsync(fd) }
      func close(_ fd: Int32) -> Int32 { live.close(fd) }
      func flock(_ fd: Int32, _ operation: Int32) -> Int32 { live.flock(fd, operation) }
    }
    let scratch = Scratch()
    let writer = try LabelLogWriter(path: scratch.file("ann.jsonl"), system: FullDisk())
    do {
      try writer.append(record("r1", task: "t1", answer: "a", at: 1))
      Issue.record("expected an error")
    } catch {
      #expect(error.code == ENOSPC)
      #expect(error.description.contains("No space left on device"))
    }
  }

  @Test func annotatorNamesBecomeSafeDistinctFileNames() {
    #expect(LabelLogReader.safeFileName("alice") == "alice")
    #expect(LabelLogReader.safeFileName("../../etc/passwd") == "%2E.%2F..%2Fetc%2Fpasswd")
    #expect(LabelLogReader.safeFileName("José Ñ") == "José%20Ñ")
    #expect(LabelLogReader.safeFileName("a b") != LabelLogReader.safeFileName("a_b"))
    #expect(LabelLogReader.safeFileName(".hidden") == "%2Ehidden")
    #expect(LabelLogReader.safeFileName("") == "%")
  }

  @Test func theIndexKeepsOnlyCompleteRecordsOfItsAnnotator() throws {
    let scratch = Scratch()
    let a = record("r1", task: "t1", answer: "a", at: 1000).jsonLine
    var other = record("r2", task: "t2", answer: "b", at: 1001)
    other.annotator = "someone-else"
    scratch.write("ann.jsonl", a + "\n" + other.jsonLine + "\n" + #"{"type":"answer","task":"t3"}"# + "\n")
    let index = try LabelLogReader.index(path: scratch.file("ann.jsonl"), annotator: "ann")
    #expect(index.latest.keys.sorted() == ["t1"])
    #expect(index.problems.map(\.line) == [3])
  }

  @Test func aHugeLineNumberIsNotACrash() throws {
    let line =
      #"{"v":1,"id":"r1","type":"answer","task":"t1","line":1e20,"annotator":"a","answers":{},"submitted_at":"2026-11-23T10:00:00.000Z","tool":"t"}"#
    let record = try LabelRecord(json: JSONParser.parse(line.utf8))
    #expect(record.line == nil)
  }
}
