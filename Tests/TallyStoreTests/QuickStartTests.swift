import Foundation
import Testing

@testable import TallyCore
@testable import TallyStore

/// Quick starts: one project per data file, refusals before anything is written when the data cannot be
/// labeled as asked, and what the refusals say.
@Suite struct QuickStartTests {
  let labels = QuickStartQuestion.labels(
    [QuickStartLabel(name: "pos", display: "pos"), QuickStartLabel(name: "neg", display: "neg")], multi: false)

  func refusal(_ body: () throws(ProjectError) -> Project) -> String? {
    do {
      _ = try body()
      return nil
    } catch {
      return error.description
    }
  }

  @Test func aJSONLAndACSVOfOneNameGetTheirOwnProjects() throws {
    let scratch = Scratch()
    scratch.write("data.jsonl", #"{"id":"j1","text":"from the jsonl"}"# + "\n")
    scratch.write("data.csv", "id,text\nc1,from the csv\n")
    let jsonl = try ProjectFiles.prepareQuickStart(dataPath: scratch.file("data.jsonl"), question: labels)
    let csv = try ProjectFiles.prepareQuickStart(dataPath: scratch.file("data.csv"), question: labels)
    #expect(jsonl.folder == scratch.file("data.jsonl.tally"))
    #expect(csv.folder == scratch.file("data.csv.tally"))
    #expect(csv.dataPath == scratch.file("data.csv"))
    #expect(csv.config.format == .csv)
    // Asking again opens the same folders.
    #expect(ProjectFiles.existingQuickStart(forData: scratch.file("data.csv")) == scratch.file("data.csv.tally"))
  }

  @Test func anOlderStemFolderIsKeptForItsOwnFileOnly() throws {
    let scratch = Scratch()
    scratch.write("data.jsonl", #"{"id":"j1","text":"a"}"# + "\n")
    scratch.write("data.csv", "id,text\nc1,b\n")
    // Made by an earlier version for data.jsonl.
    try FileManager.default.createDirectory(atPath: scratch.file("data.tally"), withIntermediateDirectories: true)
    scratch.write(
      "data.tally/tally.yaml", "data: ../data.jsonl\nquestions:\n  - name: label\n    options: [pos, neg]\n")
    #expect(ProjectFiles.quickStartFolder(forData: scratch.file("data.jsonl")) == scratch.file("data.tally"))
    let reopened = try ProjectFiles.prepareQuickStart(dataPath: scratch.file("data.jsonl"), question: nil)
    #expect(reopened.folder == scratch.file("data.tally"))
    // data.csv does not label data.jsonl's project: it gets its own.
    let csv = try ProjectFiles.prepareQuickStart(dataPath: scratch.file("data.csv"), question: labels)
    #expect(csv.folder == scratch.file("data.csv.tally"))
  }

  @Test func aFolderMadeForAnotherFileIsRefusedWithTheFix() throws {
    let scratch = Scratch()
    scratch.write("a.jsonl", #"{"id":"1","text":"a"}"# + "\n")
    scratch.write("b.jsonl", #"{"id":"1","text":"b"}"# + "\n")
    try FileManager.default.createDirectory(atPath: scratch.file("a.jsonl.tally"), withIntermediateDirectories: true)
    scratch.write(
      "a.jsonl.tally/tally.yaml", "data: ../b.jsonl\nquestions:\n  - name: label\n    options: [pos, neg]\n")
    let message = try #require(
      refusal { () throws(ProjectError) in
        try ProjectFiles.prepareQuickStart(dataPath: scratch.file("a.jsonl"), question: labels)
      })
    #expect(message.contains("this folder holds the project of another data file"), "\(message)")
    #expect(message.contains("b.jsonl"))
    #expect(message.contains("fix: label that project with `tally label"))
  }

  @Test func dataWithoutTheTextFieldIsRefusedBeforeAnythingIsWritten() throws {
    let scratch = Scratch()
    scratch.write("reviews.csv", "review_id,review,stars\n1,Great value for the money,5\n2,Broke in a week,1\n")
    let message = try #require(
      refusal { () throws(ProjectError) in
        try ProjectFiles.prepareQuickStart(dataPath: scratch.file("reviews.csv"), question: labels)
      })
    #expect(message.contains("no record has a `text` field"), "\(message)")
    #expect(message.contains("(fields found: `review_id`, `review`, `stars`)"))
    #expect(message.contains("fix: name the field that holds the text: rerun with --text-field review"))
    #expect(!FileManager.default.fileExists(atPath: scratch.file("reviews.csv.tally")))
    // With the field named, it opens, and the project says so.
    let project = try ProjectFiles.prepareQuickStart(
      dataPath: scratch.file("reviews.csv"), question: labels, fields: QuickStartFields(text: "review", id: "review_id")
    )
    #expect(project.config.textField == "review")
    #expect(project.config.idField == "review_id")
    // Reopening with another field is refused, not silently changed.
    let other = try #require(
      refusal { () throws(ProjectError) in
        try ProjectFiles.prepareQuickStart(
          dataPath: scratch.file("reviews.csv"), question: nil, fields: QuickStartFields(text: "stars"))
      })
    #expect(other.contains("other settings than --text-field stars"), "\(other)")
  }

  @Test func aJSONLWithContentAndAMissingIdField() throws {
    let scratch = Scratch()
    scratch.write(
      "notes.jsonl", #"{"key":"n1","content":"a long enough note"}"# + "\n" + #"{"key":"n2","content":"x"}"# + "\n")
    let message = try #require(
      refusal { () throws(ProjectError) in
        try ProjectFiles.prepareQuickStart(dataPath: scratch.file("notes.jsonl"), question: labels)
      })
    #expect(message.contains("rerun with --text-field content"), "\(message)")
    let id = try #require(
      refusal { () throws(ProjectError) in
        try ProjectFiles.prepareQuickStart(
          dataPath: scratch.file("notes.jsonl"), question: labels, fields: QuickStartFields(text: "content", id: "id"))
      })
    #expect(id.contains("no record has the `id` field given with --id-field"), "\(id)")
    #expect(id.contains("rerun with --id-field key"), "\(id)")
  }

