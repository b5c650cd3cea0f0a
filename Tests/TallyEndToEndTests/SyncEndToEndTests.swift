import Foundation
import TallyCore
import TallyJSON
import Testing

/// Three machines (three working copies of one bare git repository on this machine, each with its own Tally
/// home and so its own device id) label by keys in tmux, the same annotator on two of them, and sync in
/// different orders, one sync killed on the way. Nothing is faked: real git, the real binary.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxAvailable))
struct SyncEndToEndTests {
  static let yaml = """
    name: team
    data: data.jsonl
    questions:
      - name: sentiment
        options: [pos, neg]

    """
  static let data =
    ["one", "two", "three", "four"].enumerated().map {
      #"{"id":"t\#($0.offset + 1)","text":"\#($0.element) says hello"}"#
    }
    .joined(separator: "\n") + "\n"

  struct Machine {
    let folder: String  // the working copy (the project folder)
    let home: String
  }

  func run(_ arguments: [String], in directory: String, home: String? = nil) throws -> (status: Int32, output: String) {
    let env = home.map { ["/usr/bin/env", "XDG_CONFIG_HOME=" + $0] } ?? []
    return try TmuxSession.run(env + arguments, directory: directory)
  }

  func tally(_ arguments: [String], on machine: Machine) throws -> (status: Int32, output: String) {
    try run([TmuxSession.tallyBinary] + arguments, in: machine.folder, home: machine.home)
  }

