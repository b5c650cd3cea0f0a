import TallyCore
import TallyJSON

/// A bundle: a project's records in one file, for a machine with no network (`tally bundle`, `tally merge`).
///
/// JSON lines: a manifest first (`tally_bundle`, the project's name and fingerprint, and per log its path, the
/// first record it holds, how many and their SHA-256), then one line per record (`log` and `record`, the record
/// line exactly as its log holds it, so its chain hash and signature still hold), and an end line with the count
/// and the SHA-256 of every line before it. A bundle without its end line, or whose counts or hashes do not
/// match, was cut short or changed: it is refused whole.
public enum RecordBundle {
  public static let formatVersion = 1

  /// What a project's bundles must agree on: its questions (names, kinds, options) and its data (SHA-256).
  public static func fingerprint(_ project: Project) -> (questions: String, data: String) {
    func describe(_ options: [AnswerOption]) -> String {
      options.map { $0.name + ($0.children.isEmpty ? "" : "(" + describe($0.children) + ")") }.joined(separator: ",")
    }
    let questions = project.config.questions.map { "\($0.name):\($0.kind.rawValue):\(describe($0.options))" }
      .joined(separator: ";")
    let data = (try? Files.readBytes(project.dataPath)).map { ContentHash.sha256Hex($0) } ?? "unreadable"
    return ("sha256:" + ContentHash.sha256Hex(Array(questions.utf8)), "sha256:" + data)
  }

  /// One log's record lines in file order (torn and unreadable lines left out), as bytes.
  static func recordLines(_ path: String) throws(SystemError) -> [[UInt8]] {
    var lines: [[UInt8]] = []
    try LabelLogReader.forEachLine(path: path) { _, _, line, complete in
      guard complete, let id = (try? JSONParser.fields(["id"], in: line))?[0]?.stringValue, !id.isEmpty else { return }
      lines.append(Array(line))
    }
    return lines
  }

  /// Writes the bundle text of every log (or, with `since`, the records after those an earlier bundle held).
  public static func make(project: Project, device: String, since: BundleManifest? = nil, now: Double)
    throws(SystemError) -> (text: String, manifest: BundleManifest)
  {
    var manifest = BundleManifest(project: project.config.name, fingerprint: fingerprint(project), device: device)
    manifest.madeAt = now
    var body: [String] = []
    for path in project.logPaths().sorted() {
      let relative = String(path.dropFirst(project.folder.count + 1))
      let lines = try recordLines(path)
      let skip = since?.logs.first { $0.log == relative }.map { $0.from - 1 + $0.records } ?? 0
      guard lines.count > skip else { continue }
      let part = lines[skip...]
      manifest.logs.append(
        BundleManifest.Log(
          log: relative, from: skip + 1, records: part.count,
          sha256: ContentHash.sha256Hex(Array(part.joined(separator: [0x0A])))))
      for line in part {
        var o = JSONObject()
        o["log"] = .string(relative)
        o["record"] = .string(String(decoding: line, as: UTF8.self))
        body.append(JSONValue.object(o).serialized())
      }
    }
    let lines = [manifest.json.serialized()] + body
    var end = JSONObject()
    end["end"] = .number(Double(body.count))
    end["sha256"] = .string(ContentHash.sha256Hex(Array(lines.joined(separator: "\n").utf8)))
    return ((lines + [JSONValue.object(end).serialized()]).joined(separator: "\n") + "\n", manifest)
  }

