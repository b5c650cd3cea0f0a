import TallyCore
import TallyJSON

/// What `tally verify` found: every problem with its file and line, notes that are not failures (logs from
/// before chains, torn writes), and counts.
public struct VerifyReport: Sendable {
  public var problems: [Diagnostic] = []
  public var notes: [Diagnostic] = []
  public var logs = 0
  public var chainedLogs = 0
  public var records = 0
  public var signedRecords = 0
  public var annotators: Set<String> = []

  public var clean: Bool { !problems.hasErrors }

  /// The counts, one line.
  public var summary: String {
    "\(logs) logs (\(chainedLogs) chained), \(records) records of \(annotators.count) annotators, "
      + "\(signedRecords) signed: "
      + (clean
        ? "every chain intact, ids unique, records in their annotators' logs"
        : "\(problems.filter { $0.severity == .error }.count) problem(s)")
  }
}

/// Checks every log of a project: JSON, the hash chain (an edited, removed, inserted or reordered record breaks
/// it at the next line), ids unique across the project, each record in its annotator's log, `supersedes`
/// pointing at a record of the same annotator, and signatures where `signing_keys:` lists a key. A torn last
/// line (a crash) is noted apart, never as tampering.
public enum LogVerifier {
  public static func verify(project: Project) throws(SystemError) -> VerifyReport {
    var report = VerifyReport()
    var ids: [String: (file: String, line: Int, annotator: String)] = [:]
    var supersedes: [(file: String, line: Int, annotator: String, target: String)] = []
    let keys = project.config.signingKeys.compactMapValues { Base64.decode($0) }
    var all: [(path: String, lines: [(number: Int, bytes: [UInt8], complete: Bool)])] = []
    for path in project.logPaths().sorted() {
      var lines: [(number: Int, bytes: [UInt8], complete: Bool)] = []
      try LabelLogReader.forEachLine(path: path) { _, number, line, complete in
        lines.append((number, Array(line), complete))
      }
      all.append((path, lines))
    }
    // Signing starts at an annotator's first validly signed record: what they wrote before the key was listed
    // is noted, not failed; anything unsigned after it is.
    var signingSince: [String: Double] = [:]
    for (_, lines) in all {
      for (_, bytes, _) in lines {
        guard let record = (try? JSONParser.parse(bytes)).flatMap({ try? LabelRecord(json: $0) }),
          let key = keys[record.annotator],
          let (signed, signature) = LogChain.splitSignature(bytes),
          LogChain.verify(signed, signature: signature, publicKey: key)
        else { continue }
        signingSince[record.annotator] = min(signingSince[record.annotator] ?? .infinity, record.submittedAt)
      }
    }
    for (path, lines) in all {
      report.logs += 1
      let shown = Path.display(path)
      let owner = project.owner(ofLog: path)
      var lastHash: String?  // hash of the last record line read
      var lastRecordLine: Int?
      var chained = false
      var unreadable: [Int] = []  // unreadable lines since the last record
      for (number, bytes, complete) in lines {
        let json = try? JSONParser.parse(bytes)
        if let json, json.objectValue != nil {
          do {
            _ = try LabelRecord(json: json)
          } catch {
            // Whole JSON, not a cut-off write: a line something other than Tally wrote.
            report.problems.append(Diagnostic(file: shown, line: number, "not a valid record (\(error))"))
            continue
          }
        }
        guard let json, let record = try? LabelRecord(json: json) else {
          if !complete {
            report.notes.append(
              Diagnostic(
                .warning, file: shown, line: number,
                "torn last line: a write cut off (a crash or a full disk), not a record; not tampering"))
          } else {
            unreadable.append(number)
          }
          continue
        }
        report.records += 1
        report.annotators.insert(record.annotator)
        // The chain: prev is the hash of the record line before.
        if let prev = record.prev {
          chained = true
          let expected = lastHash ?? LogChain.genesis
          if prev == expected {
            for u in unreadable {
              report.notes.append(
                Diagnostic(
                  .warning, file: shown, line: u,
                  "unreadable line the chain skips over: a write cut off by a crash, not a record"))
            }
          } else {
            let before = lastRecordLine.map { "the record at line \($0)" } ?? "the start of the log"
            report.problems.append(
              Diagnostic(
                file: shown, line: number,
                "chain broken: `prev` does not match \(before); a record was edited, removed, inserted or "
                  + "reordered here", fix: "compare this log with the remote's history (git log -p) or a bundle"))
            for u in unreadable {
              report.problems.append(Diagnostic(file: shown, line: u, "unreadable line inside the chain"))
            }
          }
        } else if chained || owner?.device != nil {
          report.problems.append(
            Diagnostic(
              file: shown, line: number,
              "record without `prev` in a \(chained ? "chained" : "device") log (Tally chains every record it writes there)"
            ))
        } else {
          for u in unreadable { report.problems.append(Diagnostic(file: shown, line: u, "unreadable line")) }
        }
        unreadable = []
        lastHash = LogChain.hash(bytes)
        lastRecordLine = number
        // Ids unique across the project.
        if let first = ids[record.id] {
          report.problems.append(
            Diagnostic(file: shown, line: number, "id \(record.id) is also at \(first.file):\(first.line)"))
        } else {
          ids[record.id] = (shown, number, record.annotator)
        }
        // The record is in its annotator's log.
        if let owner, LabelLogReader.safeFileName(record.annotator) != owner.annotatorFileName {
          report.problems.append(
            Diagnostic(
              file: shown, line: number,
              "a record of \(record.annotator) in the log of \(owner.annotatorFileName): moved or forged"))
        }
        if let target = record.supersedes { supersedes.append((shown, number, record.annotator, target)) }
        // Signatures.
        if let sig = record.sig {
          if let key = keys[record.annotator] {
            if let (signed, signature) = LogChain.splitSignature(bytes), signature == sig,
              LogChain.verify(signed, signature: signature, publicKey: key)
            {
              report.signedRecords += 1
            } else {
              report.problems.append(
                Diagnostic(
                  file: shown, line: number,
                  "signature does not verify with \(record.annotator)'s key: the record was forged or altered"))
            }
          }
        } else if keys[record.annotator] != nil {
          if owner?.device == nil || record.submittedAt < (signingSince[record.annotator] ?? .infinity) {
            report.notes.append(
              Diagnostic(
                .warning, file: shown, line: number,
                "unsigned, written before \(record.annotator)'s first signed record (before the key was listed)"))
          } else {
            report.problems.append(
              Diagnostic(
                file: shown, line: number,
                "not signed, and tally.yaml lists a signing key for \(record.annotator): not written by their Tally"
              ))
          }
        }
      }
      // Unreadable lines at the end: a write cut off by a crash (the next session wrote a newline after it).
      for u in unreadable {
        report.notes.append(
          Diagnostic(
            .warning, file: shown, line: u, "torn write at the end: cut off by a crash, not a record; not tampering"))
      }
      if chained {
        report.chainedLogs += 1
      } else if lastRecordLine != nil {
        report.notes.append(
          Diagnostic(
            .warning, file: shown,
            "no hash chain (written before chains): read as before, but edits to it cannot be detected"))
      }
    }
    for s in supersedes {
      guard let target = ids[s.target] else {
        report.problems.append(
          Diagnostic(file: s.file, line: s.line, "supersedes \(s.target), which no log of the project holds"))
        continue
      }
      if target.annotator != s.annotator {
        report.problems.append(
          Diagnostic(
            file: s.file, line: s.line,
            "supersedes \(s.target), a record of \(target.annotator) (\(target.file):\(target.line))"))
      }
    }
    report.problems.sort { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) }
    return report
  }
}
