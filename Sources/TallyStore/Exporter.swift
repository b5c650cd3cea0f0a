import TallyCore
import TallyJSON

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

/// Reads every annotator's log in a project and writes the current answers.
public enum Exporter {
  /// The current answer/skip record per (task, annotator) across all logs (the current-answer rule, through
  /// the store), with problems found on the way: unreadable lines and conflicts. Training and exam answers are
  /// never labels; gold answers are kept apart from data answers of the same task id and left out unless
  /// `includeGold`.
  public static func currentLabels(
    project: Project, includeGold: Bool = false
  ) throws -> (labels: [LabelRecord], problems: [Diagnostic]) {
    let store = try LabelStore.load(project: project)
    var problems = store.problems
    for conflict in store.conflicts where includeGold || !conflict.task.gold {
      let place = conflict.recordIDs.dropFirst().first.flatMap(store.place(ofRecord:))
      problems.append(
        Diagnostic(
          .warning, file: place.map { Path.display($0.file) } ?? Path.display(project.labelsFolder), line: place?.line,
          "\(conflict.annotator) has \(conflict.recordIDs.count) current answers to \(conflict.task) (records "
            + "\(conflict.recordIDs.joined(separator: ", "))); the export has the first, by time"))
    }
    return (store.currentRecords(includeGold: includeGold), problems)
  }

