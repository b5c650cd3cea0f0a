import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStats
@testable import TallyStore

/// A project on disk with several annotators' logs.
struct TeamFixture {
  let scratch = Scratch()
  var project: Project!

  /// `yaml` questions and data lines; `answers[annotator]` = [(task, answers JSON)].
  init(questions: String, data: [String], answers: [String: [(String, String)]], extra: String = "") throws {
    try FileManager.default.createDirectory(atPath: scratch.file("p/labels"), withIntermediateDirectories: true)
    scratch.write("p/data.jsonl", data.joined(separator: "\n") + "\n")
    scratch.write("p/tally.yaml", "name: team\ndata: data.jsonl\n\(extra)questions:\n\(questions)")
    var n = 0
    for (annotator, list) in answers {
      var lines: [String] = []
      for (task, json) in list {
        n += 1
        var record = LabelRecord(
          id: "\(annotator)-\(n)", type: .answer, task: task, line: 1, annotator: annotator,
          answers: try JSONParser.parse(json.utf8).objectValue ?? JSONObject(), submittedAt: 1000 + Double(n), tool: "t"
        )
        if let side = (try? JSONParser.parse(json.utf8))?.objectValue?["_left"]?.stringValue {
          record.answers["_left"] = nil
          record.shownLeft = side
        }
        lines.append(record.jsonLine)
      }
      scratch.write("p/labels/\(annotator).jsonl", lines.joined(separator: "\n") + "\n")
    }
    project = try Project.load(scratch.file("p"))
  }

  func aggregate(_ question: String? = nil, _ change: (inout AggregationOptions) -> Void = { _ in }) throws
    -> AggregationResult
  {
    var options = AggregationOptions()
    change(&options)
    let store = try LabelStore.load(project: project)
    let q =
      question.flatMap { name in project.config.questions.first { $0.name == name } } ?? project.config.questions[0]
    return Aggregation.project(project, store: store, question: q, options: options)
  }

  func agreement(_ question: String? = nil) throws -> AgreementReport {
    let store = try LabelStore.load(project: project)
    let q =
      question.flatMap { name in project.config.questions.first { $0.name == name } } ?? project.config.questions[0]
    return Agreement.project(project, store: store, question: q)
  }
}

func row(_ result: AggregationResult, _ task: String) -> AggregatedTask? { result.tasks.first { $0.task == task } }

