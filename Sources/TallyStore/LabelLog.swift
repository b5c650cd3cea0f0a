import TallyCore
import TallyJSON

#if canImport(Glibc)
  import Glibc
#endif

/// Where a record is among the logs a session reads: the log's index in the list and the line's byte offset,
/// packed into one number (the log in the top 16 bits), so that the first log's locations are its offsets.
public enum LogLocation {
  public static func pack(log: Int, offset: Int64) -> Int64 { Int64(log) << 48 | offset }
  public static func unpack(_ location: Int64) -> (log: Int, offset: Int64) {
    (Int(location >> 48), location & (1 << 48 - 1))
  }
}

/// The latest record of one task in one annotator's logs.
public struct LogEntry: Sendable, Equatable {
  /// Where the record's line is (`LogLocation`; for one log, its byte offset).
  public var offset: Int64
  public var type: RecordType

  public init(offset: Int64, type: RecordType) {
    self.offset = offset
    self.type = type
  }
}

/// One annotator's log read back: the current record per task (by the current-answer rule), the events, and
/// what could not be read.
public struct LogIndex: Sendable {
  /// Task → current record (a gold task apart from a data task with the same id). Training and exam answers
  /// are not here.
  public var latest: [TaskKey: LogEntry] = [:]
  /// Tasks answered twice without one answer superseding the other (two sessions at once).
  public var conflicts: [AnswerConflict] = []
  public var guidelinesOpened: Set<String> = []
  /// Versions of the exam this annotator has passed (from `exam_result` events).
  public var examsPassed: Set<String> = []
  /// Offsets of the latest labeling answers (at most `recentLimit`, oldest first), to replay into the
  /// quality checks when a session resumes.
  public var recentAnswers: [Int64] = []
  public static let recentLimit = 200
  /// The latest slow-down or gold-threshold pause: its event and when it ends (so quitting does not cut
  /// it short).
  public var lastPause: (event: String, until: Double)?
  public var records = 0
  public var problems: [DataProblem] = []

  public init() {}

  public var answered: Int { latest.values.lazy.filter { $0.type == .answer }.count }

  public var skipped: Int { latest.values.lazy.filter { $0.type == .skip }.count }
}

/// Appends records to one annotator's log: one line per record, written whole under an exclusive lock and
/// fsync'd before `append` returns. Nothing is ever rewritten.
public final class LabelLogWriter {
  public let path: String
  private let fd: Int32
  private let system: any SystemCalls
  /// Bytes written so far (the offset the next record starts at).
  public private(set) var endOffset: Int64

