import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore

/// `Sync` on real git repositories on this machine, with the seam used to make the race a sync must survive
/// happen on cue: another machine pushes between this one's fetch and push.
@Suite(.serialized) struct SyncTests {
  /// The real git, and before the first push a callback (another machine pushing first).
  final class RacingGit: GitRunner, @unchecked Sendable {
    let live = LiveGit()
    var beforeFirstPush: (() -> Void)?
    var pushes = 0
    func run(_ arguments: [String], in directory: String) -> GitResult {
      if arguments.first == "push" {
        pushes += 1
        if pushes == 1, let race = beforeFirstPush { race() }
      }
      return live.run(arguments, in: directory)
    }
  }

  func git(_ arguments: String..., in directory: String) -> GitResult { LiveGit().run(arguments, in: directory) }

  /// A bare remote and two working copies of a tiny project, the first made by a sync.
  func setUp() throws -> (Scratch, Project, Project) {
    let scratch = Scratch()
    _ = git("init", "--quiet", "--bare", scratch.file("remote.git"), in: scratch.path)
    try FileManager.default.createDirectory(atPath: scratch.file("a"), withIntermediateDirectories: true)
    scratch.write("a/tally.yaml", "name: s\ndata: data.jsonl\nquestions:\n  - name: q\n    options: [x, y]\n")
    scratch.write("a/data.jsonl", #"{"id":"t1","text":"hi"}"# + "\n")
    let a = try Project.load(scratch.file("a"))
    _ = try Sync.run(project: a, device: "dev-a", remote: scratch.file("remote.git"))
    _ = git("clone", "--quiet", scratch.file("remote.git"), scratch.file("b"), in: scratch.path)
    return (scratch, a, try Project.load(scratch.file("b")))
  }

  func append(_ project: Project, _ annotator: String, device: String, _ ids: [String]) throws {
    let path = project.logPath(for: annotator, device: device)
    try project.prepareLogFolder(for: path)
    let writer = try LabelLogWriter(path: path)
    for id in ids {
      try writer.append(
        LabelRecord(
          id: id, type: .answer, task: "t1", annotator: annotator, answers: JSONObject([("q", .string("x"))]),
          submittedAt: 1000, tool: "t"))
    }
  }

  @Test func aPushBeatenByAnotherMachineIsRetriedAfterMerging() throws {
    let (scratch, a, b) = try setUp()
    defer { withExtendedLifetime(scratch) {} }
    try append(a, "ana", device: "dev-a", ["a1", "a2"])
    try append(b, "ben", device: "dev-b", ["b1"])
    let racing = RacingGit()
    racing.beforeFirstPush = { _ = try? Sync.run(project: b, device: "dev-b", remote: nil) }
    let report = try Sync.run(project: a, device: "dev-a", remote: nil, git: racing)
    #expect(racing.pushes == 2)
    #expect(report.out == ["ana": 2] && report.incoming == ["ben": 1] && report.pushed)
    // Both copies end up with both logs.
    let back = try Sync.run(project: b, device: "dev-b", remote: nil)
    #expect(back.incoming == ["ana": 2])
    #expect(Set(try LabelStore.load(project: b).entries.map { $0.annotator }).count == 2)
  }

  @Test func aConflictGitReportsStopsTheSyncAndChangesNothing() throws {
    let (scratch, a, b) = try setUp()
    defer { withExtendedLifetime(scratch) {} }
    // Two machines that share a device id (a copied Tally home) write one log differently.
    try append(a, "ana", device: "dev-x", ["a1"])
    try append(b, "ana", device: "dev-x", ["b1"])
    _ = try Sync.run(project: a, device: "dev-x", remote: nil)
    let head = git("rev-parse", "HEAD", in: b.folder).text
    let logBefore = scratch.read("b/labels/ana/dev-x.jsonl")
    #expect(throws: SyncError.self) { try Sync.run(project: b, device: "dev-x", remote: nil) }
    do {
      _ = try Sync.run(project: b, device: "dev-x", remote: nil)
    } catch {
      #expect(
        error.description.contains("git reports a conflict") && error.description.contains("the merge was undone"))
      #expect(error.description.contains("labels/ana/dev-x.jsonl"))
    }
    // The merge was undone: the log, the branch and the working tree are as they were (but for the commit of
    // b's own record, which is b's to keep).
    #expect(scratch.read("b/labels/ana/dev-x.jsonl") == logBefore)
    #expect(!FileManager.default.fileExists(atPath: scratch.file("b/.git/MERGE_HEAD")))
    #expect(git("status", "--porcelain", in: b.folder).text.isEmpty)
    #expect(git("rev-parse", "HEAD", in: b.folder).text != "" && head != "")
  }

