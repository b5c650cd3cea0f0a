import TallyCore
import TallyJSON

#if canImport(Glibc)
  import Glibc
#endif

/// What `tally merge` did.
public struct MergeReport: Sendable {
  /// Records added, per log (project-relative path).
  public var added: [String: Int] = [:]
  /// Records already in the project (merging a bundle twice adds nothing).
  public var alreadyHere = 0
  /// Records held back until the records before them in their log arrive (a later bundle merged first).
  public var held: [String: Int] = [:]
  /// Same id, different bytes: neither applied.
  public var conflicts: [Diagnostic] = []
  /// Bundles refused whole (cut short, damaged, made for another project).
  public var refused: [Diagnostic] = []

  public var lines: [String] {
    var result = refused.map(\.description) + conflicts.map(\.description)
    let total = added.values.reduce(0, +)
    let logs = added.keys.sorted().map { "\($0) +\(added[$0] ?? 0)" }.joined(separator: ", ")
    result.append(total == 0 ? "nothing new: every record was already here" : "added \(total) records (\(logs))")
    if alreadyHere > 0 { result.append("\(alreadyHere) records were already here") }
    if !held.isEmpty {
      result.append(
        "\(held.values.reduce(0, +)) records held until the records before them arrive (merge the earlier bundle "
          + "of \(held.keys.sorted().joined(separator: ", ")))")
    }
    return result
  }
}