  /// Opens (creating if needed) the log at `path`. A new file's folder is fsync'd so the file itself survives a
  /// power cut. If the file ends in a torn line, a newline is written first so the next record stands alone.
  public init(path: String, system: any SystemCalls = LiveSystemCalls()) throws(SystemError) {
    self.path = path
    self.system = system
    let existed = Files.exists(path)
    fd = system.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw SystemError("cannot open label log", path: path, code: errno) }
    if !existed {
      _ = system.fsync(fd)
      Files.syncDirectory(of: path)
    }
    endOffset = Files.size(path) ?? 0
    if endOffset > 0, let last = Self.lastByte(path), last != 0x0A {
      try write(Array("\n".utf8))
    }
  }

  deinit { _ = system.close(fd) }

  /// The annotator's Ed25519 private key (raw 32 bytes): when set, every record is signed.
  public var signingKey: [UInt8]?

  /// Appends one record and fsyncs. Returns the offset its line starts at. Under the lock, the record gets
  /// `prev`, the hash of the log's last record line (whoever wrote it), and its signature when a key is set.
  @discardableResult
  public func append(_ record: LabelRecord) throws(SystemError) -> Int64 {
    guard system.flock(fd, LOCK_EX) == 0 else { throw SystemError("cannot lock label log", path: path, code: errno) }
    defer { _ = system.flock(fd, LOCK_UN) }
    var record = record
    record.sig = nil
    record.prev = Self.lastRecordLine(path).map { LogChain.hash($0) } ?? LogChain.genesis
    var line = Array(record.jsonLine.utf8)
    if let signingKey {
      do {
        line = LogChain.signed(line, signature: try LogChain.signature(of: line, privateKey: signingKey))
      } catch {
        throw SystemError("cannot sign the record: \(error)", path: path, code: 0)
      }
    }
    line.append(0x0A)
    return try writeLocked(line)
  }

  /// Appends record lines exactly as given (merging another machine's records: their bytes are what their
  /// chain and signatures cover), fsync'd once.
  public func appendRaw(_ lines: [[UInt8]]) throws(SystemError) {
    guard !lines.isEmpty else { return }
    try write(Array(lines.map { $0 + [0x0A] }.joined()))
  }

  @discardableResult
  private func write(_ bytes: [UInt8]) throws(SystemError) -> Int64 {
    guard system.flock(fd, LOCK_EX) == 0 else { throw SystemError("cannot lock label log", path: path, code: errno) }
    defer { _ = system.flock(fd, LOCK_UN) }
    return try writeLocked(bytes)
  }

  private func writeLocked(_ bytes: [UInt8]) throws(SystemError) -> Int64 {
    // Another process may have appended since we last looked: our line starts at the current end.
    let start = Files.size(path) ?? endOffset
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { raw in
        system.write(fd, UnsafeRawBufferPointer(rebasing: raw[written...]))
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemError("cannot write label log", path: path, code: errno)
      }
      written += n
    }
    guard system.fsync(fd) == 0 else { throw SystemError("cannot fsync label log", path: path, code: errno) }
    endOffset = start + Int64(bytes.count)
    return start
  }

  /// The last line of the log that is a record (complete, JSON, with an id), read backwards from the end;
  /// nil for a log with none.
  static func lastRecordLine(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var end = Int64(lseek(fd, 0, SEEK_END))
    var tail: [UInt8] = []  // bytes from `end` to the end of the part read
    let chunk = 1 << 14
    var lines: [[UInt8]] = []
    while end > 0 || !tail.isEmpty {
      // Split what is read into lines, last first; the first (partial) line waits for more bytes.
      if let newline = tail.lastIndex(of: 0x0A) {
        let line = Array(tail[(newline + 1)...])
        tail.removeSubrange(newline...)
        lines.append(line)
      } else if end == 0 {
        lines.append(tail)
        tail = []
      } else {
        let start = max(0, end - Int64(chunk))
        var buffer = [UInt8](repeating: 0, count: Int(end - start))
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard n == buffer.count else { return nil }
        tail = buffer + tail
        end = start
        continue
      }
      while let line = lines.popLast() {
        guard !line.isEmpty else { continue }
        var body = line
        if body.last == 0x0D { body.removeLast() }
        // A line counts as the chain's last only if it is a record, as `tally verify` reads records.
        if (try? JSONParser.parse(body)).flatMap({ try? LabelRecord(json: $0) }) != nil { return body }
      }
    }
    return nil
  }

  static func lastByte(_ path: String) -> UInt8? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let size = lseek(fd, 0, SEEK_END)
    guard size > 0 else { return nil }
    var byte: UInt8 = 0
    return pread(fd, &byte, 1, size - 1) == 1 ? byte : nil
  }
}

/// Reads label logs back. Every complete record is kept; a torn or unparsable line is reported and skipped.
public enum LabelLogReader {
  /// The log file of `annotator` in a project's label folder.
  public static func path(labelsFolder: String, annotator: String) -> String {
    Path.join(labelsFolder, safeFileName(annotator) + ".jsonl")
  }

