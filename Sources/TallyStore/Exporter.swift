import TallyCore

/// Export formats.
public enum ExportFormat: String, Sendable, CaseIterable {
  /// One JSON object per (task, annotator).
  case jsonl
  /// One row per (task, annotator), a column per question.
  case csv
  /// Span tasks as spaCy/Prodigy-style JSONL: `text` and `spans` (code-point offsets).
  case spacy
  /// Span tasks as token-level BIO tags, one token per line, a blank line between tasks.
  case conll
}

/// The current answer of one (task, annotator): the latest record in that annotator's log.
public struct CurrentLabel: Sendable, Equatable {
  public var record: LabelRecord
  public var task: LabelTask?
}

/// Reads every annotator's log in a project and writes the current answers.
public enum Exporter {
  /// The latest answer/skip record per (task, annotator) across all logs, with problems found on the way.
  public static func currentLabels(project: Project) throws -> (labels: [LabelRecord], problems: [Diagnostic]) {
    var latest: [String: (record: LabelRecord, path: String)] = [:]
    var order: [String] = []
    var problems: [Diagnostic] = []
    for path in project.logPaths() {
      let (records, logProblems) = try LabelLogReader.readAll(path: path)
      problems += logProblems.map { Diagnostic(.warning, file: Path.display(path), line: $0.line, $0.reason) }
      for record in records where record.type != .event {
        guard let task = record.task else { continue }
        let key = task + "\u{1F}" + record.annotator
        if let existing = latest[key] {
          // Within one log the later line wins; across logs the later submission (then the larger id).
          let later = (existing.record.submittedAt, existing.record.id) <= (record.submittedAt, record.id)
          if existing.path == path || later { latest[key] = (record, path) }
        } else {
          order.append(key)
          latest[key] = (record, path)
        }
      }
    }
    return (order.compactMap { latest[$0]?.record }, problems)
  }

  /// Writes the export text for a project.
  public static func export(project: Project, format: ExportFormat) throws -> (text: String, problems: [Diagnostic]) {
    let (labels, problems) = try currentLabels(project: project)
    let dataset = try Dataset(path: project.dataPath, spec: DataSpec(project.config))
    var positionByID: [String: Int] = [:]
    for i in 0..<dataset.count {
      if let id = dataset.taskID(at: i), positionByID[id] == nil { positionByID[id] = i }
    }
    var warnings = problems
    let sorted = labels.sorted { a, b in
      let pa = a.task.flatMap { positionByID[$0] } ?? Int.max
      let pb = b.task.flatMap { positionByID[$0] } ?? Int.max
      return (pa, a.annotator) < (pb, b.annotator)
    }
    var rows: [(LabelRecord, JSONObject?)] = []
    var tasks: [LabelTask?] = []
    for record in sorted {
      var data: JSONObject?
      if let id = record.task, let position = positionByID[id], case .success(let task) = dataset.task(at: position) {
        data = task.fields
        tasks.append(task)
      } else {
        tasks.append(nil)
        warnings.append(
          Diagnostic(
            .warning, file: Path.display(project.dataPath),
            "task `\(record.task ?? "?")` labeled by \(record.annotator) is not in the data file"))
      }
      rows.append((record, data))
    }
    switch format {
    case .jsonl:
      var out = ""
      for (record, data) in rows {
        jsonLine(record: record, data: data).serialized(into: &out)
        out += "\n"
      }
      return (out, warnings)
    case .csv:
      return (csv(rows: rows, questions: project.config.questions), warnings)
    case .spacy, .conll:
      guard let question = project.config.questions.first(where: { $0.kind == .spans }) else {
        throw ProjectError([
          Diagnostic(
            file: Path.display(project.configPath), "--format \(format.rawValue) exports span questions; this project has none",
            fix: "use --format jsonl or csv")
        ])
      }
      var out = ""
      for ((record, _), task) in zip(rows, tasks) where record.type == .answer {
        guard let task, let answer = record.answers[question.name] else { continue }
        let spans = Span.sorted(Span.list(answer))
        if format == .spacy {
          var o = JSONObject()
          o["id"] = .string(task.id)
          o["annotator"] = .string(record.annotator)
          o["text"] = .string(task.text)
          o["spans"] = .array(spans.map(\.json))
          JSONValue.object(o).serialized(into: &out)
          out += "\n"
        } else {
          let (block, overlapping) = BIO.tag(text: task.text, spans: spans)
          if overlapping {
            warnings.append(
              Diagnostic(
                .warning, file: Path.display(project.dataPath), line: task.line,
                "task `\(task.id)` (\(record.annotator)) has overlapping spans; BIO keeps the first of each overlap"))
          }
          out += "# id: \(task.id) annotator: \(record.annotator)\n" + block + "\n"
        }
      }
      return (out, warnings)
    }
  }

