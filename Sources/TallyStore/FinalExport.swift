import TallyCore
import TallyJSON

/// `tally export --final`: one row per task with the final answer to a question and where it came from: the
/// review that stands, else the unanimous or single answer, else the aggregate (`--method`, majority vote by
/// default). Below `minConfidence` a task is left out, or kept and marked `uncertain` with `keepUncertain`.
public enum FinalExport {
  public struct Options: Sendable {
    public var question: String?
    public var method: AggregationMethod = .mv
    public var minConfidence: Double?
    public var keepUncertain = false
    public init() {}
  }

  public struct Row: Sendable {
    public var task: String
    public var answer: Answer?
    public var source: FinalSource
    public var confidence: Double
    public var reviewer: String?
    public var annotators: [(name: String, answer: Answer?)]
    public var uncertain: Bool
    public var data: JSONObject?
    /// The task's text (what span offsets count in).
    public var text: String?
  }

  public static func rows(project: Project, options: Options) throws -> (rows: [Row], question: Question, left: Int) {
    guard
      let question = options.question.map({ name in project.config.questions.first { $0.name == name } })
        ?? project.config.questions.first
    else {
      throw ProjectError([
        Diagnostic(
          file: Path.display(project.configPath), "no question `\(options.question ?? "")`",
          fix: "use one of: \(project.config.questions.map(\.name).joined(separator: ", "))")
      ])
    }
    let store = try LabelStore.load(project: project)
    let dataset = try Dataset(path: project.dataPath, spec: DataSpec(project.config))
    var data = ReviewData.load(project: project, store: store, question: question, dataset: dataset)
    if options.method != .mv, question.kind == .single || question.kind == .taxonomy || question.kind == .rating {
      var aggregation = AggregationOptions()
      aggregation.method = options.method
      let result = Aggregation.project(project, store: store, question: question, options: aggregation)
      var byTask: [String: (Answer?, Double)] = [:]
      for t in result.tasks { byTask[t.task] = (Answer(json: t.label, question: question), t.confidence) }
      for i in data.items.indices {
        if let (answer, confidence) = byTask[data.items[i].task] {
          data.items[i].aggregate = answer
          data.items[i].confidence = confidence
        }
      }
    }
    var rows: [Row] = []
    var left = 0
    for item in data.items {
      guard let final = FinalAnswer.resolve(item) else { continue }
      let uncertain = options.minConfidence.map { final.confidence < $0 } ?? false
      if uncertain && !options.keepUncertain {
        left += 1
        continue
      }
      var fields: JSONObject?
      var text: String?
      if let at = data.places.positions[item.task], case .success(let task) = dataset.task(at: at) {
        fields = task.fields
        text = task.text
      }
      rows.append(
        Row(
          task: item.task, answer: final.answer, source: final.source, confidence: final.confidence,
          reviewer: final.reviewer, annotators: item.answers.map { ($0.annotator, $0.answer) }, uncertain: uncertain,
          data: fields, text: text))
    }
    return (rows, question, left)
  }

  /// spaCy-style JSONL for a span question: one line per task with its text and final spans, and where they
  /// came from.
  public static func spacy(_ rows: [Row], question: Question) -> String {
    var out = ""
    for row in rows {
      guard let text = row.text else { continue }
      var o = JSONObject()
      o["id"] = .string(row.task)
      o["text"] = .string(text)
      var spans: [Span] = []
      if case .spans(let found)? = row.answer { spans = Span.sorted(found) }
      o["spans"] = .array(spans.map(\.json))
      o["source"] = .string(row.source.rawValue)
      o["confidence"] = .number(AggregationResult.rounded(row.confidence))
      if let reviewer = row.reviewer { o["reviewer"] = .string(reviewer) }
      if row.uncertain { o["uncertain"] = .bool(true) }
      out += JSONValue.object(o).serialized() + "\n"
    }
    return out
  }

  /// CoNLL (token, TAB, BIO tag) for a span question: one block per task, headed by its id and source.
  /// Returns the tasks whose final spans overlap (BIO keeps the first of each overlap).
  public static func conll(_ rows: [Row], question: Question) -> (text: String, overlapping: [String]) {
    var out = ""
    var overlapping: [String] = []
    for row in rows {
      guard let text = row.text else { continue }
      var spans: [Span] = []
      if case .spans(let found)? = row.answer { spans = Span.sorted(found) }
      let (block, overlaps) = BIO.tag(text: text, spans: spans)
      if overlaps { overlapping.append(row.task) }
      let confidence = JSONValue.number(AggregationResult.rounded(row.confidence)).serialized()
      var head = "# id: \(row.task) source: \(row.source.rawValue) confidence: \(confidence)"
      if let reviewer = row.reviewer { head += " reviewer: \(reviewer)" }
      if row.uncertain { head += " uncertain" }
      out += head + "\n" + block + "\n"
    }
    return (out, overlapping)
  }

  public static func jsonLines(_ rows: [Row], question: Question) -> String {
    var out = ""
    for row in rows {
      var o = JSONObject()
      o["id"] = .string(row.task)
      var answers = JSONObject()
      if let answer = row.answer {
        answers[question.name] = answer.json
        if let strength = answer.strengthJSON { answers[question.strengthName] = strength }
      }
      o["answers"] = .object(answers)
      o["source"] = .string(row.source.rawValue)
      o["confidence"] = .number(AggregationResult.rounded(row.confidence))
      o["annotators"] = .object(JSONObject(row.annotators.map { ($0.name, $0.answer?.json ?? .null) }))
      if let reviewer = row.reviewer { o["reviewer"] = .string(reviewer) }
      if row.uncertain { o["uncertain"] = .bool(true) }
      if let data = row.data { o["data"] = .object(data) }
      out += JSONValue.object(o).serialized() + "\n"
    }
    return out
  }

  public static func csv(_ rows: [Row], question: Question) -> String {
    var lines = [["id", question.name, "source", "confidence", "reviewer", "uncertain", "annotators"]]
    for row in rows {
      let answer: String
      switch row.answer {
      case .choices(let names)?: answer = names.joined(separator: "|")
      case .path(let names)?: answer = names.joined(separator: "/")
      case let a?: answer = a.json.stringValue ?? a.json.serialized()
      case nil: answer = ""
      }
      let annotators = JSONValue.object(JSONObject(row.annotators.map { ($0.name, $0.answer?.json ?? .null) }))
      lines.append([
        row.task, answer, row.source.rawValue, JSONValue.number(AggregationResult.rounded(row.confidence)).serialized(),
        row.reviewer ?? "", row.uncertain ? "true" : "", annotators.serialized(),
      ])
    }
    return lines.map { $0.map { CSVRow.quote($0) }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }
}