  @Test func aSyncOnlyEverStagesLabelLogs() throws {
    let (scratch, a, _) = try setUp()
    defer { withExtendedLifetime(scratch) {} }
    try append(a, "ana", device: "dev-a", ["a1"])
    try append(a, "cy", device: "dev-other", ["c1"])  // another device's log this machine got from a bundle
    scratch.write("a/notes.txt", "mine")
    scratch.write("a/tally.yaml", scratch.read("a/tally.yaml") + "# edited\n")
    let report = try Sync.run(project: a, device: "dev-a", remote: nil)
    #expect(report.out == ["ana": 1, "cy": 1])
    let status = git("status", "--porcelain", in: a.folder).text
    #expect(status.contains(" M tally.yaml") && status.contains("?? notes.txt") && !status.contains("labels"))
    #expect(git("ls-files", "labels", in: a.folder).text == "labels/ana/dev-a.jsonl\nlabels/cy/dev-other.jsonl")
  }

  @Test func namesOutsideASCIIAndProjectsInASubfolderAreSynced() throws {
    let scratch = Scratch()
    defer { withExtendedLifetime(scratch) {} }
    _ = git("init", "--quiet", "--bare", scratch.file("remote.git"), in: scratch.path)
    // The repository holds more than the project: the project is a subfolder.
    try FileManager.default.createDirectory(atPath: scratch.file("repo/projects/p"), withIntermediateDirectories: true)
    _ = git("init", "--quiet", scratch.file("repo"), in: scratch.path)
    scratch.write(
      "repo/projects/p/tally.yaml", "name: s\ndata: data.jsonl\nquestions:\n  - name: q\n    options: [x, y]\n")
    scratch.write("repo/projects/p/data.jsonl", #"{"id":"t1","text":"hi"}"# + "\n")
    let p = try Project.load(scratch.file("repo/projects/p"))
    try append(p, "José", device: "dev-a", ["j1", "j2"])
    let report = try Sync.run(project: p, device: "dev-a", remote: scratch.file("remote.git"))
    #expect(report.out == ["José": 2] && report.committed && report.pushed)
  }

  @Test func aRemoteThatShrankALogIsNotMerged() throws {
    let (scratch, a, b) = try setUp()
    defer { withExtendedLifetime(scratch) {} }
    try append(a, "ana", device: "dev-a", ["a1", "a2"])
    _ = try Sync.run(project: a, device: "dev-a", remote: nil)
    _ = try Sync.run(project: b, device: "dev-b", remote: nil)
    // Someone empties ana's log on b and pushes it by hand.
    scratch.write("b/labels/ana/dev-a.jsonl", "")
    _ = git("-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qam", "oops", in: b.folder)
    _ = git("push", "-q", "origin", "HEAD", in: b.folder)
    let before = scratch.read("a/labels/ana/dev-a.jsonl")
    #expect(throws: SyncError.self) { try Sync.run(project: a, device: "dev-a", remote: nil) }
    #expect(scratch.read("a/labels/ana/dev-a.jsonl") == before)
    // And a local log that lost lines since its last commit is never committed.
    let (other, c, _) = try setUp()
    defer { withExtendedLifetime(other) {} }
    try append(c, "ana", device: "dev-a", ["c1", "c2"])
    _ = try Sync.run(project: c, device: "dev-a", remote: nil)
    let lines = other.read("a/labels/ana/dev-a.jsonl").split(separator: "\n")
    other.write("a/labels/ana/dev-a.jsonl", lines[0] + "\n")
    #expect(throws: SyncError.self) { try Sync.run(project: c, device: "dev-a", remote: nil) }
  }
}