/// `tally merge`: adds every bundled record the project lacks, each log in its chain's order, so that merging
/// bundles in any order, or twice, gives the same logs. Records whose earlier records have not arrived yet wait
/// in `labels/.pending/records.jsonl` (never read as labels) and go in when they connect.
public enum BundleMerge {
  public static func merge(project: Project, bundles: [(file: String, bytes: [UInt8])]) throws(SystemError)
    -> MergeReport
  {
    var report = MergeReport()
    let here = RecordBundle.fingerprint(project)
    var incoming: [(log: String, line: [UInt8], source: String)] = []
    for (file, bytes) in bundles {
      let bundle: (manifest: BundleManifest, records: [(log: String, line: [UInt8])])
      do {
        bundle = try RecordBundle.read(bytes, file: file)
      } catch {
        report.refused.append(error.diagnostic)
        continue
      }
      var differs: [String] = []
      if bundle.manifest.fingerprint.questions != here.questions { differs.append("its questions") }
      if bundle.manifest.fingerprint.data != here.data { differs.append("its data file") }
      if !differs.isEmpty {
        report.refused.append(
          Diagnostic(
            file: file,
            "was made for another project (\(bundle.manifest.project)): \(differs.joined(separator: " and ")) "
              + "differ from \(project.config.name)'s; nothing was merged",
            fix: "merge it into the project it was made from"))
        continue
      }
      for (log, line) in bundle.records {
        guard safe(log) else {
          report.refused.append(Diagnostic(file: file, "names a log outside labels/ (\(log)); nothing was merged"))
          incoming.removeAll { $0.source == file }
          break
        }
        incoming.append((log, line, file))
      }
    }
    // What waited from earlier merges.
    let pendingPath = Path.join(Path.join(project.labelsFolder, ".pending"), "records.jsonl")
    var pendingReadable = true
    if Files.exists(pendingPath) {
      if let bytes = try? Files.readBytes(pendingPath) {
        incoming += RecordBundle.readPending(bytes).map { ($0.log, $0.line, "held") }
      } else {
        pendingReadable = false
        report.refused.append(
          Diagnostic(
            file: Path.display(pendingPath), "cannot be read: the records held in it stay there, untouched",
            fix: "check the file's permissions"))
      }
    }

    // Every record already in the project, by id.
    var known: [String: (log: String, bytes: [UInt8])] = [:]
    var tails: [String: String] = [:]  // log → hash of its last record line
    for path in project.logPaths() {
      let relative = String(path.dropFirst(project.folder.count + 1))
      let lines = try RecordBundle.recordLines(path)
      for line in lines {
        if let id = (try? JSONParser.fields(["id"], in: line))?[0]?.stringValue { known[id] = (relative, line) }
      }
      if let last = lines.last { tails[relative] = LogChain.hash(last) }
    }

    // Per log, the new records in the order given (first occurrence of each id).
    var candidates: [String: [(id: String, prev: String?, line: [UInt8])]] = [:]
    var order: [String] = []
    var seen: [String: [UInt8]] = [:]
    var conflicted: Set<String> = []
    for (log, line, source) in incoming {
      guard let fields = try? JSONParser.fields(["id", "prev"], in: line), let id = fields[0]?.stringValue else {
        continue
      }
      if let existing = known[id] {
        if existing.bytes == line {
          if source != "held" { report.alreadyHere += 1 }
        } else {
          report.conflicts.append(
            Diagnostic(
              file: source == "held" ? Path.display(pendingPath) : source,
              "record \(id) for \(log) differs from the one in \(existing.log): neither changed; the project keeps "
                + "its own", fix: "compare the two with `tally verify` on both machines"))
        }
        continue
      }
      if let earlier = seen[id] {
        if earlier != line && !conflicted.contains(id) {
          conflicted.insert(id)
          report.conflicts.append(
            Diagnostic(file: source, "record \(id) comes twice with different bytes: neither is applied"))
        }
        continue
      }
      seen[id] = line
      if candidates[log] == nil { order.append(log) }
      candidates[log, default: []].append((id, fields[1]?.stringValue, line))
    }

    // A record two bundles give differently goes in from neither (so the order of merging cannot decide).
    for log in order { candidates[log]?.removeAll { conflicted.contains($0.id) } }
    // Each log's records in chain order: the one whose prev is the log's last line, then the next, …
    var leftover: [(log: String, line: [UInt8])] = []
    for log in order {
      var waiting = candidates[log] ?? []
      var tail = tails[log]
      var ready: [[UInt8]] = []
      // Records from before chains have no prev: in the order given.
      for c in waiting where c.prev == nil { ready.append(c.line) }
      waiting.removeAll { $0.prev == nil }
      if let last = ready.last { tail = LogChain.hash(last) }
      while let next = waiting.firstIndex(where: { $0.prev == (tail ?? LogChain.genesis) }) {
        let record = waiting.remove(at: next)
        ready.append(record.line)
        tail = LogChain.hash(record.line)
      }
      for c in waiting { leftover.append((log, c.line)) }
      if !waiting.isEmpty { report.held[log] = waiting.count }
      guard !ready.isEmpty else { continue }
      let path = Path.join(project.folder, log)
      try Files.makeDirectory(Path.directory(of: path))
      try LabelLogWriter(path: path).appendRaw(ready)
      report.added[log] = ready.count
    }
    // The pending file holds exactly what still waits (left alone if it could not be read).
    if !pendingReadable {
      // nothing
    } else if leftover.isEmpty {
      if Files.exists(pendingPath) { unlink(pendingPath) }
    } else {
      try Files.makeDirectory(Path.directory(of: pendingPath))
      let text =
        leftover.map { entry -> String in
          var o = JSONObject()
          o["log"] = .string(entry.log)
          o["record"] = .string(String(decoding: entry.line, as: UTF8.self))
          return JSONValue.object(o).serialized()
        }.joined(separator: "\n") + "\n"
      try Files.writeAtomically(text, to: pendingPath)
    }
    return report
  }

  /// A log path a bundle may name: `labels/<name>.jsonl` or `labels/<name>/<device>.jsonl`, no `.` names.
  static func safe(_ log: String) -> Bool {
    let parts = log.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.first == "labels", parts.count == 2 || parts.count == 3, log.hasSuffix(".jsonl") else { return false }
    // A folder is an annotator's, never named like a log.
    if parts.count == 3 && parts[1].hasSuffix(".jsonl") { return false }
    return parts.dropFirst().allSatisfy { !$0.isEmpty && !$0.hasPrefix(".") }
  }
}

extension RecordBundle {
  /// The pending file's lines (the bundle's record lines, without manifest or end).
  static func readPending(_ bytes: [UInt8]) -> [(log: String, line: [UInt8])] {
    bytes.split(separator: 0x0A).compactMap { line in
      guard let o = (try? JSONParser.parse(line))?.objectValue, let log = o["log"]?.stringValue,
        let record = o["record"]?.stringValue
      else { return nil }
      return (log, Array(record.utf8))
    }
  }
}
