import Foundation
import Testing

@testable import TallyCore
@testable import TallyStore

/// Files a command is asked to write: never one of the project's own, whatever path reaches it; an existing
/// file only with --force; written whole or not at all.
@Suite struct OutputFileTests {
  /// A project folder with data, guidelines, a gold file and a label log, in a scratch folder.
  func project(_ scratch: Scratch) throws -> Project {
    try FileManager.default.createDirectory(atPath: scratch.file("p/labels"), withIntermediateDirectories: true)
    scratch.write("p/data.jsonl", #"{"id":"1","text":"a"}"# + "\n")
    scratch.write("p/guide.md", "# Guide\n")
    scratch.write("p/gold.jsonl", #"{"id":"g","text":"g","gold":"x"}"# + "\n")
    scratch.write("p/labels/ana.jsonl", "{}\n")
    scratch.write(
      "p/tally.yaml",
      "data: data.jsonl\nguidelines: guide.md\nquestions:\n  - name: q\n    options: [x, y]\nquality:\n  gold: gold.jsonl\n"
    )
    return try Project.load(scratch.file("p"))
  }

  func refusal(_ path: String, _ project: Project, force: Bool = false) -> OutputRefusal? {
    do {
      _ = try OutputFile.check(path, project: project, force: force, option: "--out")
      return nil
    } catch {
      return error
    }
  }

  @Test func theProjectsOwnFilesAreRefusedByEverySpelling() throws {
    let scratch = Scratch()
    let project = try project(scratch)
    let root = scratch.path
    try FileManager.default.createSymbolicLink(
      atPath: scratch.file("link.csv"), withDestinationPath: "p/labels/ana.jsonl")
    try FileManager.default.linkItem(atPath: scratch.file("p/data.jsonl"), toPath: scratch.file("hard.jsonl"))
    // (Relative spellings are resolved against the current folder like these; the end-to-end test runs them.)
    let spellings: [(String, String)] = [
      ("/p/data.jsonl", "the project's data file"),
      ("/p/labels/../data.jsonl", "the project's data file"),
      ("/./p//tally.yaml", "the project's tally.yaml"),
      ("/p/guide.md", "the project's guidelines"),
      ("/p/gold.jsonl", "the project's gold file"),
      ("/p/labels/ana.jsonl", "inside the project's label logs"),
      ("/p/labels/new.csv", "inside the project's label logs"),
      ("/link.csv", "inside the project's label logs"),
      ("/hard.jsonl", "the project's data file"),
    ].map { (root + $0.0, $0.1) }
    for (path, what) in spellings {
      // --force does not make them writable either.
      for force in [false, true] {
        let refused = try #require(refusal(path, project, force: force), "\(path) was accepted")
        #expect(refused.message.contains(what), "\(path): \(refused.message)")
        #expect(refused.message.contains("never overwrites"), "\(path)")
      }
    }
    #expect(refusal(root + "/link.csv", project)?.message.contains("it leads to") == true)
    #expect(scratch.read("p/labels/ana.jsonl") == "{}\n")
  }

  @Test func anExistingFileNeedsForceAndAMissingFolderIsSaid() throws {
    let scratch = Scratch()
    let project = try project(scratch)
    scratch.write("old.csv", "old")
    let refused = try #require(refusal(scratch.file("old.csv"), project))
    #expect(refused.message.hasSuffix("already exists"))
    #expect(refused.fix.contains("--force"))
    let output = try OutputFile.check(scratch.file("old.csv"), project: project, force: true, option: "--out")
    try output.write("new")
    #expect(scratch.read("old.csv") == "new")
    #expect(refusal(scratch.file("nowhere/x.csv"), project)?.message.contains("does not exist") == true)
    #expect(refusal(scratch.file("p"), project)?.message.contains("is a folder") == true)
    // A new file beside the project is fine.
    #expect(refusal(scratch.file("p/export.csv"), project) == nil)
  }

  @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
    struct FullAfterFewBytes: SystemCalls {
      let live = LiveSystemCalls()
      func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { live.open(path, flags, mode) }
      func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
        // Half the text goes out, then the disk is full.
        if buffer.count > 4 { return live.write(fd, UnsafeRawBufferPointer(rebasing: buffer[0..<4])) }
        errno = ENOSPC
        return -1
      }
      func fsync(_ fd: Int32) -> Int32 { live.fsync(fd) }
      func close(_ fd: Int32) -> Int32 { live.close(fd) }
      func flock(_ fd: Int32, _ operation: Int32) -> Int32 { live.flock(fd, operation) }
    }
    let scratch = Scratch()
    let project = try project(scratch)
    scratch.write("export.csv", "the previous export\n")
    let output = try OutputFile.check(scratch.file("export.csv"), project: project, force: true, option: "--out")
    #expect(throws: SystemError.self) { try output.write("id,label\n1,x\n2,y\n", system: FullAfterFewBytes()) }
    #expect(scratch.read("export.csv") == "the previous export\n")
    let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.contains("tmp") }
    #expect(left.isEmpty, "temporary files left: \(left)")
  }

  @Test func initForceKeepsTheOldProjectFile() throws {
    let scratch = Scratch()
    scratch.write("d.jsonl", #"{"id":"1","text":"a"}"# + "\n")
    let labels = [QuickStartLabel(name: "a", display: "a"), QuickStartLabel(name: "b", display: "b")]
    let first = try ProjectFiles.initProject(
      folder: scratch.file("p"), dataPath: scratch.file("d.jsonl"), question: .labels(labels, multi: false),
      textField: "text", force: false)
    #expect(first.backup == nil)
    let original = scratch.read("p/tally.yaml")
    #expect(throws: ProjectError.self) {
      try ProjectFiles.initProject(
        folder: scratch.file("p"), dataPath: scratch.file("d.jsonl"), question: .labels(labels, multi: true),
        textField: "text", force: false)
    }
    let second = try ProjectFiles.initProject(
      folder: scratch.file("p"), dataPath: scratch.file("d.jsonl"), question: .labels(labels, multi: true),
      textField: "text", force: true)
    #expect(second.backup == scratch.file("p/tally.yaml.bak"))
    #expect(scratch.read("p/tally.yaml.bak") == original)
    #expect(scratch.read("p/tally.yaml").contains("type: multi"))
    let third = try ProjectFiles.initProject(
      folder: scratch.file("p"), dataPath: scratch.file("d.jsonl"), question: .labels(labels, multi: false),
      textField: "text", force: true)
    #expect(third.backup == scratch.file("p/tally.yaml.bak2"))
  }
}