  /// The annotator a file name (made by `safeFileName`) stands for.
  public static func annotator(fromFileName name: String) -> String {
    var bytes: [UInt8] = []
    var utf8 = Array(name.utf8)[...]
    while let b = utf8.first {
      if b == 0x25, utf8.count >= 3,
        let v = UInt8(String(decoding: utf8.dropFirst().prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(v)
        utf8 = utf8.dropFirst(3)
      } else {
        bytes.append(b)
        utf8 = utf8.dropFirst()
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// A file name for an annotator: letters, digits, `_` and `-` kept, everything else (and a leading `.`)
  /// percent-encoded, so two different names never share a file.
  public static func safeFileName(_ annotator: String) -> String {
    var name = ""
    for (i, scalar) in annotator.unicodeScalars.enumerated() {
      let keep =
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
        || (scalar == "." && i > 0)
      if keep {
        name.unicodeScalars.append(scalar)
      } else {
        for byte in String(scalar).utf8 {
          let hex = String(byte, radix: 16, uppercase: true)
          name += "%" + (byte < 16 ? "0" + hex : hex)
        }
      }
    }
    return name.isEmpty ? "%" : name
  }

  /// Indexes one annotator's log quickly: per task, the offset and type of its latest record. A line counts
  /// only if it has every field a record needs (so the index and the export agree); records of another
  /// annotator in the file are ignored.
  public static func index(path: String, annotator: String? = nil) throws(SystemError) -> LogIndex {
    try index(paths: [path], annotator: annotator)
  }

  /// Indexes several logs of one annotator (their devices' logs) as one: the current-answer rule across them,
  /// entries located by `LogLocation` (log index, offset), problems prefixed with the log they are in.
  public static func index(paths: [String], annotator: String? = nil) throws(SystemError) -> LogIndex {
    var result = LogIndex()
    // One record is about 300 bytes: reserve once instead of rehashing as the table grows.
    let size = paths.reduce(Int64(0)) { $0 + (Files.size($1) ?? 0) }
    if size > 0 { result.latest.reserveCapacity(Int(size / 250)) }
    let keys = [
      "type", "task", "event", "guidelines_version", "id", "annotator", "submitted_at", "gold", "phase", "details",
      "supersedes",
    ]
    // Tasks with more than one record: every version, resolved at the end (one record per task, the usual
    // case, needs no more than its offset).
    var versions: [TaskKey: [(version: RecordVersion, entry: LogEntry)]] = [:]
    var recent: [(time: Double, location: Int64)] = []
    let fieldKeys = JSONKeys(keys)
    for (log, path) in paths.enumerated() {
      let reader = open(path, O_RDONLY | O_CLOEXEC)
      defer { if reader >= 0 { close(reader) } }
      let shown = paths.count > 1 ? Path.display(path) + ": " : ""
      try forEachLine(path: path) { fileOffset, lineNumber, line, complete in
        let offset = LogLocation.pack(log: log, offset: fileOffset)
        // The fields are read in place (no String per field): a million-record log is the resume's cost.
        let read: Bool? = try? JSONParser.withFieldViews(fieldKeys, in: line) { values -> Bool in
          func text(_ i: Int) -> String? { values[i].bytes.map { String(decoding: $0, as: UTF8.self) } }
          func equals(_ i: Int, _ word: StaticString) -> Bool {
            guard let bytes = values[i].bytes, bytes.count == word.utf8CodeUnitCount, let base = bytes.baseAddress
            else { return false }
            return memcmp(base, word.utf8Start, bytes.count) == 0
          }
          let type: RecordType
          if equals(0, "answer") {
            type = .answer
          } else if equals(0, "skip") {
            type = .skip
          } else if equals(0, "event") {
            type = .event
          } else if equals(0, "review") {
            type = .review
          } else {
            return false
          }
          guard values[4].bytes != nil, let owner = values[5].bytes, let submitted = values[6].bytes else {
            result.problems.append(
              DataProblem(line: lineNumber, reason: shown + "record without id, annotator or submitted_at skipped"))
            return true
          }
          if let annotator, !owner.elementsEqual(annotator.utf8) { return true }
          result.records += 1
          switch type {
          case .review:
            return true  // a reviewer's decision: not this log's labels (sent-back tasks are read from the store)
          case .answer, .skip:
            guard let task = text(1) else {
              result.problems.append(DataProblem(line: lineNumber, reason: shown + "record without a task skipped"))
              return true
            }
            if case .absent = values[8] {} else { return true }  // training or exam: not a label
            var gold = false
            if case .value(.bool(true)) = values[7] { gold = true }
            let key = TaskKey(task, gold: gold)
            let entry = LogEntry(offset: offset, type: type)
            let time = Timestamp.parse(bytes: submitted) ?? 0
            if let earlier = result.latest.updateValue(entry, forKey: key) {
              let version = RecordVersion(id: text(4) ?? "", supersedes: text(10), submittedAt: time)
              if versions[key] == nil, let first = try? Self.record(paths: paths, location: earlier.offset) {
                versions[key] = [(first.version, earlier)]
              }
              versions[key, default: []].append((version, entry))
            }
            if type == .answer {
              recent.append((time, offset))
              if recent.count >= 2 * LogIndex.recentLimit {
                recent.sort { $0.time < $1.time }
                recent.removeFirst(recent.count - LogIndex.recentLimit)
              }
            }
          case .event:
            let event = text(2)
            let details = values[9].jsonValue?.objectValue
            if event == "guidelines_opened", let version = text(3) {
              result.guidelinesOpened.insert(version)
            } else if event == "slow_down_pause" || event == "gold_threshold_pause",
              let seconds = details?["seconds"]?.doubleValue, let at = Timestamp.parse(bytes: submitted), let event
            {
              result.lastPause = (event, at + seconds)
            } else if event == "exam_result", let details, details["passed"]?.boolValue == true,
              let version = details["exam_version"]?.stringValue
            {
              result.examsPassed.insert(version)
            }
          }
          return true
        }
        if read != true {
          let what = complete ? "unreadable record skipped" : "torn last line skipped (the write was cut off)"
          result.problems.append(DataProblem(line: lineNumber, reason: shown + what))
        }
      }
    }
    // The latest answers across the logs, oldest first (by time: the logs of two devices interleave).
    recent.sort { $0.time < $1.time }
    result.recentAnswers = recent.suffix(LogIndex.recentLimit).map(\.location)
    for (key, list) in versions {
      let (current, concurrent) = CurrentAnswer.resolve(list.map(\.version))
      result.latest[key] = list[current].entry
      if !concurrent.isEmpty {
        result.conflicts.append(
          AnswerConflict(
            task: key, annotator: annotator ?? "", recordIDs: ([current] + concurrent).map { list[$0].version.id }))
      }
    }
    return result
  }

  /// Reads the record at a `LogLocation` among `paths`.
  public static func record(paths: [String], location: Int64) throws -> LabelRecord {
    let (log, offset) = LogLocation.unpack(location)
    guard log < paths.count else { throw SystemError("no such log", path: "", code: 0) }
    return try record(path: paths[log], offset: offset)
  }

  /// Reads the records at `locations` among `paths`; records that cannot be read are left out.
  public static func records(paths: [String], locations: [Int64]) -> [LabelRecord] {
    locations.compactMap { try? record(paths: paths, location: $0) }
  }

  /// Reads the record whose line starts at `offset`.
  public static func record(path: String, offset: Int64) throws -> LabelRecord {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError("cannot open label log", path: path, code: errno) }
    defer { close(fd) }
    return try record(fd: fd, path: path, offset: offset)
  }

  /// Reads the records at `offsets` with one open file; records that cannot be read are left out.
  public static func records(path: String, offsets: [Int64]) -> [LabelRecord] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    return offsets.compactMap { try? record(fd: fd, path: path, offset: $0) }
  }

  static func record(fd: Int32, path: String, offset: Int64) throws -> LabelRecord {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    var position = offset
    while true {
      let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemError("cannot read label log", path: path, code: errno)
      }
      if n == 0 { break }
      if let newline = chunk[0..<n].firstIndex(of: 0x0A) {
        bytes.append(contentsOf: chunk[0..<newline])
        break
      }
      bytes.append(contentsOf: chunk[0..<n])
      position += Int64(n)
    }
    let json = try JSONParser.parse(bytes)
    return try LabelRecord(json: json)
  }

  /// Reads every record of a log, in file order, with the lines that could not be read.
  public static func readAll(path: String) throws(SystemError) -> (records: [LabelRecord], problems: [DataProblem]) {
    let (numbered, problems) = try readNumbered(path: path)
    return (numbered.map(\.record), problems)
  }

  /// Every record of a log with its 1-based line number, in file order, and the lines that could not be read.
  public static func readNumbered(
    path: String
  ) throws(SystemError) -> (records: [(line: Int, record: LabelRecord)], problems: [DataProblem]) {
    var records: [(line: Int, record: LabelRecord)] = []
    var problems: [DataProblem] = []
    try forEachLine(path: path) { _, lineNumber, line, complete in
      do {
        let json = try JSONParser.parse(line)
        records.append((lineNumber, try LabelRecord(json: json)))
      } catch let error as RecordError {
        problems.append(DataProblem(line: lineNumber, reason: "invalid record skipped: \(error)"))
      } catch {
        let what = complete ? "unreadable record skipped: \(error)" : "torn last line skipped (the write was cut off)"
        problems.append(DataProblem(line: lineNumber, reason: what))
      }
    }
    return (records, problems)
  }

  /// Calls `body` with each non-blank line (without its newline), its byte offset and 1-based number;
  /// `complete` is false for a last line that has no newline.
  static func forEachLine(
    path: String, _ body: (Int64, Int, UnsafeRawBufferPointer, Bool) -> Void
  ) throws(SystemError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT { return }
      throw SystemError("cannot open label log", path: path, code: errno)
    }
    defer { close(fd) }
    let capacity = 1 << 20
    var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
    defer { buffer.deallocate() }
    var filled = 0  // bytes in buffer
    var bufferOffset: Int64 = 0  // file offset of buffer[0]
    var lineNumber = 1
    var eof = false
    while !eof {
      if filled == buffer.count {
        // A line longer than the buffer: grow it.
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
        bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
        buffer.deallocate()
        buffer = bigger
      }
      let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemError("cannot read label log", path: path, code: errno)
      }
      if n == 0 { eof = true } else { filled += n }
      var start = 0
      let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
      while start < filled {
        guard let hit = memchr(base + start, 0x0A, filled - start) else { break }
        let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        var lineEnd = end
        if lineEnd > start, base[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        if lineEnd > start {
          body(
            bufferOffset + Int64(start), lineNumber,
            UnsafeRawBufferPointer(start: base + start, count: lineEnd - start), true)
        }
        lineNumber += 1
        start = end + 1
      }
      if eof {
        if start < filled {
          body(
            bufferOffset + Int64(start), lineNumber, UnsafeRawBufferPointer(start: base + start, count: filled - start),
            false)
        }
        break
      }
      // Keep the partial line at the front.
      if start > 0 {
        let rest = filled - start
        if rest > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, rest) }
        filled = rest
        bufferOffset += Int64(start)
      }
    }
  }
}