  /// Reads a bundle whole, or says why it cannot be used.
  public static func read(_ bytes: [UInt8], file: String) throws(DataError) -> (
    manifest: BundleManifest, records: [(log: String, line: [UInt8])]
  ) {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map(Array.init)
    guard let first = lines.first, let manifest = (try? JSONParser.parse(first)).flatMap(BundleManifest.init(json:))
    else {
      throw DataError(file: file, "is not a Tally bundle (no manifest on its first line)")
    }
    guard let last = lines.last, let end = (try? JSONParser.parse(last))?.objectValue,
      let count = end["end"]?.doubleValue, let hash = end["sha256"]?.stringValue
    else {
      throw DataError(
        file: file, "is cut short: it has no end line; nothing was merged",
        fix: "copy the bundle again (its size on the other machine is the size it must have)")
    }
    lines.removeLast()
    guard Int(count) == lines.count - 1,
      ContentHash.sha256Hex(Array(lines.joined(separator: [0x0A]))) == hash
    else {
      throw DataError(file: file, "is damaged: its lines do not match its end line; nothing was merged")
    }
    var records: [(log: String, line: [UInt8])] = []
    for line in lines.dropFirst() {
      guard let o = (try? JSONParser.parse(line))?.objectValue, let log = o["log"]?.stringValue,
        let record = o["record"]?.stringValue
      else { throw DataError(file: file, "is damaged: a line is not a bundled record; nothing was merged") }
      records.append((log, Array(record.utf8)))
    }
    // Each log's part matches the manifest's count and hash.
    for entry in manifest.logs {
      let part = records.filter { $0.log == entry.log }.map(\.line)
      guard part.count == entry.records, ContentHash.sha256Hex(Array(part.joined(separator: [0x0A]))) == entry.sha256
      else { throw DataError(file: file, "is damaged: \(entry.log) does not match the manifest; nothing was merged") }
    }
    return (manifest, records)
  }
}

/// A bundle's first line.
public struct BundleManifest: Sendable, Equatable {
  public struct Log: Sendable, Equatable {
    public var log: String
    /// The first record (1-based, counting the log's records) the bundle holds.
    public var from: Int
    public var records: Int
    public var sha256: String
  }

  public var project: String
  public var fingerprint: (questions: String, data: String)
  public var device: String
  public var madeAt: Double = 0
  public var logs: [Log] = []

  init(project: String, fingerprint: (questions: String, data: String), device: String) {
    self.project = project
    self.fingerprint = fingerprint
    self.device = device
  }

  public static func == (a: BundleManifest, b: BundleManifest) -> Bool {
    a.project == b.project && a.fingerprint == b.fingerprint && a.device == b.device && a.logs == b.logs
  }

  var json: JSONValue {
    var o = JSONObject()
    o["tally_bundle"] = .number(Double(RecordBundle.formatVersion))
    o["project"] = .string(project)
    o["fingerprint"] = .object(
      JSONObject([("questions", .string(fingerprint.questions)), ("data", .string(fingerprint.data))]))
    o["device"] = .string(device)
    o["made_at"] = .string(Timestamp.iso8601(madeAt))
    o["logs"] = .array(
      logs.map {
        .object(
          JSONObject([
            ("log", .string($0.log)), ("from", .number(Double($0.from))), ("records", .number(Double($0.records))),
            ("sha256", .string($0.sha256)),
          ]))
      })
    return .object(o)
  }

  init?(json: JSONValue) {
    guard let o = json.objectValue, o["tally_bundle"]?.doubleValue == Double(RecordBundle.formatVersion),
      let project = o["project"]?.stringValue, let f = o["fingerprint"]?.objectValue,
      let questions = f["questions"]?.stringValue, let data = f["data"]?.stringValue
    else { return nil }
    self.init(project: project, fingerprint: (questions, data), device: o["device"]?.stringValue ?? "")
    madeAt = o["made_at"]?.stringValue.flatMap(Timestamp.parse) ?? 0
    for entry in o["logs"]?.arrayValue ?? [] {
      guard let e = entry.objectValue, let log = e["log"]?.stringValue, let from = e["from"]?.doubleValue,
        let records = e["records"]?.doubleValue, let sha = e["sha256"]?.stringValue
      else { return nil }
      logs.append(Log(log: log, from: Int(from), records: Int(records), sha256: sha))
    }
  }
}

extension ProjectFiles {
  /// Reads a whole file (a bundle) as bytes.
  public static func read(_ path: String) throws(SystemError) -> [UInt8] { try Files.readBytes(path) }
}
