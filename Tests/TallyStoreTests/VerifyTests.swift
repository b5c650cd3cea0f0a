import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore

/// `tally verify`'s checks on real logs written by the log writer, then tampered with by hand.
@Suite struct VerifyTests {
  /// A project with ana's log on device `laptop` (5 records, the last editing the first) and ben's on `box`; the
  /// scratch folder lives as long as the fixture.
  final class Fixture {
    let scratch: Scratch
    let project: Project
    let ana: String
    let ben: String
    init(_ made: (Scratch, Project, String, String, [UInt8])) {
      (scratch, project, ana, ben) = (made.0, made.1, made.2, made.3)
    }
  }

  func fixture(signing: Bool = false) throws -> Fixture { Fixture(try project(signing: signing)) }

  func project(signing: Bool = false) throws -> (Scratch, Project, String, String, [UInt8]) {
    let scratch = Scratch()
    try FileManager.default.createDirectory(atPath: scratch.file("p/labels"), withIntermediateDirectories: true)
    scratch.write("p/data.jsonl", (1...5).map { #"{"id":"t\#($0)","text":"x"}"# }.joined(separator: "\n") + "\n")
    let key = (0..<32).map { UInt8(($0 * 7 + 3) & 0xFF) }
    let keyLine = signing ? "signing_keys:\n  ana: \(SigningKeys.publicKey(of: key) ?? "")\n" : ""
    scratch.write("p/tally.yaml", "name: v\ndata: data.jsonl\n\(keyLine)questions:\n  - name: q\n    options: [a, b]\n")
    var project = try Project.load(scratch.file("p"))
    let anaLog = project.logPath(for: "ana", device: "laptop")
    let benLog = project.logPath(for: "ben", device: "box")
    try project.prepareLogFolder(for: anaLog)
    try project.prepareLogFolder(for: benLog)
    let ana = try LabelLogWriter(path: anaLog)
    if signing { ana.signingKey = key }
    for i in 1...4 { try ana.append(record("a\(i)", task: "t\(i)", answer: "a", at: Double(1000 + i), by: "ana")) }
    try ana.append(record("a5", task: "t1", answer: "b", at: 1010, by: "ana", supersedes: "a1"))
    let ben = try LabelLogWriter(path: benLog)
    for i in 1...2 { try ben.append(record("b\(i)", task: "t\(i)", answer: "b", at: Double(2000 + i), by: "ben")) }
    project = try Project.load(scratch.file("p"))
    return (scratch, project, anaLog, benLog, key)
  }

  func record(
    _ id: String, task: String, answer: String, at time: Double, by annotator: String, supersedes: String? = nil
  ) -> LabelRecord {
    LabelRecord(
      id: id, type: .answer, task: task, line: 1, annotator: annotator, answers: JSONObject([("q", .string(answer))]),
      submittedAt: time, tool: "t", supersedes: supersedes)
  }

  func lines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
  }

  func write(_ path: String, _ lines: [String]) throws {
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
  }

  func problems(_ project: Project) throws -> [String] {
    try LogVerifier.verify(project: project).problems.map {
      "\(Path.fileName(of: $0.file)):\($0.line ?? 0): \($0.message)"
    }
  }

  @Test func cleanLogsVerifyWithCounts() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let report = try LogVerifier.verify(project: f.project)
    #expect(report.clean, "\(report.problems)")
    #expect(report.logs == 2 && report.chainedLogs == 2 && report.records == 7 && report.annotators.count == 2)
    #expect(report.notes.isEmpty)
  }

  @Test func anEditedRecordBreaksTheChainAtTheNextLine() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let (project, ana) = (f.project, f.ana)
    var l = try lines(ana)
    l[1] = l[1].replacingOccurrences(of: #""q":"a""#, with: #""q":"b""#)
    try write(ana, l)
    let found = try problems(project)
    #expect(found.count == 1 && found[0].hasPrefix("laptop.jsonl:3: chain broken"), "\(found)")
  }