  /// Writes the export text for a project: data answers first (in data order), then, with `includeGold`,
  /// gold answers (in gold-file order).
  public static func export(
    project: Project, format: ExportFormat, includeGold: Bool = false
  ) throws -> (text: String, problems: [Diagnostic]) {
    let (labels, problems) = try currentLabels(project: project, includeGold: includeGold)
    var warnings = problems
    let dataset = try Dataset(path: project.dataPath, spec: DataSpec(project.config))
    var goldSet: Dataset?
    if includeGold && labels.contains(where: \.gold) {
      goldSet = goldDataset(project: project, warnings: &warnings)
    }
    let positions = positionsByID(dataset)
    let goldPositions = goldSet.map(positionsByID) ?? [:]
    func position(_ record: LabelRecord) -> Int {
      guard let id = record.task else { return Int.max }
      return (record.gold ? goldPositions[id] : positions[id]) ?? Int.max
    }
    let sorted = labels.sorted { a, b in
      (a.gold ? 1 : 0, position(a), a.annotator) < (b.gold ? 1 : 0, position(b), b.annotator)
    }
    var rows: [(LabelRecord, JSONObject?)] = []
    var tasks: [LabelTask?] = []
    for record in sorted {
      var data: JSONObject?
      let source = record.gold ? goldSet : dataset
      if let source, let id = record.task, let at = (record.gold ? goldPositions : positions)[id],
        case .success(let task) = source.task(at: at)
      {
        data = task.fields
        tasks.append(task)
      } else {
        tasks.append(nil)
        if !record.gold {
          warnings.append(
            Diagnostic(
              .warning, file: Path.display(project.dataPath),
              "task `\(record.task ?? "?")` labeled by \(record.annotator) is not in the data file"))
        } else if let goldSet {
          // (A gold file that cannot be read was warned about once already.)
          warnings.append(
            Diagnostic(
              .warning, file: Path.display(goldSet.path),
              "gold task `\(record.task ?? "?")` answered by \(record.annotator) is not in the gold file"))
        }
      }
      rows.append((record, data))
    }
    switch format {
    case .jsonl:
      var out = ""
      for (record, data) in rows {
        out += jsonLine(record: record, data: data, includeGold: includeGold).serialized()
        out += "\n"
      }
      return (out, warnings)
    case .csv:
      return (csv(rows: rows, questions: project.config.questions, includeGold: includeGold), warnings)
    case .spacy, .conll:
      guard let question = project.config.questions.first(where: { $0.kind == .spans }) else {
        throw ProjectError([
          Diagnostic(
            file: Path.display(project.configPath),
            "--format \(format.rawValue) exports span questions; this project has none",
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
          if record.gold { o["gold"] = .bool(true) }
          o["text"] = .string(task.text)
          o["spans"] = .array(spans.map(\.json))
          out += JSONValue.object(o).serialized()
          out += "\n"
        } else {
          let (block, overlapping) = BIO.tag(text: task.text, spans: spans)
          if overlapping {
            warnings.append(
              Diagnostic(
                .warning, file: Path.display(taskFile(record, project: project, gold: goldSet)), line: task.line,
                "task `\(task.id)` (\(record.annotator)) has overlapping spans; BIO keeps the first of each overlap"))
          }
          out += "# id: \(task.id) annotator: \(record.annotator)\(record.gold ? " gold" : "")\n" + block + "\n"
        }
      }
      return (out, warnings)
    }
  }

  /// The file a record's task comes from, for warnings.
  static func taskFile(_ record: LabelRecord, project: Project, gold: Dataset?) -> String {
    record.gold ? (gold?.path ?? project.configPath) : project.dataPath
  }

  /// Task id → its first position in a data file.
  static func positionsByID(_ dataset: Dataset) -> [String: Int] {
    var positions: [String: Int] = [:]
    for i in 0..<dataset.count {
      if let id = dataset.taskID(at: i), positions[id] == nil { positions[id] = i }
    }
    return positions
  }

  /// The project's gold file (JSONL records shaped like the data) for the gold rows' `data`; nil with a
  /// warning when there is none or it cannot be read.
  static func goldDataset(project: Project, warnings: inout [Diagnostic]) -> Dataset? {
    guard let gold = project.config.quality.gold else {
      warnings.append(
        Diagnostic(
          .warning, file: Path.display(project.configPath),
          "the logs hold gold answers but the project names no gold file; they are exported without their data"))
      return nil
    }
    let path = project.qualityFilePath(gold)
    do {
      return try Dataset(path: path, spec: project.qualityFileSpec)
    } catch {
      warnings.append(
        Diagnostic(
          .warning, file: Path.display(path),
          "gold file cannot be read (\(error.diagnostic.message)); gold answers are exported without their data"))
      return nil
    }
  }

  /// One JSONL export row: `flags` when the record has some; with `includeGold`, `gold` on every row and
  /// `correct` on gold rows that were scored.
  static func jsonLine(record: LabelRecord, data: JSONObject?, includeGold: Bool = false) -> JSONValue {
    var o = JSONObject()
    o["id"] = .string(record.task ?? "")
    o["annotator"] = .string(record.annotator)
    o["answers"] = .object(record.answers)
    if let shownLeft = record.shownLeft { o["shown_left"] = .string(shownLeft) }
    if !record.flags.isEmpty { o["flags"] = .array(record.flags.map { .string($0.rawValue) }) }
    if includeGold {
      o["gold"] = .bool(record.gold)
      if record.gold, let correct = record.correct { o["correct"] = .bool(correct) }
    }
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

  /// The CSV export: a `flags` column (`;`-joined) when some row has flags, and with `includeGold` the `gold`
  /// and `correct` columns.
  static func csv(rows: [(LabelRecord, JSONObject?)], questions: [Question], includeGold: Bool = false) -> String {
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
    let flagged = rows.contains { !$0.0.flags.isEmpty }
    let header =
      ["id", "annotator", "skipped", "skip_reason"] + answerColumns + (sides ? ["shown_left"] : [])
      + (flagged ? ["flags"] : []) + (includeGold ? ["gold", "correct"] : [])
      + ["submitted_at", "active_seconds", "guidelines_version", "record"] + dataColumns.map { "data." + $0 }
    var out = header.map { CSVRow.quote($0) }.joined(separator: ",") + "\r\n"
    let kinds = Dictionary(questions.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
    for (record, data) in rows {
      var cells = [
        record.task ?? "", record.annotator, record.type == .skip ? "true" : "", record.skipReason ?? "",
      ]
      cells += answerColumns.map { cellText(record.answers[$0], kind: kinds[$0]) }
      if sides { cells.append(record.shownLeft ?? "") }
      if flagged { cells.append(record.flags.map(\.rawValue).joined(separator: ";")) }
      if includeGold {
        cells.append(record.gold ? "true" : "false")
        cells.append(record.gold ? record.correct.map { $0 ? "true" : "false" } ?? "" : "")
      }
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
    let tokens = Self.tokens(points)
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

  /// The tokens of a text, as code-point ranges: runs of word characters, and every other character that is not
  /// a space on its own.
  public static func tokens(_ points: CodePointText) -> [Range<Int>] {
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
    return tokens
  }

  /// Each token's label: the label of the first span (in document order) that shares a code point with it, or
  /// `O`.
  public static func tokenLabels(_ tokens: [Range<Int>], spans: [Span]) -> [String] {
    let sorted = Span.sorted(spans)
    return tokens.map { token in
      sorted.first { $0.start < token.upperBound && token.lowerBound < $0.end }?.label ?? "O"
    }
  }
}
