import Foundation
import Testing

@testable import TallyCore
@testable import TallyStore

@Suite struct DatasetTests {
  @Test func jsonlRecordsAreIndexedAndParsedWhenAsked() throws {
    let scratch = Scratch()
    scratch.write(
      "d.jsonl",
      """
      {"id": "a", "text": "first", "prediction": "pos"}

      {"id": 7, "text": "second", "lang": "fr"}
      {"text": "no id here"}
      """)
    let dataset = try Dataset(
      path: scratch.file("d.jsonl"), spec: DataSpec(format: .jsonl, predictionField: "prediction"))
    #expect(dataset.count == 3)
    #expect(dataset.index.lines == [1, 3, 4])
    let first = try dataset.task(at: 0).get()
    #expect(first.id == "a")
    #expect(first.text == "first")
    #expect(first.prediction == .string("pos"))
    let second = try dataset.task(at: 1).get()
    #expect(second.id == "7")
    #expect(second.line == 3)
    #expect(second.fields["lang"] == .string("fr"))
    let third = try dataset.task(at: 2).get()
    #expect(third.id.hasPrefix("h"))
    #expect(third.id.count == 17)
    // The fast id path agrees with the full parse.
    #expect((0..<3).map { dataset.taskID(at: $0) } == ["a", "7", third.id])
  }

  @Test func malformedLinesAndDuplicateIdsAreReportedAndTheRestLoads() throws {
    let scratch = Scratch()
    scratch.write(
      "d.jsonl",
      """
      {"id": "a", "text": "ok"}
      {"id": "b", "text": "broken
      {"id": "a", "text": "again"}
      ["not", "an", "object"]
      {"id": "c", "body": "wrong field"}
      {"id": "d", "text": "fine"}
      """)
    let dataset = try Dataset(path: scratch.file("d.jsonl"), spec: DataSpec(format: .jsonl))
    let report = dataset.scan()
    #expect(report.records == 6)
    #expect(report.malformed == 3)
    #expect(report.duplicates == 1)
    #expect(report.problems.map(\.line) == [2, 3, 4])
    #expect(report.problems[1].reason == "duplicate id `a` (first on line 1)")
    // A record without the text field is summarised per field (a setting to fix), not listed as a line.
    #expect(report.missingFields["text"]?.count == 1)
    #expect(report.missingFields["text"]?.firstLine == 5)
    #expect(report.unusableRecords == [1, 2, 3, 4])
    #expect(try dataset.task(at: 5).get().text == "fine")
  }

  @Test func csvWithQuotedNewlinesCommasAndQuotes() throws {
    let scratch = Scratch()
    scratch.write(
      "d.csv",
      "ticket_id,channel,text\r\nT1,email,\"Hello, world\"\r\nT2,chat,\"line one\nline two with \"\"quotes\"\"\"\r\nT3,web,plain\r\n"
    )
    let dataset = try Dataset(path: scratch.file("d.csv"), spec: DataSpec(format: .csv, idField: "ticket_id"))
    #expect(dataset.index.header == ["ticket_id", "channel", "text"])
    #expect(dataset.count == 3)
    #expect(try dataset.task(at: 0).get().text == "Hello, world")
    let second = try dataset.task(at: 1).get()
    #expect(second.text == "line one\nline two with \"quotes\"")
    #expect(second.id == "T2")
    #expect(second.line == 3)
    #expect(try dataset.task(at: 2).get().line == 5)
    #expect(dataset.taskID(at: 2) == "T3")
  }

  @Test func tsvAndPlainText() throws {
    let scratch = Scratch()
    scratch.write("d.tsv", "id\ttext\n1\thola\n2\tadiós\n")
    let tsv = try Dataset(path: scratch.file("d.tsv"), spec: DataSpec(format: .tsv))
    #expect(try tsv.task(at: 1).get().text == "adiós")
    scratch.write("d.txt", "one\n\n  \ntwo\nthree")
    let text = try Dataset(path: scratch.file("d.txt"), spec: DataSpec(format: .text))
    #expect(text.count == 3)
    #expect(try text.task(at: 2).get().text == "three")
    #expect(text.index.lines == [1, 4, 5])
  }

  @Test func aMissingDataFileSaysWhatToFix() {
    do {
      _ = try Dataset(path: "/nonexistent/data.jsonl", spec: DataSpec(format: .jsonl))
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("/nonexistent/data.jsonl: error: data file not found"))
      #expect(error.description.contains("fix:"))
    }
  }

  @Test func shuffledOrderIsAStablePermutation() {
    let a = QueueOrder.shuffle(seed: 7).permutation(count: 1000)
    let b = QueueOrder.shuffle(seed: 7).permutation(count: 1000)
    let c = QueueOrder.shuffle(seed: 8).permutation(count: 1000)
    #expect(a == b)
    #expect(a != c)
    #expect(Set(a).count == 1000)
    #expect(a.sorted() == (0..<1000).map { Int32($0) })
    #expect(QueueOrder.file.permutation(count: 3) == [0, 1, 2])
    // Pinned: the order must never change between versions.
    #expect(Array(QueueOrder.shuffle(seed: 1).permutation(count: 8)) == Self.pinnedSeed1)
  }

  static let pinnedSeed1: [Int32] = [4, 3, 2, 7, 5, 6, 0, 1]
}

@Suite struct DelimitedDataTests {
  @Test func aStrayQuoteInsideAFieldDoesNotSwallowRows() throws {
    let scratch = Scratch()
    scratch.write("d.csv", "id,text\n1,\"Great\" he said\n2,a 5\" screen\n3,fine\n")
    let csv = try Dataset(path: scratch.file("d.csv"), spec: DataSpec(format: .csv))
    #expect(csv.count == 3)
    #expect(try csv.task(at: 0).get().text == "Great he said")
    #expect(try csv.task(at: 1).get().text == "a 5\" screen")
    #expect(try csv.task(at: 2).get().text == "fine")
  }

  @Test func tsvHasNoQuoting() throws {
    let scratch = Scratch()
    scratch.write("d.tsv", "id\ttext\n1\tok\n2\t\"Awful, avoid\n3\tfine\n")
    let tsv = try Dataset(path: scratch.file("d.tsv"), spec: DataSpec(format: .tsv))
    #expect(tsv.count == 3)
    #expect(try tsv.task(at: 1).get().text == "\"Awful, avoid")
    #expect(try tsv.task(at: 2).get().id == "3")
  }
}