  @Test func aRemovedRecordBreaksTheChainWhereItWas() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let (project, ana) = (f.project, f.ana)
    var l = try lines(ana)
    l.remove(at: 2)
    try write(ana, l)
    let found = try problems(project)
    #expect(found.count == 1 && found[0].hasPrefix("laptop.jsonl:3: chain broken"), "\(found)")
  }

  @Test func anInsertedRecordBreaksTheChain() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let (project, ana) = (f.project, f.ana)
    var l = try lines(ana)
    // A well-formed record whose prev is even right for where it goes: the record after it no longer matches.
    var forged = record("x1", task: "t5", answer: "b", at: 1003.5, by: "ana")
    forged.prev = LogChain.hash(Array(l[2].utf8))
    l.insert(forged.jsonLine, at: 3)
    try write(ana, l)
    let found = try problems(project)
    #expect(found.count == 1 && found[0].hasPrefix("laptop.jsonl:5: chain broken"), "\(found)")
  }

  @Test func reorderedRecordsBreakTheChain() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let (project, ana) = (f.project, f.ana)
    var l = try lines(ana)
    l.swapAt(1, 2)
    try write(ana, l)
    let found = try problems(project)
    #expect(found.first?.hasPrefix("laptop.jsonl:2: chain broken") == true, "\(found)")
  }

  @Test func aRecordMovedToAnotherAnnotatorsLogIsNamed() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let (project, ana, ben) = (f.project, f.ana, f.ben)
    var a = try lines(ana)
    let moved = a.remove(at: 4)
    try write(ana, a)
    try write(ben, try lines(ben) + [moved])
    let found = try problems(project)
    #expect(found.contains { $0.hasPrefix("box.jsonl:3: a record of ana in the log of ben") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("box.jsonl:3: chain broken") }, "\(found)")
  }

  @Test func aTornLastLineIsNotTampering() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let (project, ana) = (f.project, f.ana)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: ana))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"v":1,"id":"a6","type":"ans"#.utf8))
    try handle.close()
    let report = try LogVerifier.verify(project: project)
    #expect(report.clean, "\(report.problems)")
    #expect(report.notes.map(\.line) == [6])
    #expect(report.notes.first?.message.contains("torn last line") == true)
    // The next session writes past it, and the chain skips it.
    try LabelLogWriter(path: ana).append(record("a7", task: "t5", answer: "a", at: 1020, by: "ana"))
    let after = try LogVerifier.verify(project: project)
    #expect(after.clean, "\(after.problems)")
    #expect(after.notes.first?.message.contains("the chain skips over") == true)
  }

  @Test func aTornWriteTheNextSessionClosedIsNotTampering() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: f.ana))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"v":1,"id":"a6","ty"#.utf8))
    try handle.close()
    _ = try LabelLogWriter(path: f.ana)  // opened (a newline written after the torn line), nothing labeled
    let report = try LogVerifier.verify(project: f.project)
    #expect(report.clean, "\(report.problems)")
    #expect(report.notes.contains { $0.message.hasPrefix("torn write at the end") })
  }

  @Test func aDeviceLogWithoutAChainOrWithAnInvalidRecordIsAProblem() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let forged = f.project.logPath(for: "ben", device: "forged")
    try f.project.prepareLogFolder(for: forged)
    try (record("z1", task: "t1", answer: "a", at: 5, by: "ben").jsonLine + "\n").write(
      toFile: forged, atomically: false, encoding: .utf8)
    var found = try problems(f.project)
    #expect(found.contains { $0.hasPrefix("forged.jsonl:1: record without `prev` in a device log") }, "\(found)")
    try write(
      f.ben,
      try lines(f.ben) + [
        #"{"v":1,"id":"x","type":"review","task":"t1","annotator":"ben","submitted_at":"2026-01-01T00:00:00Z","tool":"t"}"#
      ])
    found = try problems(f.project)
    #expect(found.contains { $0.hasPrefix("box.jsonl:3: not a valid record") }, "\(found)")
  }

  @Test func duplicateIdsAndDanglingOrForeignSupersedesAreNamed() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    let (project, ana, ben) = (f.project, f.ana, f.ben)
    let writer = try LabelLogWriter(path: ben)
    try writer.append(record("a2", task: "t3", answer: "a", at: 3000, by: "ben"))
    try writer.append(record("b9", task: "t4", answer: "a", at: 3001, by: "ben", supersedes: "a3"))
    try writer.append(record("b10", task: "t5", answer: "a", at: 3002, by: "ben", supersedes: "nope"))
    _ = ana
    let found = try problems(project)
    #expect(found.contains { $0.hasPrefix("box.jsonl:3: id a2 is also at") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("box.jsonl:4: supersedes a3, a record of ana") }, "\(found)")
    #expect(found.contains { $0.hasPrefix("box.jsonl:5: supersedes nope, which no log") }, "\(found)")
  }

  @Test func aSignedProjectRefusesAForgedRecord() throws {
    let f = try fixture(signing: true)
    defer { withExtendedLifetime(f) {} }
    let (project, ana) = (f.project, f.ana)
    #expect(try LogVerifier.verify(project: project).clean)
    #expect(try LogVerifier.verify(project: project).signedRecords == 5)
    // Someone without ana's key appends a record in her name, with a correct chain.
    let forger = try LabelLogWriter(path: ana)
    try forger.append(record("f1", task: "t5", answer: "b", at: 1030, by: "ana"))
    var found = try problems(project)
    #expect(
      found == ["laptop.jsonl:6: not signed, and tally.yaml lists a signing key for ana: not written by their Tally"])
    // Or signs it with another key.
    forger.signingKey = [UInt8](repeating: 9, count: 32)
    try forger.append(record("f2", task: "t5", answer: "b", at: 1031, by: "ana"))
    found = try problems(project)
    #expect(found.last?.hasPrefix("laptop.jsonl:7: signature does not verify") == true, "\(found)")
    // An edit of a signed record fails its signature (and the chain).
    var l = try lines(ana)
    l[0] = l[0].replacingOccurrences(of: #""q":"a""#, with: #""q":"b""#)
    try write(ana, l)
    #expect(try problems(project).contains { $0.hasPrefix("laptop.jsonl:1: signature does not verify") })
  }

  @Test func logsFromBeforeChainsAreNotedNotFailed() throws {
    let f = try fixture()
    defer { withExtendedLifetime(f) {} }
    f.scratch.write("p/labels/old.jsonl", record("o1", task: "t1", answer: "a", at: 1, by: "old").jsonLine + "\n")
    let report = try LogVerifier.verify(project: try Project.load(f.scratch.file("p")))
    #expect(report.clean)
    #expect(report.notes.map(\.message).contains { $0.hasPrefix("no hash chain") })
  }
}