  @Test func emptyBinaryAndCompareDataAreRefusedWithTheirOwnReasons() throws {
    let scratch = Scratch()
    scratch.write("empty.jsonl", "")
    scratch.write("header.csv", "id,text\n")
    _ = FileManager.default.createFile(
      atPath: scratch.file("image.txt"), contents: Data([0x89, 0x50, 0x4E, 0x47, 0, 1, 2]))
    scratch.write("latin1.txt", "")
    _ = FileManager.default.createFile(
      atPath: scratch.file("latin1.txt"), contents: Data([0x63, 0x61, 0x66, 0xE9, 0x0A]))
    scratch.write("pairs.jsonl", #"{"prompt":"p","a":"x","b":"y"}"# + "\n")
    func message(_ name: String, _ question: QuickStartQuestion) throws -> String {
      try #require(
        refusal { () throws(ProjectError) in
          try ProjectFiles.prepareQuickStart(dataPath: scratch.file(name), question: question)
        })
    }
    #expect(try message("empty.jsonl", labels).contains("is empty: there is nothing to label"))
    #expect(try message("header.csv", labels).contains("has a header row but no records to label"))
    #expect(try message("image.txt", labels).contains("is not a UTF-8 text file (byte 0 is binary data)"))
    #expect(try message("latin1.txt", labels).contains("is not a UTF-8 text file (byte 3 is binary data)"))
    let compare = try message("pairs.jsonl", .compare)
    #expect(
      compare.contains("no record has a `response_a` field, which holds the side-by-side response a"), "\(compare)")
    #expect(compare.contains("`prompt_field`, `response_a_field`, `response_b_field`"))
    #expect(!compare.contains("text_field"))
  }

  @Test func aProjectGetsTheSettingToChange() throws {
    let scratch = Scratch()
    try FileManager.default.createDirectory(atPath: scratch.file("p"), withIntermediateDirectories: true)
    scratch.write("p/d.jsonl", #"{"id":"1","body":"some text here"}"# + "\n")
    scratch.write("p/tally.yaml", "data: d.jsonl\nquestions:\n  - name: q\n    options: [x, y]\n")
    let project = try Project.load(scratch.file("p"))
    let dataset = try Dataset(path: project.dataPath, spec: DataSpec(project.config))
    let problem = try #require(DataCheck.problem(dataset))
    let diagnostic = problem.diagnostic(
      file: project.dataPath, config: project.config, context: .project(configPath: project.configPath))
    #expect(diagnostic.fix?.hasPrefix("set `text_field: body` in ") == true, "\(diagnostic)")
    scratch.write(
      "p/tally.yaml",
      "data: d.jsonl\nlayout: compare\ncompare:\n  response_a_field: left\n  response_b_field: right\n"
        + "questions:\n  - name: q\n    type: comparison\n")
    scratch.write("p/d.jsonl", #"{"id":"1","prompt":"p","left":"x","other":"a much longer reply"}"# + "\n")
    let compare = try Project.load(scratch.file("p"))
    let pairs = try Dataset(path: compare.dataPath, spec: DataSpec(compare.config))
    let missing = try #require(DataCheck.problem(pairs))
    let said = missing.diagnostic(
      file: compare.dataPath, config: compare.config, context: .project(configPath: compare.configPath))
    #expect(said.message.contains("no record has a `right` field"), "\(said)")
    #expect(said.fix?.contains("set `response_b_field: other` under `compare:`") == true, "\(said)")
  }
}