  static func jsonLine(record: LabelRecord, data: JSONObject?) -> JSONValue {
    var o = JSONObject()
    o["id"] = .string(record.task ?? "")
    o["annotator"] = .string(record.annotator)
    o["answers"] = .object(record.answers)
    if let shownLeft = record.shownLeft { o["shown_left"] = .string(shownLeft) }
    if record.type == .skip {
      o["skipped"] = .bool(true)
      if let reason = record.skipReason { o["skip_reason"] = .string(reason) }
    }
    o["submitted_at"] = .string(Timestamp.iso8601(record.submittedAt))
    if let active = record.activeSeconds { o["active_seconds"] = .number(active) }
    if let version = record.guidelinesVersion { o["guidelines_version"] = .string(version) }
    o["record"] = .string(record.id)
    o["data"] = data.map(JSONValue.object) ?? .null
    return .object(o)
  }

  /// Flattens an answer for a CSV cell: multi-choice joined by `|`, a taxonomy path by `/`.
  static func cellText(_ value: JSONValue?, kind: QuestionKind?) -> String {
    guard let value else { return "" }
    if kind == .spans { return value.serialized() }
    if case .array(let items) = value {
      return items.map(\.displayText).joined(separator: kind == .taxonomy ? "/" : "|")
    }
    return value.displayText
  }

  static func csv(rows: [(LabelRecord, JSONObject?)], questions: [Question]) -> String {
    var dataColumns: [String] = []
    var seen: Set<String> = []
    for (_, data) in rows {
      for key in data?.keys ?? [] where seen.insert(key).inserted { dataColumns.append(key) }
    }
    var answerColumns = questions.map(\.name)
    for (record, _) in rows {
      for key in record.answers.keys where !answerColumns.contains(key) { answerColumns.append(key) }
    }
    let sides = rows.contains { $0.0.shownLeft != nil }
    let header =
      ["id", "annotator", "skipped", "skip_reason"] + answerColumns + (sides ? ["shown_left"] : [])
      + ["submitted_at", "active_seconds", "guidelines_version", "record"] + dataColumns.map { "data." + $0 }
    var out = header.map { CSVRow.quote($0) }.joined(separator: ",") + "\r\n"
    let kinds = Dictionary(questions.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
    for (record, data) in rows {
      var cells = [
        record.task ?? "", record.annotator, record.type == .skip ? "true" : "", record.skipReason ?? "",
      ]
      cells += answerColumns.map { cellText(record.answers[$0], kind: kinds[$0]) }
      if sides { cells.append(record.shownLeft ?? "") }
      cells += [
        Timestamp.iso8601(record.submittedAt), record.activeSeconds.map { JSONValue.number($0).displayText } ?? "",
        record.guidelinesVersion ?? "", record.id,
      ]
      cells += dataColumns.map { data?[$0]?.displayText ?? "" }
      out += cells.map { CSVRow.quote($0) }.joined(separator: ",") + "\r\n"
    }
    return out
  }
}

/// Token-level BIO tags for a text and its spans (CoNLL style: `token<TAB>tag` per line).
public enum BIO {
  /// Tokens are runs of word characters, and every other character that is not a space on its own. A token
  /// is inside a span when they share a code point; the first token of each span is `B-`. Returns the lines
  /// and whether some spans overlapped (BIO cannot say that; the earlier span wins).
  public static func tag(text: String, spans: [Span]) -> (String, overlapping: Bool) {
    let points = CodePointText(text)
    var tokens: [Range<Int>] = []
    var i = 0
    while i < points.count {
      if points.isSpace(at: i) {
        i += 1
      } else if points.isWord(at: i) {
        let start = i
        while i < points.count && points.isWord(at: i) { i += 1 }
        tokens.append(start..<i)
      } else {
        tokens.append(i..<(i + 1))
        i += 1
      }
    }
    let sorted = Span.sorted(spans)
    var overlapping = false
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.overlaps(b) { overlapping = true }
    var out = ""
    var previous: Span?
    for token in tokens {
      let span = sorted.first { $0.start < token.upperBound && token.lowerBound < $0.end }
      var tag = "O"
      if let span {
        tag = (span == previous ? "I-" : "B-") + span.label
      }
      previous = span
      out += points.slice(token.lowerBound, token.upperBound) + "\t" + tag + "\n"
    }
    return (out, overlapping)
  }
}
