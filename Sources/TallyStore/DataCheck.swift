import TallyCore
import TallyJSON

#if canImport(Glibc)
  import Glibc
#endif

/// Why a data file cannot be labeled at all: found before the terminal opens, so a session never starts on
/// "End of the queue" for data it cannot read.
public enum DataUnusable: Sendable, Equatable {
  /// No records (an empty file, or a CSV with only its header).
  case empty(headerOnly: Bool)
  /// Binary data: a NUL byte or bytes that are not UTF-8, at this offset.
  case notText(offset: Int)
  /// No sampled record has this field the project reads; the fields the records do have, and the one that
  /// looks like the text (the longest strings), if any.
  case missingField(String, found: [String], suggestion: String?)
  /// No sampled record can be read, for another reason (the first one given).
  case unreadable(DataProblem, sampled: Int)
}

/// Looks at the start of a data file to tell whether it can be labeled with the settings given.
public enum DataCheck {
  /// How many records are looked at: enough to find one usable record in any real file, few enough to be
  /// instant on a million lines.
  public static let sampleSize = 1000

  /// Nil when at least one of the first records is a usable task.
  public static func problem(_ dataset: Dataset, requiring extra: [String] = []) -> DataUnusable? {
    if let offset = binaryOffset(path: dataset.path) { return .notText(offset: offset) }
    if dataset.count == 0 {
      return .empty(
        headerOnly: dataset.spec.format != .jsonl && dataset.spec.format != .text
          && dataset.index.fileSize > 0)
    }
    let sampled = min(dataset.count, sampleSize)
    var firstProblem: DataProblem?
    var missing: [String: Int] = [:]
    var found: [String] = []
    var foundSet: Set<String> = []
    var lengths: [String: (total: Int, count: Int)] = [:]
    for i in 0..<sampled {
      switch dataset.task(at: i) {
      case .success(let task):
        if extra.allSatisfy({ task.fields[$0].map { !$0.isNull } ?? false }) { return nil }
        for field in extra where task.fields[field] == nil { missing[field, default: 0] += 1 }
      case .failure(let problem):
        if firstProblem == nil { firstProblem = problem }
        if let field = problem.missingField { missing[field, default: 0] += 1 }
      }
      // What the records do hold, to say which field to use.
      for (name, value) in fields(of: dataset, at: i) {
        if foundSet.insert(name).inserted { found.append(name) }
        if case .string(let s) = value {
          let seen = lengths[name] ?? (0, 0)
          lengths[name] = (seen.total + s.unicodeScalars.count, seen.count + 1)
        }
      }
    }
    if let (field, _) = missing.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }),
      missing[field] == sampled
    {
      if field == dataset.spec.idField {
        return .missingField(field, found: found, suggestion: idSuggestion(found, text: dataset.spec.textField))
      }
      let candidates = found.filter { $0 != field && $0 != dataset.spec.idField }
      let suggestion = candidates.max { a, b in
        let la = lengths[a].map { Double($0.total) / Double(max(1, $0.count)) } ?? -1
        let lb = lengths[b].map { Double($0.total) / Double(max(1, $0.count)) } ?? -1
        return la < lb
      }
      let usable = suggestion.flatMap { lengths[$0] } != nil ? suggestion : nil
      return .missingField(field, found: found, suggestion: usable)
    }
    return firstProblem.map { .unreadable($0, sampled: sampled) }
  }

  /// A field that looks like a task id: named `id`, `…_id`, `…id`, `key` or `uuid`.
  static func idSuggestion(_ found: [String], text: String) -> String? {
    found.first { name in
      let lower = name.lowercased()
      return name != text && (lower.hasSuffix("id") || lower == "key" || lower.hasSuffix("_key") || lower == "uuid")
    }
  }

  /// A record's fields as read (nothing for a line that is not a JSON object).
  static func fields(of dataset: Dataset, at i: Int) -> [(String, JSONValue)] {
    guard let bytes = try? dataset.rawRecord(i) else { return [] }
    switch dataset.spec.format {
    case .jsonl:
      let parsed = try? JSONParser.parse(bytes)
      guard let object = parsed?.objectValue else { return [] }
      return object.keys.compactMap { key in object[key].map { (key, $0) } }
    case .csv, .tsv:
      let values = CSVRow.parse(bytes, format: dataset.spec.format)
      return zip(dataset.index.header, values).map { ($0, JSONValue.string($1)) }
    case .text:
      return [("text", .string(String(decoding: bytes, as: UTF8.self)))]
    }
  }

  /// The offset of the first NUL byte or invalid UTF-8 in the first 64 KB, if any.
  static func binaryOffset(path: String) -> Int? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 1 << 16)
    let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return nil }
    bytes.removeLast(bytes.count - n)
    // Ignore a character cut off at the end of the sample.
    var end = bytes.count
    if n == 1 << 16 {
      var back = 0
      while back < 4, end > 0, bytes[end - 1] & 0xC0 == 0x80 {
        end -= 1
        back += 1
      }
      if end > 0, bytes[end - 1] >= 0xC0 { end -= 1 }
    }
    var offset = 0
    var iterator = bytes[0..<end].makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        if scalar.value == 0 { return offset }
        offset += UTF8.width(scalar)
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }
}