  /// Labels the queue from the start with `keys` (one per task), then quits.
  func label(_ annotator: String, keys: [String], on machine: Machine) throws {
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label . --annotator \(annotator)", directory: machine.folder,
      environment: ["XDG_CONFIG_HOME": machine.home])
    for (i, key) in keys.enumerated() {
      try session.waitFor("\(["one", "two", "three", "four"][i]) says hello")
      try session.send(key)
    }
    if keys.count == 4 { try session.waitFor("End of the queue") } else { try session.waitFor("says hello") }
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
  }

  func export(_ machine: Machine) throws -> [String] {
    let result = try tally(["export", ".", "--format", "jsonl"], on: machine)
    #expect(result.status == 0, "\(result.output)")
    return result.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("{") }.sorted()
  }

  /// Every record id in the copy's logs (with repeats, if there were any).
  func recordIDs(_ machine: Machine) throws -> [String] {
    let labels = machine.folder + "/labels"
    var ids: [String] = []
    let enumerator = FileManager.default.enumerator(atPath: labels)
    while let file = enumerator?.nextObject() as? String {
      guard file.hasSuffix(".jsonl") else { continue }
      let text = try String(contentsOfFile: labels + "/" + file, encoding: .utf8)
      for line in text.split(separator: "\n") {
        if let id = (try? JSONParser.parse(line.utf8))?.objectValue?["id"]?.stringValue { ids.append(id) }
      }
    }
    return ids.sorted()
  }

  func commits(_ machine: Machine) throws -> String {
    try run(["git", "rev-list", "--count", "HEAD"], in: machine.folder).output
  }

  @Test func threeMachinesSyncInAnyOrderAndEndWithTheSameRecordsOnce() throws {
    let folder = try TemporaryFolder()
    let root = folder.path
    #expect(try run(["git", "init", "--quiet", "--bare", "remote.git"], in: root).status == 0)
    try folder.write("a/tally.yaml", Self.yaml)
    try folder.write("a/data.jsonl", Self.data)
    let a = Machine(folder: root + "/a", home: TmuxSession.machineHome("laptop-a"))
    let b = Machine(folder: root + "/b", home: TmuxSession.machineHome("laptop-b"))
    let c = Machine(folder: root + "/c", home: TmuxSession.machineHome("box-c"))

    // Machine A makes the repository and its remote; B and C clone it.
    let first = try tally(["sync", ".", "--remote", root + "/remote.git"], on: a)
    #expect(first.status == 0, "\(first.output)")
    #expect(
      first.output.contains("made a git repository here with the project's files: .gitignore, tally.yaml, data.jsonl"))
    for name in ["b", "c"] {
      let clone = try run(["git", "clone", "--quiet", root + "/remote.git", name], in: root)
      #expect(clone.status == 0, "\(clone.output)")
    }

    // ana labels everything on A and, before any sync, t1 again on B; bob labels everything on C.
    try label("ana", keys: ["1", "2", "1", "2"], on: a)
    try label("ana", keys: ["2"], on: b)
    try label("bob", keys: ["1", "1", "2", "2"], on: c)
    #expect(FileManager.default.fileExists(atPath: b.folder + "/labels/ana/laptop-b.jsonl"))

    // A sync on B killed on the way, then syncs in an order that is not the labeling order.
    let killed = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) sync .", directory: b.folder, environment: ["XDG_CONFIG_HOME": b.home])
    try killed.killProgram()
    var outputs: [String] = []
    for machine in [c, b, a, c, b] {
      let result = try tally(["sync", "."], on: machine)
      #expect(result.status == 0, "\(result.output)")
      outputs.append(result.output)
    }
    #expect(outputs[0].contains("out: 4 records (bob 4)"), "\(outputs[0])")
    #expect(outputs[2].contains("out: 4 records (ana 4)") && outputs[2].contains("in: 5 records (ana 1, bob 4)"))
    // The same annotator answered t1 on two machines: both kept, the later stands, and sync says so.
    #expect(outputs[2].contains("ana has 2 current answers to task `t1`"), "\(outputs[2])")

    // Every copy holds every record exactly once and exports the same answers.
    let ids = try recordIDs(a)
    #expect(ids.count == 9 && Set(ids).count == 9)
    #expect(try recordIDs(b) == ids && recordIDs(c) == ids)
    let exported = try export(a)
    #expect(exported.count == 8)
    #expect(try export(b) == exported && export(c) == exported)
    let anaT1 = exported.first { $0.contains(#""id":"t1","annotator":"ana""#) } ?? ""
    #expect(anaT1.contains(#""sentiment":"neg""#), "\(anaT1)")  // B's answer, the later one
    for machine in [a, b, c] { #expect(try tally(["verify", "."], on: machine).status == 0) }

    // A second round changes nothing and makes no commit.
    for machine in [a, b, c] {
      let before = try commits(machine)
      let again = try tally(["sync", "."], on: machine)
      #expect(again.output.contains("nothing new"), "\(again.output)")
      #expect(try commits(machine) == before)
    }
    // Only the devices' own logs were ever committed.
    let tracked = try run(["git", "ls-files"], in: a.folder).output.split(separator: "\n").map(String.init).sorted()
    #expect(
      tracked == [
        ".gitignore", "data.jsonl", "labels/ana/laptop-a.jsonl", "labels/ana/laptop-b.jsonl", "labels/bob/box-c.jsonl",
        "tally.yaml",
      ])
  }

  @Test func bundlesCarryLabelsToAMachineWithNoNetworkInAnyOrder() throws {
    let folder = try TemporaryFolder()
    for name in ["field", "office1", "office2"] {
      try folder.write("\(name)/tally.yaml", Self.yaml)
      try folder.write("\(name)/data.jsonl", Self.data)
    }
    let field = Machine(folder: folder.path + "/field", home: TmuxSession.machineHome("field-box"))
    try label("ana", keys: ["1", "2"], on: field)
    #expect(try tally(["bundle", ".", "--out", "../first.bundle"], on: field).output.contains("2 records"))
    // The rest of the queue later, and a bundle of what is new since the first.
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label . --annotator ana", directory: field.folder,
      environment: ["XDG_CONFIG_HOME": field.home])
    try session.waitFor("three says hello")
    try session.send("1")
    try session.waitFor("four says hello")
    try session.send("1")
    try session.waitFor("End of the queue")
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
    let second = try tally(["bundle", ".", "--out", "../second.bundle", "--since", "../first.bundle"], on: field)
    #expect(second.output.contains("2 records from 1 logs (new since ../first.bundle)"), "\(second.output)")
    // The bundle file is never written over without --force.
    #expect(try tally(["bundle", ".", "--out", "../second.bundle"], on: field).status == 2)

    let office1 = Machine(folder: folder.path + "/office1", home: TmuxSession.home)
    let office2 = Machine(folder: folder.path + "/office2", home: TmuxSession.home)
    let later = try tally(["merge", ".", "../second.bundle"], on: office1)
    #expect(later.output.contains("2 records held until the records before them arrive"), "\(later.output)")
    #expect(try tally(["merge", ".", "../first.bundle"], on: office1).output.contains("added 4 records"))
    #expect(try tally(["merge", ".", "../first.bundle", "../second.bundle"], on: office2).output.contains("added 4"))
    for machine in [office1, office2] {
      #expect(
        try tally(["merge", ".", "../second.bundle", "../first.bundle"], on: machine).output.contains("nothing new"))
    }
    let expected = try export(field)
    #expect(expected.count == 4)
    #expect(try export(office1) == expected && export(office2) == expected)
    #expect(try tally(["verify", "."], on: office1).status == 0)
    // A bundle cut short in the copy is refused whole.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/first.bundle"))
    try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: folder.path + "/cut.bundle"))
    let cut = try tally(["merge", ".", "../cut.bundle"], on: office2)
    #expect(cut.status == 1 && cut.output.contains("is cut short"), "\(cut.output)")
  }

  @Test func aProjectOutsideGitSaysHowToStart() throws {
    let folder = try TemporaryFolder()
    try folder.write("p/tally.yaml", Self.yaml)
    try folder.write("p/data.jsonl", Self.data)
    let result = try tally(["sync", "p"], on: Machine(folder: folder.path, home: TmuxSession.home))
    #expect(result.status == 1)
    #expect(result.output.contains("is not in a git repository") && result.output.contains("--remote URL"))
  }
}