/// Aggregation from judgments files and from projects, question kind by question kind.
@Suite struct AggregationTests {
  @Test func aJudgmentsCSVIsReadWithQuotesAliasesAndBadLinesReported() throws {
    let scratch = Scratch()
    scratch.write(
      "j.csv",
      #"""
      task,worker,label,comment
      t1,w1,"b, the second",fine
      t1,w2,a,"said ""hi"""
      t1,w3,a,
      t2,w1,"b, the second",
      t2,,a,no worker
      t2,w2,é,
      t3,w1,a

      """#)
    let table = try JudgmentsFile.readCategorical(path: scratch.file("j.csv"))
    #expect(table.labels == ["a", "b, the second", "é"])
    #expect(table.data.count == 6)
    #expect(table.problems.map(\.line) == [6])
    #expect(table.problems.first?.message == "no annotator; line skipped")
    var options = AggregationOptions()
    options.method = .mv
    let result = Aggregation.categorical(table, options: options)
    #expect(row(result, "t1")?.label == .string("a"))
    #expect(abs((row(result, "t1")?.confidence ?? 0) - 2.0 / 3) < 1e-12)
    // t2: one "b, the second" and one "é": a tie goes to the label that sorts first.
    #expect(row(result, "t2")?.label == .string("b, the second"))
    #expect(
      result.jsonLines().split(separator: "\n").first
        == #"{"task":"t1","label":"a","confidence":0.6666666666666666,"posterior":{"a":0.6666666666666666,"b, the second":0.3333333333333333,"é":0},"annotators":3}"#
    )
    // The same judgments as JSONL give the same result.
    scratch.write(
      "j.jsonl",
      [
        #"{"task":"t1","annotator":"w1","label":"b, the second"}"#, #"{"task":"t1","worker":"w2","label":"a"}"#,
        #"{"task":"t1","annotator":"w3","label":"a"}"#, #"{"task":"t2","annotator":"w1","label":"b, the second"}"#,
        "not json", #"{"task":"t2","annotator":"w2","label":"é"}"#, #"{"task":"t3","annotator":"w1","label":"a"}"#,
      ].joined(separator: "\n"))
    let fromJSONL = try JudgmentsFile.readCategorical(path: scratch.file("j.jsonl"))
    #expect(fromJSONL.problems.map(\.line) == [5])
    #expect(Aggregation.categorical(fromJSONL, options: options).jsonLines() == result.jsonLines())
    // Field names are configurable.
    scratch.write("k.csv", "item,who,answer\nx,u,yes\nx,v,yes\n")
    var fields = JudgmentFields()
    fields.task = ["item"]
    fields.annotator = ["who"]
    fields.label = ["answer"]
    #expect(try JudgmentsFile.readCategorical(path: scratch.file("k.csv"), fields: fields).data.count == 2)
  }

  @Test func aLargeFileReadInPartsGivesWhatOnePassGives() throws {
    // Over 4 MB, so it is read in parts; the same rows with one quoted field are read in one pass.
    let scratch = Scratch()
    var rows = ["task,worker,label"]
    var json: [String] = []
    for i in 0..<400_000 {
      let row = i == 300_001 ? "t\(i % 50_000),,b" : "t\(i % 50_000),w\(i % 97),\(["a", "b", "c"][i % 3])"
      rows.append(row)
      let parts = row.split(separator: ",", omittingEmptySubsequences: false)
      json.append(#"{"task":"\#(parts[0])","worker":"\#(parts[1])","label":"\#(parts[2])"}"#)
    }
    scratch.write("parts.csv", rows.joined(separator: "\n") + "\n")
    scratch.write("one.csv", rows.joined(separator: "\n") + "\n" + #"t0,"w0",a"# + "\n")
    scratch.write("parts.jsonl", json.joined(separator: "\n") + "\n")
    #expect((try FileManager.default.attributesOfItem(atPath: scratch.file("parts.csv"))[.size] as? Int ?? 0) > 1 << 22)
    let parts = try JudgmentsFile.readCategorical(path: scratch.file("parts.csv"))
    let one = try JudgmentsFile.readCategorical(path: scratch.file("one.csv"))
    let jsonl = try JudgmentsFile.readCategorical(path: scratch.file("parts.jsonl"))
    #expect(parts.data.count == 399_999)
    #expect(one.data.count == 400_000)
    #expect(parts.tasks == one.tasks && parts.annotators == one.annotators && parts.labels == one.labels)
    #expect(Array(one.data.tasks.prefix(399_999)) == parts.data.tasks)
    #expect(Array(one.data.workers.prefix(399_999)) == parts.data.workers)
    #expect(Array(one.data.labels.prefix(399_999)) == parts.data.labels)
    // The bad line is named by its number in the file, whichever part read it.
    #expect(parts.problems.map(\.line) == [300_003] && one.problems.map(\.line) == [300_003])
    #expect(jsonl.problems.map(\.line) == [300_002])
    #expect(jsonl.data == parts.data && jsonl.tasks == parts.tasks)
  }

  @Test func goldTruthsClampDawidSkene() throws {
    let scratch = Scratch()
    var lines = ["task,annotator,label"]
    for t in 0..<30 {
      lines.append("t\(t),a,\(t % 2 == 0 ? "x" : "y")")
      lines.append("t\(t),b,\(t % 3 == 0 ? "x" : "y")")
    }
    scratch.write("j.csv", lines.joined(separator: "\n"))
    scratch.write("gold.csv", "task,label\nt0,y\nt1,x\n")
    let result = try Aggregation.file(
      path: scratch.file("j.csv"), goldPath: scratch.file("gold.csv"), options: AggregationOptions())
    #expect(row(result, "t0")?.label == .string("y") && row(result, "t0")?.confidence == 1)
    #expect(row(result, "t1")?.label == .string("x"))
    #expect(result.notes.first?.contains("2 gold tasks clamped") == true)
  }

  @Test func aComparisonsFileRanksTheItems() throws {
    let scratch = Scratch()
    var lines = ["left,right,winner,annotator"]
    for i in 0..<60 {
      lines.append(i % 4 == 0 ? "gpt,llama,tie,u\(i % 3)" : "gpt,llama,\(i % 5 == 0 ? "right" : "gpt"),u\(i % 3)")
      lines.append("llama,mistral,\(i % 3 == 0 ? "mistral" : "left"),u\(i % 3)")
    }
    lines.append("gpt,llama,nobody,u1")
    scratch.write("c.csv", lines.joined(separator: "\n"))
    let result = try Aggregation.file(path: scratch.file("c.csv"), options: AggregationOptions())
    #expect(result.method == .bt)
    #expect(result.ranking?.map(\.item) == ["gpt", "llama", "mistral"])
    #expect(result.problems.count == 1 && result.problems[0].line == 122)
    let first = try JSONParser.parse(Array(result.jsonLines().split(separator: "\n")[0].utf8))
    #expect(
      first.objectValue?.keys == [
        "item", "rank", "log_strength", "strength", "ci", "wins", "losses", "ties", "comparisons",
      ])
    #expect(result.positionBias?.judgments == 105)
  }

  static let sentiment = "  - name: s\n    options: [pos, neg, neu]\n"

  @Test func aProjectsSingleChoiceAnswersAreAggregatedInDataOrder() throws {
    let fixture = try TeamFixture(
      questions: Self.sentiment, data: ["t2", "t1", "t3"].map { #"{"id":"\#($0)","text":"x"}"# },
      answers: [
        "ana": [("t1", #"{"s":"pos"}"#), ("t2", #"{"s":"neg"}"#), ("t3", #"{"s":"neu"}"#)],
        "ben": [("t1", #"{"s":"pos"}"#), ("t2", #"{"s":"neu"}"#)],
        "cy": [("t1", #"{"s":"neg"}"#), ("t2", #"{"s":"neu"}"#), ("t3", #"{"s":"neu"}"#)],
      ])
    let result = try fixture.aggregate { $0.method = .mv }
    #expect(result.tasks.map(\.task) == ["t2", "t1", "t3"])
    #expect(result.tasks.map(\.label) == [.string("neu"), .string("pos"), .string("neu")])
    #expect(row(result, "t1")?.annotators == 3)
    // Labels in the question's option order.
    #expect(result.labels == ["pos", "neg", "neu"])
    let agreement = try fixture.agreement()
    #expect(agreement.items == 3 && agreement.annotators == 3)
    #expect(agreement.cohen.count == 3)
  }

  @Test func aTieGoesToTheLabelFirstInCodePointOrderNotInOptionOrder() throws {
    // Options listed pos, neg, neu; t1 is one pos against one neg, t2 one neu against one pos.
    let fixture = try TeamFixture(
      questions: Self.sentiment, data: ["t1", "t2"].map { #"{"id":"\#($0)","text":"x"}"# },
      answers: [
        "ana": [("t1", #"{"s":"pos"}"#), ("t2", #"{"s":"neu"}"#)],
        "ben": [("t1", #"{"s":"neg"}"#), ("t2", #"{"s":"pos"}"#)],
      ])
    for method in [AggregationMethod.mv, .wawa] {
      let result = try fixture.aggregate { $0.method = method }
      #expect(result.tasks.map(\.label) == [.string("neg"), .string("neu")], "\(method)")
      #expect(result.tasks.map(\.confidence) == [0.5, 0.5])
    }
  }

  @Test func multiChoiceTaxonomyRatingAndFreeText() throws {
    let questions = """
        - name: tags
          type: multi
          options: [food, service, price]
        - name: topic
          type: taxonomy
          options:
            - name: billing
              children: [refund, invoice]
            - name: tech
              children: [login, crash]
        - name: stars
          type: rating
          scale: 5
        - name: note
          type: text
          required: false

      """
    let fixture = try TeamFixture(
      questions: questions, data: [#"{"id":"t1","text":"x"}"#],
      answers: [
        "ana": [("t1", #"{"tags":["food","price"],"topic":["billing","refund"],"stars":4,"note":"Cold soup"}"#)],
        "ben": [("t1", #"{"tags":["food"],"topic":["billing","invoice"],"stars":5,"note":"cold  SOUP"}"#)],
        "cy": [("t1", #"{"tags":["food","price"],"topic":["billing","refund"],"stars":2,"note":"late"}"#)],
      ])
    let tags = try #require(row(try fixture.aggregate("tags") { $0.method = .mv }, "t1"))
    #expect(tags.label == .array([.string("food"), .string("price")]))
    #expect(tags.posterior.map(\.label) == ["food", "service", "price"])
    let topic = try #require(row(try fixture.aggregate("topic") { $0.method = .mv }, "t1"))
    #expect(topic.label == .array([.string("billing"), .string("refund")]))
    #expect(topic.extra["agreed_depth"] == .number(2))
    let stars = try #require(row(try fixture.aggregate("stars") { $0.method = .mv }, "t1"))
    #expect(stars.label == .number(4))
    #expect(stars.extra["median"] == .number(4))
    #expect(abs((stars.extra["mean"]?.doubleValue ?? 0) - 11.0 / 3) < 1e-12)
    let note = try #require(row(try fixture.aggregate("note"), "t1"))
    #expect(note.label == .string("Cold soup"))
    // Agreement: MASI and Jaccard α for the sets, per option α, by depth for the taxonomy.
    let setAgreement = try fixture.agreement("tags")
    #expect(setAgreement.alpha.map(\.name) == ["masi", "jaccard"])
    #expect(setAgreement.alphaPerLabel.map(\.name) == ["food", "service", "price"])
    let depth = try fixture.agreement("topic")
    #expect(depth.depths.map(\.depth) == [1, 2])
    #expect(depth.depths[0].percent.value == 1)
    let ratings = try fixture.agreement("stars")
    #expect(ratings.alpha.map(\.name) == ["nominal", "ordinal", "interval"])
  }

  @Test func spansAreKeptWhereAMajorityMarkedThem() throws {
    let questions = "  - name: ents\n    type: spans\n    options: [PER, LOC]\n"
    let text = "Angela Merkel visited Paris."
    func span(_ s: Int, _ e: Int, _ l: String) -> String {
      let scalars = Array(text.unicodeScalars)
      let covered = String(String.UnicodeScalarView(scalars[s..<e]))
      return #"{"start":\#(s),"end":\#(e),"label":"\#(l)","text":"\#(covered)"}"#
    }
    let fixture = try TeamFixture(
      questions: questions, data: [#"{"id":"t1","text":"\#(text)"}"#],
      answers: [
        "ana": [("t1", #"{"ents":[\#(span(0, 13, "PER")),\#(span(22, 27, "LOC"))]}"#)],
        "ben": [("t1", #"{"ents":[\#(span(7, 13, "PER")),\#(span(22, 27, "LOC"))]}"#)],
        "cy": [("t1", #"{"ents":[\#(span(0, 13, "PER"))]}"#)],
      ])
    let result = try #require(row(try fixture.aggregate(), "t1"))
    let spans = Span.list(result.label)
    #expect(
      spans == [
        Span(start: 0, end: 13, label: "PER", text: "Angela Merkel"),
        Span(start: 22, end: 27, label: "LOC", text: "Paris"),
      ])
    let agreement = try fixture.agreement()
    #expect(agreement.spanFigures.map(\.name) == ["f1_exact", "f1_overlap", "token_kappa"])
    // Pairs: ana–ben share Paris exactly (F1 1/2), ana–cy share Merkel (2/3), ben–cy nothing exact (0).
    #expect(abs((agreement.spanFigures[0].value ?? 0) - (0.5 + 2.0 / 3 + 0) / 3) < 1e-12)
  }

  @Test func sideBySideAnswersRankTheSystemsWithTheSidesAsShown() throws {
    let questions = "  - name: overall\n    type: comparison\n    both_bad: true\n"
    let data = (0..<6).map {
      #"{"id":"p\#($0)","prompt":"q","response_a":"x","response_b":"y","model_a":"atlas","model_b":"borealis"}"#
    }
    var answers: [String: [(String, String)]] = ["ana": [], "ben": []]
    for i in 0..<6 {
      // atlas (response a) is preferred, whichever side it was on.
      answers["ana"]?.append(("p\(i)", #"{"overall":"a","_left":"\#(i % 2 == 0 ? "a" : "b")"}"#))
      answers["ben"]?.append(("p\(i)", #"{"overall":"\#(i == 0 ? "b" : "a")","_left":"\#(i % 2 == 0 ? "b" : "a")"}"#))
    }
    let fixture = try TeamFixture(questions: questions, data: data, answers: answers, extra: "layout: compare\n")
    let result = try fixture.aggregate { $0.method = .bt }
    #expect(result.ranking?.map(\.item) == ["atlas", "borealis"])
    #expect(result.ranking?.first?.wins == 11)
    let bias = try #require(result.positionBias)
    #expect(bias.judgments == 12)
    // The side shown on the left won: ana 3 of 6 (atlas was left on even tasks), ben 4 of 6 (p0's winner was
    // on the left, and atlas on the left on odd tasks): 7 of 12.
    #expect(abs(bias.leftShare - 7.0 / 12) < 1e-12)
    #expect(bias.perJudge.count == 2)
  }
}