/// Where a data check's advice points: the quick start's options, or a project file's settings.
public enum DataCheckContext: Sendable, Equatable {
  /// `tally label DATA --labels …`: the fix is an option (`--text-field`).
  case quickStart
  /// A project: the fix is a setting in this `tally.yaml`.
  case project(configPath: String)
}

extension DataUnusable {
  /// The problem as a message about `file`, with the fix for where the settings come from.
  public func diagnostic(file: String, config: ProjectConfig, context: DataCheckContext) -> Diagnostic {
    let shown = Path.display(file)
    switch self {
    case .empty(let headerOnly):
      return Diagnostic(
        file: shown, headerOnly ? "has a header row but no records to label" : "is empty: there is nothing to label",
        fix:
          "add records: one JSON object per line (.jsonl), a header row then rows (.csv, .tsv), or one text per line (.txt)"
      )
    case .notText(let offset):
      return Diagnostic(
        file: shown, "is not a UTF-8 text file (byte \(offset) is binary data)",
        fix:
          "Tally reads UTF-8 JSONL, CSV, TSV or plain text: convert the file (e.g. `iconv -f latin1 -t utf-8`) or pick another"
      )
    case .missingField(let field, let found, let suggestion):
      let foundList =
        found.isEmpty ? "" : " (fields found: \(found.prefix(12).map { "`\($0)`" }.joined(separator: ", ")))"
      let setting = Self.setting(for: field, config: config)
      let role =
        setting.compare
        ? "the side-by-side \(setting.key.replacing("_field", with: "").replacing("_", with: " "))"
        : "the text to label"
      let message = "no record has a `\(field)` field, which holds \(role)\(foundList)"
      let value = suggestion ?? "FIELD"
      let fix: String
      switch context {
      case .quickStart where !setting.compare:
        fix = "name the field that holds the text: rerun with --text-field \(Path.quoted(value))"
      case .quickStart:
        fix =
          "a quick start with --compare reads `prompt`, `response_a` and `response_b`: rename the fields, or write "
          + "a project (`tally init`) with `compare:` settings (`prompt_field`, `response_a_field`, `response_b_field`)"
      case .project(let configPath):
        fix =
          setting.compare
          ? "set `\(setting.key): \(value)` under `compare:` in \(Path.quoted(Path.display(configPath)))"
          : "set `text_field: \(value)` in \(Path.quoted(Path.display(configPath)))"
      }
      return Diagnostic(file: shown, message, fix: fix)
    case .unreadable(let problem, let sampled):
      let fix: String
      switch context {
      case .quickStart:
        fix = "check that the file is \(config.format.rawValue) (the name says so); `tally validate` lists every line"
      case .project(let configPath):
        fix =
          "check `format:` in \(Path.quoted(Path.display(configPath))) and the file; `tally validate` lists every line"
      }
      return Diagnostic(
        file: shown, line: problem.line,
        "none of the first \(sampled) records can be labeled; the first: \(problem.reason)", fix: fix)
    }
  }

  /// The setting that names a field: `text_field`, or one of the `compare:` keys.
  public static func setting(for field: String, config: ProjectConfig) -> (key: String, compare: Bool) {
    guard let compare = config.layout.compare else { return ("text_field", false) }
    if field == compare.responseAField { return ("response_a_field", true) }
    if field == compare.responseBField { return ("response_b_field", true) }
    if field == compare.promptField { return ("prompt_field", true) }
    return ("text_field", false)
  }
}