extension SyncEndToEndTests {
  @Test func assignedWorkIsAnAnnotatorsQueueAndStatusCountsIt() throws {
    let folder = try TemporaryFolder()
    let texts = (1...12).map { "item \($0) text" }
    try folder.write(
      "p/tally.yaml",
      "name: shared\ndata: data.jsonl\nseed: 5\nassignment:\n  annotators: [ana, ben, cy]\n  overlap: 2\n"
        + "questions:\n  - name: sentiment\n    options: [pos, neg]\n")
    try folder.write(
      "p/data.jsonl",
      texts.enumerated().map { #"{"id":"t\#($0.offset + 1)","text":"\#($0.element)"}"# }
        .joined(separator: "\n") + "\n")
    let mine = (1...12).filter {
      Array(Assignment.ranking(task: "t\($0)", annotators: ["ana", "ben", "cy"], seed: 5).prefix(2)).contains("ana")
    }
    let machine = Machine(folder: folder.path + "/p", home: TmuxSession.home)
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label . --annotator ana", directory: machine.folder)
    // ana's queue is her share only: her tasks, in data order, and the count says so.
    try session.waitFor("item \(mine[0]) text")
    // (The status line is drawn after the text: wait for it.)
    let first = try session.waitFor("0/\(mine.count) done")
    #expect(first.contains("item \(mine[0]) text"), "\(first)")
    for n in mine.indices {
      try session.waitFor("item \(mine[n]) text")
      try session.send("1")
    }
    try session.waitFor("End of the queue")
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
    let status = try tally(["status", "."], on: machine)
    #expect(status.status == 0, "\(status.output)")
    #expect(status.output.contains("12 tasks, each for 2 of 3 annotators"), "\(status.output)")
    let anaRow = status.output.split(separator: "\n").first { $0.hasPrefix("ana") }.map(String.init) ?? ""
    #expect(anaRow.split(separator: " ") == ["ana", "\(mine.count)", "\(mine.count)", "0"], "\(status.output)")
    #expect(status.output.contains("12 tasks waiting for answers"))
    // Someone outside the list is refused with the fix.
    let outsider = try tally(["label", ".", "--annotator", "zed"], on: machine)
    #expect(outsider.status == 2 && outsider.output.contains("not one of this project's annotators"))
  }
}

extension SyncEndToEndTests {
  @Test func aRunningSessionPassesOverATaskASyncShowsIsDone() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "p/tally.yaml",
      "name: shared\ndata: data.jsonl\nseed: 2\nassignment:\n  annotators: [ana, ben]\n  overlap: 1\n"
        + "questions:\n  - name: sentiment\n    options: [pos, neg]\n")
    try folder.write(
      "p/data.jsonl", (1...10).map { #"{"id":"t\#($0)","text":"item \#($0) text"}"# }.joined(separator: "\n") + "\n")
    let mine = (1...10).filter { Assignment.ranking(task: "t\($0)", annotators: ["ana", "ben"], seed: 2)[0] == "ana" }
    try #require(mine.count >= 3)
    let machine = Machine(folder: folder.path + "/p", home: TmuxSession.home)
    let session = try TmuxSession(
      command: "\(TmuxSession.tallyBinary) label . --annotator ana", directory: machine.folder)
    try session.waitFor("item \(mine[0]) text")
    // Meanwhile a sync brings in ben's answer to ana's third task.
    let record =
      #"{"v":1,"id":"ben-1","type":"answer","task":"t\#(mine[2])","annotator":"ben","answers":{"sentiment":"neg"},"submitted_at":"2026-12-03T10:00:00.000Z","tool":"t"}"#
    try folder.write("p/labels/ben/other-box.jsonl", record + "\n")
    Thread.sleep(forTimeInterval: 3.5)
    try session.send("1")
    try session.waitFor("item \(mine[1]) text")
    try session.send("1")
    // The next task drawn is not the one ben did.
    let next = try session.waitFor(mine.count > 3 ? "item \(mine[3]) text" : "End of the queue")
    #expect(!next.contains("item \(mine[2]) text"))
    try session.send("q")
    try session.waitFor("TALLY-EXIT=0")
  }

  @Test func aSignedAnnotatorsRecordsVerifyAndAForgeryDoesNot() throws {
    let folder = try TemporaryFolder()
    let home = TmuxSession.machineHome("signer-\(UUID().uuidString.prefix(6).lowercased())")
    let machine = Machine(folder: folder.path + "/p", home: home)
    try folder.write("p/data.jsonl", Self.data)
    try folder.write("p/tally.yaml", Self.yaml)
    let made = try tally(["key", "--annotator", "ana"], on: Machine(folder: folder.path, home: home))
    #expect(made.status == 0, "\(made.output)")
    let keyLine = made.output.split(separator: "\n").first { $0.hasPrefix("  ana: ") }.map(String.init) ?? ""
    #expect(!keyLine.isEmpty, "\(made.output)")
    // A second `tally key` never replaces the key.
    #expect(try tally(["key", "--annotator", "ana"], on: machine).status == 2)
    try folder.write("p/tally.yaml", Self.yaml + "signing_keys:\n" + keyLine + "\n")
    try label("ana", keys: ["1", "2", "1", "2"], on: machine)
    let verified = try tally(["verify", "."], on: machine)
    #expect(verified.status == 0 && verified.output.contains("4 signed"), "\(verified.output)")
    // Another machine without ana's key cannot label as ana...
    let other = Machine(folder: machine.folder, home: TmuxSession.machineHome("keyless"))
    let refused = try tally(["label", ".", "--annotator", "ana"], on: other)
    #expect(refused.status == 2 && refused.output.contains("lists a signing key for ana"), "\(refused.output)")
    // ...and a record written in her name by hand fails verify, named by file and line (dated after her signed
    // records whatever the clock says: a fixed date that became the past made it look written before signing).
    let log =
      "p/labels/ana/"
      + (try String(contentsOfFile: home + "/tally/device", encoding: .utf8))
      .trimmingCharacters(in: .whitespacesAndNewlines) + ".jsonl"
    try folder.write(
      "p/labels/ana/forged.jsonl",
      #"{"v":1,"id":"f1","type":"answer","task":"t1","annotator":"ana","answers":{"sentiment":"neg"},"submitted_at":"2099-01-01T00:00:00.000Z","tool":"t","prev":"\#(String(repeating: "0", count: 64))"}"#
        + "\n")
    let forged = try tally(["verify", "."], on: machine)
    #expect(forged.status == 1)
    #expect(forged.output.contains("labels/ana/forged.jsonl:1: error: not signed"), "\(forged.output)")
    #expect(FileManager.default.fileExists(atPath: folder.path + "/" + log))
  }
}
