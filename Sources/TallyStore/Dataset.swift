import TallyCore
import TallyJSON

#if canImport(Glibc)
  import Glibc
#endif

/// What the project reads from each data record.
public struct DataSpec: Sendable, Equatable {
  public var format: DataFormat
  public var textField: String
  public var idField: String
  public var predictionField: String?
  /// Fields every record must have besides the text (a side-by-side task's two responses).
  public var requiredFields: [String] = []

  public init(format: DataFormat, textField: String = "text", idField: String = "id", predictionField: String? = nil) {
    self.format = format
    self.textField = textField
    self.idField = idField
    self.predictionField = predictionField
  }

  public init(_ config: ProjectConfig) {
    self.init(
      format: config.format, textField: config.textField, idField: config.idField,
      predictionField: config.predictionField)
    if let compare = config.layout.compare { requiredFields = [compare.responseAField, compare.responseBField] }
  }
}

/// A data file opened for labeling: indexed once, each record read and parsed when asked for.
public final class Dataset {
  public let path: String
  public let spec: DataSpec
  public let index: DataIndex
  let fd: Int32

  public var count: Int { index.count }

  /// Opens and indexes `path`.
  public convenience init(path: String, spec: DataSpec) throws(DataError) {
    let index = try DataIndex.build(path: path, format: spec.format)
    try self.init(path: path, spec: spec, index: index)
  }

  /// Opens `path` with an index built before (for a second reader on another thread).
  public init(path: String, spec: DataSpec, index: DataIndex) throws(DataError) {
    self.path = path
    self.spec = spec
    self.index = index
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw DataError(file: path, "cannot open data file: \(String(cString: strerror(errno)))") }
  }

  deinit { close(fd) }

  /// The raw bytes of record `i` (without its line ending).
  public func rawRecord(_ i: Int) throws(DataError) -> [UInt8] {
    guard i >= 0, i < index.count else { throw DataError(file: path, "record \(i) is out of range") }
    var bytes = try DataIndex.readRange(fd: fd, path: path, from: index.offsets[i], to: index.offsets[i + 1])
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
    return bytes
  }

  /// The 1-based line number of record `i`.
  public func line(of i: Int) -> Int { Int(index.lines[i]) }

  /// Record `i` as a task, or the reason it cannot be one.
  public func task(at i: Int) -> Result<LabelTask, DataProblem> {
    guard i >= 0, i < index.count else { return .failure(DataProblem(line: 0, reason: "no record \(i)")) }
    let line = Int(index.lines[i])
    let bytes: [UInt8]
    do {
      bytes = try rawRecord(i)
    } catch {
      return .failure(DataProblem(line: line, reason: error.diagnostic.message))
    }
    return Self.task(from: bytes, line: line, spec: spec, header: index.header)
  }

  /// The id of record `i` without building the whole task (fast path used to find where to resume).
  public func taskID(at i: Int) -> String? {
    guard let bytes = try? rawRecord(i) else { return nil }
    return Self.taskID(from: bytes, spec: spec, header: index.header)
  }

  static func taskID(from bytes: [UInt8], spec: DataSpec, header: [String]) -> String? {
    switch spec.format {
    case .jsonl:
      let found: JSONValue?
      do {
        found = try JSONParser.fields([spec.idField], in: bytes)[0]
      } catch {
        return nil
      }
      guard let id = found else { return ContentHash.taskID(forRecordBytes: bytes) }
      return Self.idString(id) ?? ContentHash.taskID(forRecordBytes: bytes)
    case .csv, .tsv:
      guard let column = header.firstIndex(of: spec.idField) else { return ContentHash.taskID(forRecordBytes: bytes) }
      let fields = CSVRow.parse(bytes, format: spec.format)
      guard column < fields.count, !fields[column].isEmpty else { return ContentHash.taskID(forRecordBytes: bytes) }
      return fields[column]
    case .text:
      return ContentHash.taskID(forRecordBytes: bytes)
    }
  }

  static func idString(_ value: JSONValue) -> String? {
    switch value {
    case .string(let s) where !s.isEmpty: return s
    case .number: return value.displayText
    default: return nil
    }
  }

  /// Parses one record's bytes into a task.
  static func task(from bytes: [UInt8], line: Int, spec: DataSpec, header: [String]) -> Result<LabelTask, DataProblem> {
    var fields = JSONObject()
    switch spec.format {
    case .jsonl:
      let parsed: JSONValue
      do {
        parsed = try JSONParser.parse(bytes)
      } catch {
        return .failure(DataProblem(line: line, reason: "not valid JSON: \(error)"))
      }
      guard let object = parsed.objectValue else {
        return .failure(DataProblem(line: line, reason: "a line must be a JSON object like {\"text\": \"…\"}"))
      }
      fields = object
    case .csv, .tsv:
      let values = CSVRow.parse(bytes, format: spec.format)
      if values.count != header.count {
        return .failure(
          DataProblem(line: line, reason: "has \(values.count) fields but the header has \(header.count)"))
      }
      for (name, value) in zip(header, values) { fields[name] = .string(value) }
    case .text:
      fields["text"] = .string(String(decoding: bytes, as: UTF8.self))
    }
    let textField = spec.format == .text ? "text" : spec.textField
    guard let textValue = fields[textField] else {
      let known = fields.keys.prefix(8).joined(separator: ", ")
      return .failure(
        DataProblem(line: line, reason: "no `\(textField)` field (fields: \(known))", missingField: textField))
    }
    let text: String
    switch textValue {
    case .string(let s): text = s
    case .null: return .failure(DataProblem(line: line, reason: "`\(textField)` is null", missingField: textField))
    default: text = textValue.displayText
    }
    for field in spec.requiredFields {
      guard let value = fields[field], !value.isNull else {
        return .failure(
          DataProblem(
            line: line, reason: "no `\(field)` field; a side-by-side task needs both responses", missingField: field))
      }
    }
    let id: String
    if let value = fields[spec.idField], let s = Self.idString(value) {
      id = s
    } else {
      id = ContentHash.taskID(forRecordBytes: bytes)
    }
    var prediction: JSONValue?
    if let field = spec.predictionField, let value = fields[field], !value.isNull {
      prediction = value
    }
    return .success(LabelTask(id: id, line: line, fields: fields, text: text, prediction: prediction))
  }
}

extension Dataset {
  /// Calls `body` with the id of every record in `range`, reading the file sequentially in large chunks
  /// (much faster than one read per record when many records are needed, e.g. to find where to resume).
  public func forEachTaskID(in range: Range<Int>, _ body: (Int, String?) -> Void) {
    let chunkBytes: Int64 = 8 << 20
    var i = max(0, range.lowerBound)
    let end = min(index.count, range.upperBound)
    while i < end {
      // Whole records, up to about chunkBytes (at least one).
      let start = index.offsets[i]
      var j = i + 1
      while j < end && index.offsets[j + 1] - start <= chunkBytes { j += 1 }
      guard let bytes = try? DataIndex.readRange(fd: fd, path: path, from: start, to: index.offsets[j]) else {
        for k in i..<j { body(k, nil) }
        i = j
        continue
      }
      for k in i..<j {
        var lo = Int(index.offsets[k] - start)
        var hi = min(bytes.count, Int(index.offsets[k + 1] - start))
        while hi > lo, bytes[hi - 1] == 0x0A || bytes[hi - 1] == 0x0D { hi -= 1 }
        if lo > hi { lo = hi }
        body(k, Self.taskID(from: Array(bytes[lo..<hi]), spec: spec, header: index.header))
      }
      i = j
    }
  }
}
