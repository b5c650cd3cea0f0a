import Dispatch
import Synchronization
import TallyCore
import TallyJSON

#if canImport(Glibc)
  import Glibc
#endif

/// A record id, compact: a canonical UUID as 128 bits (ordered as its text is), anything else by its index in
/// the store's table of other ids.
public enum RecordID: Sendable, Hashable {
  case uuid(UInt64, UInt64)
  case other(Int32)

  /// Parses a canonical lowercase UUID (`8-4-4-4-12` hex digits).
  static func uuid(_ text: String) -> RecordID? {
    var text = text
    return text.withUTF8 { uuid(bytes: UnsafeRawBufferPointer($0)) }
  }

  /// Parses a canonical lowercase UUID from UTF-8 bytes.
  static func uuid(bytes: UnsafeRawBufferPointer) -> RecordID? {
    guard bytes.count == 36, bytes[8] == 45, bytes[13] == 45, bytes[18] == 45, bytes[23] == 45 else { return nil }
    var hi: UInt64 = 0
    var lo: UInt64 = 0
    var digits = 0
    for (i, b) in bytes.enumerated() where i != 8 && i != 13 && i != 18 && i != 23 {
      let v: UInt64
      switch b {
      case 48...57: v = UInt64(b - 48)
      case 97...102: v = UInt64(b - 87)
      default: return nil
      }
      if digits < 16 { hi = hi << 4 | v } else { lo = lo << 4 | v }
      digits += 1
    }
    return .uuid(hi, lo)
  }
}

/// Every label log of a project, read once with the current-answer rule applied: per task every annotator's
/// current record, per annotator all their records, and the conflicts found. Export, the quality report,
/// aggregation, agreement and review read labels through it, so they all agree on what an annotator's answer is.
///
/// Reading is lazy, as the resume is: one pass per log (logs in parallel) validates every line but keeps only
/// what the rule and the indexes need (id, type, task, annotator, time, supersedes, gold, phase and where the
/// line is); whole records, or some of their fields, are read back by offset when asked for.
public struct LabelStore: Sendable {
  /// What the store keeps of each record.
  public struct Entry: Sendable {
    public var log: Int32
    public var type: RecordType
    public var gold: Bool
    /// Training or exam (not labels).
    public var phase: Phase?
    /// Task code (into `tasks`), -1 for events.
    public var task: Int32
    /// Annotator code (into `annotators`).
    public var annotator: Int32
    public var line: Int32
    public var offset: Int64
    public var submittedAt: Double
    public var id: RecordID
    public var supersedes: RecordID?
  }

  /// The log paths read, in name order.
  public private(set) var logs: [String] = []
  /// Every record, logs in order, lines in file order.
  public private(set) var entries: [Entry] = []
  /// The tasks named by records (gold tasks apart), by code.
  public private(set) var tasks: [TaskKey] = []
  /// The annotators named by records, by code.
  public private(set) var annotatorNames: [String] = []
  /// Ids that are not canonical UUIDs, by index.
  private var otherIDs: [String] = []
  /// Indices into `entries` of the current answer or skip of every (task, annotator), labeling only (no
  /// training or exam answers, no events), in the order of `entries`.
  public private(set) var current: [Int] = []
  /// Two or more current answers of one annotator to one task.
  public private(set) var conflicts: [AnswerConflict] = []
  /// Lines that could not be read (every complete record is kept).
  public private(set) var problems: [Diagnostic] = []

  /// Reads every log of the project.
  public static func load(project: Project) throws(SystemError) -> LabelStore {
    try LabelStore(paths: project.logPaths().sorted())
  }

  /// Reads the logs at `paths`.
  public init(paths: [String]) throws(SystemError) {
    let scans = Mutex([LogScan?](repeating: nil, count: paths.count))
    let failures = Mutex<SystemError?>(nil)
    DispatchQueue.concurrentPerform(iterations: paths.count) { i in
      do throws(SystemError) {
        let scan = try LogScan(path: paths[i])
        scans.withLock { $0[i] = scan }
      } catch {
        failures.withLock { $0 = error }
      }
    }
    if let failure = failures.withLock({ $0 }) { throw failure }
    self.init(logs: paths, scans: scans.withLock { $0.compactMap { $0 } })
  }

  /// A store over records already in memory (tests, imports), written to no file: `record(_:)` gives them back.
  public init(logs given: [(path: String, records: [(line: Int, record: LabelRecord)])], problems: [Diagnostic] = []) {
    var scans: [LogScan] = []
    for (path, records) in given {
      var scan = LogScan(memory: path)
      for (line, record) in records { scan.add(record, line: line, offset: -1) }
      scan.held = records.map(\.record)
      scans.append(scan)
    }
    self.init(logs: given.map(\.path), scans: scans)
    self.problems = problems + self.problems
  }

  /// Records held in memory (the in-memory initialiser), per log.
  private var held: [[LabelRecord]] = []

  private init(logs: [String], scans: [LogScan]) {
    self.logs = logs
    // The logs' own codes, mapped to the store's through interners over the bytes (no String hashing; a
    // million records name a million tasks).
    let total = scans.reduce(0) { $0 + $1.rows.count }
    var dataNames = ByteInterner(capacity: total)
    var goldNames = ByteInterner()
    var annotatorCodes = ByteInterner()
    var otherCodes = ByteInterner()
    let dataMaps = scans.map { dataNames.codes(of: $0.dataTasks) }
    let goldMaps = scans.map { goldNames.codes(of: $0.goldTasks) }
    tasks = dataNames.names.map { TaskKey($0, gold: false) } + goldNames.names.map { TaskKey($0, gold: true) }
    let goldOffset = Int32(dataNames.count)
    entries.reserveCapacity(total)
    for (log, scan) in scans.enumerated() {
      problems += scan.problems
      held.append(scan.held)
      let annotatorMap = annotatorCodes.codes(of: scan.annotators)
      let otherMap = otherCodes.codes(of: scan.otherIDs)
      func mapped(_ id: RecordID) -> RecordID {
        if case .other(let local) = id { return .other(otherMap[Int(local)]) }
        return id
      }
      let (dataMap, goldMap) = (dataMaps[log], goldMaps[log])
      for row in scan.rows {
        let task = row.task < 0 ? -1 : row.gold ? goldOffset + goldMap[Int(row.task)] : dataMap[Int(row.task)]
        entries.append(
          Entry(
            log: Int32(log), type: row.type, gold: row.gold, phase: row.phase, task: task,
            annotator: annotatorMap[Int(row.annotator)], line: row.line, offset: row.offset,
            submittedAt: row.submittedAt, id: mapped(row.id), supersedes: row.supersedes.map(mapped)))
      }
    }
    annotatorNames = annotatorCodes.names
    otherIDs = otherCodes.names
    resolve()
  }

  /// The current-answer rule over every (task, annotator).
  private mutating func resolve() {
    // Each (task, annotator) to its first record, in an open-addressing table; the few keys with more than one
    // record (edits, conflicts) collect their members apart.
    var table = KeyTable(capacity: entries.count)
    var more: [Int: [Int32]] = [:]
    var firsts: [Int32] = []
    firsts.reserveCapacity(entries.count)
    for (i, entry) in entries.enumerated()
    where (entry.type == .answer || entry.type == .skip) && entry.phase == nil && entry.task >= 0 {
      let key = UInt64(UInt32(bitPattern: entry.task)) << 32 | UInt64(UInt32(bitPattern: entry.annotator))
      let group = table.group(of: key, next: Int32(firsts.count))
      if group == Int32(firsts.count) {
        firsts.append(Int32(i))
      } else {
        more[Int(group), default: [firsts[Int(group)]]].append(Int32(i))
      }
    }
    var winners: [Int] = []
    winners.reserveCapacity(firsts.count)
    for (group, i) in firsts.enumerated() where more[group] == nil { winners.append(Int(i)) }
    for (_, members) in more {
      let versions = members.map { m -> RecordVersion in
        let entry = entries[Int(m)]
        return RecordVersion(
          id: idString(entry.id), supersedes: entry.supersedes.map(idString), submittedAt: entry.submittedAt)
      }
      let (winner, concurrent) = CurrentAnswer.resolve(versions)
      winners.append(Int(members[winner]))
      if !concurrent.isEmpty {
        let entry = entries[Int(members[winner])]
        conflicts.append(
          AnswerConflict(
            task: tasks[Int(entry.task)], annotator: annotatorNames[Int(entry.annotator)],
            recordIDs: ([winner] + concurrent).map { versions[$0].id }))
      }
    }
    winners.sort()
    current = winners
    conflicts.sort { ($0.task, $0.annotator) < ($1.task, $1.annotator) }
  }

  /// A record id as text.
  public func idString(_ id: RecordID) -> String {
    switch id {
    case .other(let i): return otherIDs[Int(i)]
    case .uuid(let hi, let lo):
      let digits: StaticString = "0123456789abcdef"
      return String(unsafeUninitializedCapacity: 36) { out in
        var n = 0
        for (word, range) in [(hi, 0..<16), (lo, 16..<32)] {
          for d in range {
            if d == 8 || d == 12 || d == 16 || d == 20 {
              out[n] = 0x2D
              n += 1
            }
            let nibble = Int((word >> (4 * UInt64(15 - (d - range.lowerBound)))) & 0xF)
            out[n] = digits.utf8Start[nibble]
            n += 1
          }
        }
        return n
      }
    }
  }

  /// How many records were read.
  public var count: Int { entries.count }

  /// Where record `i` was read.
  public func place(_ i: Int) -> RecordPlace {
    RecordPlace(file: logs[Int(entries[i].log)], line: Int(entries[i].line))
  }

  /// Where the record with this id was read.
  public func place(ofRecord id: String) -> RecordPlace? {
    let wanted = RecordID.uuid(id) ?? otherIDs.firstIndex(of: id).map { .other(Int32($0)) }
    guard let wanted, let i = entries.firstIndex(where: { $0.id == wanted }) else { return nil }
    return place(i)
  }

  /// The annotator of record `i`.
  public func annotator(_ i: Int) -> String { annotatorNames[Int(entries[i].annotator)] }

  /// The task of record `i` (nil for events).
  public func task(_ i: Int) -> TaskKey? { entries[i].task >= 0 ? tasks[Int(entries[i].task)] : nil }

  /// Records in full, read back from their logs (in the order asked; nil for a line that no longer reads).
  public func records(_ indices: [Int]) -> [LabelRecord?] {
    lines(indices) { bytes in (try? JSONParser.parse(bytes)).flatMap { try? LabelRecord(json: $0) } }
  }

  /// One record in full.
  public func record(_ i: Int) -> LabelRecord? { records([i])[0] }

  /// Some top-level fields of records, read back from their logs without building the rest.
  public func fields(_ keys: [String], of indices: [Int]) -> [[JSONValue?]?] {
    lines(indices) { bytes in try? JSONParser.fields(keys, in: bytes) }
  }

  /// Reads the records of `indices` through `read` (given each record's store index and line), logs in
  /// parallel: for readers that build their own values straight from the bytes, without the intermediate fields.
  public func map<T: Sendable>(_ indices: [Int], _ read: @escaping @Sendable (Int, UnsafeRawBufferPointer) -> T?)
    -> [T?]
  {
    lines(indices, read)
  }

  private func lines<T: Sendable>(_ indices: [Int], _ read: @escaping @Sendable (UnsafeRawBufferPointer) -> T?) -> [T?]
  {
    lines(indices) { _, bytes in read(bytes) }
  }

  /// Reads the lines of `indices` (grouped by log, in offset order, with one open file per log) through `read`.
  private func lines<T: Sendable>(_ indices: [Int], _ read: @escaping @Sendable (Int, UnsafeRawBufferPointer) -> T?)
    -> [T?]
  {
    var byLog: [Int32: [(slot: Int, entry: Int)]] = [:]
    for (slot, i) in indices.enumerated() { byLog[entries[i].log, default: []].append((slot, i)) }
    let groups = byLog.map { ($0.key, $0.value) }
    let results = Mutex([(slot: Int, value: T?)]())
    let store = self
    // Logs in parallel; a log most of whose records are wanted is read whole, once, instead of line by line.
    DispatchQueue.concurrentPerform(iterations: groups.count) { g in
      let (log, wanted) = groups[g]
      let found = store.readLines(log: log, wanted: wanted, read)
      results.withLock { $0 += found }
    }
    var result = [T?](repeating: nil, count: indices.count)
    for (slot, value) in results.withLock({ $0 }) { result[slot] = value }
    return result
  }

  private func readLines<T>(
    log: Int32, wanted: [(slot: Int, entry: Int)], _ read: (Int, UnsafeRawBufferPointer) -> T?
  ) -> [(slot: Int, value: T?)] {
    var found: [(slot: Int, value: T?)] = []
    found.reserveCapacity(wanted.count)
    if !held[Int(log)].isEmpty {
      // In memory: offsets are positions in the held records.
      let records = held[Int(log)]
      var positions: [Int: Int] = [:]
      var seen = 0
      for (n, entry) in entries.enumerated() where entry.log == log {
        positions[n] = seen
        seen += 1
      }
      for (slot, i) in wanted {
        guard let p = positions[i] else { continue }
        found.append((slot, Array(records[p].jsonLine.utf8).withUnsafeBytes { read(i, $0) }))
      }
      return found
    }
    let path = logs[Int(log)]
    if wanted.count > 256, let bytes = try? Files.readBytes(path) {
      bytes.withUnsafeBytes { all in
        for (slot, i) in wanted {
          let start = Int(entries[i].offset)
          guard start >= 0, start < all.count, let base = all.baseAddress else { continue }
          let end =
            memchr(base + start, 0x0A, all.count - start).map { base.distance(to: UnsafeRawPointer($0)) } ?? all.count
          found.append((slot, read(i, UnsafeRawBufferPointer(rebasing: all[start..<end]))))
        }
      }
      return found
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return found }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    for (slot, i) in wanted.sorted(by: { entries[$0.entry].offset < entries[$1.entry].offset }) {
      guard let bytes = LabelStore.line(fd: fd, at: entries[i].offset, buffer: &buffer) else { continue }
      found.append((slot, bytes.withUnsafeBytes { read(i, $0) }))
    }
    return found
  }

  /// The line starting at `offset` (without its newline).
  static func line(fd: Int32, at offset: Int64, buffer: inout [UInt8]) -> [UInt8]? {
    var bytes: [UInt8] = []
    var position = offset
    while true {
      let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      if let newline = buffer[0..<n].firstIndex(of: 0x0A) {
        bytes.append(contentsOf: buffer[0..<newline])
        return bytes
      }
      bytes.append(contentsOf: buffer[0..<n])
      position += Int64(n)
    }
    return bytes.isEmpty ? nil : bytes
  }

  /// The current answers and skips in full, gold ones only when asked for.
  public func currentRecords(includeGold: Bool = false) -> [LabelRecord] {
    records(current.filter { includeGold || !entries[$0].gold }).compactMap { $0 }
  }

  /// The current records grouped by task code, gold left out, each task's in the store's order: task code `t`'s
  /// are `records[start[t]..<start[t + 1]]`. Counted, then placed: no dictionary of arrays, for a million records.
  public func currentByTaskCode() -> (start: [Int32], records: [Int]) {
    var start = [Int32](repeating: 0, count: tasks.count + 1)
    for i in current where entries[i].task >= 0 && !entries[i].gold { start[Int(entries[i].task) + 1] += 1 }
    for t in tasks.indices { start[t + 1] += start[t] }
    var records = [Int](repeating: 0, count: Int(start[tasks.count]))
    var fill = start
    for i in current where entries[i].task >= 0 && !entries[i].gold {
      let t = Int(entries[i].task)
      records[Int(fill[t])] = i
      fill[t] += 1
    }
    return (start, records)
  }

  /// Per task, the indices of its annotators' current records.
  public func currentByTask(includeGold: Bool = false) -> [TaskKey: [Int]] {
    var result: [TaskKey: [Int]] = [:]
    for i in current where includeGold || !entries[i].gold {
      result[tasks[Int(entries[i].task)], default: []].append(i)
    }
    return result
  }

  /// Per task, the indices of its reviews, oldest first (by `submitted_at`, then id): the last one stands;
  /// the others are kept (two reviewers who decided differently show in the audit figures).
  public func reviewsByTask() -> [TaskKey: [Int]] {
    var result: [TaskKey: [Int]] = [:]
    for (i, entry) in entries.enumerated() where entry.type == .review && entry.task >= 0 {
      result[tasks[Int(entry.task)], default: []].append(i)
    }
    for (key, list) in result {
      result[key] = list.sorted { a, b in
        let (x, y) = (entries[a], entries[b])
        return (x.submittedAt, idString(x.id)) < (y.submittedAt, idString(y.id))
      }
    }
    return result
  }

  /// Every annotator who wrote a record, sorted.
  public var annotators: [String] { annotatorNames.sorted() }

  /// The indices of an annotator's records, in read order.
  public func recordIndices(of annotator: String) -> [Int] {
    guard let code = annotatorNames.firstIndex(of: annotator) else { return [] }
    return entries.indices.filter { entries[$0].annotator == Int32(code) }
  }

  /// The records of each log in full, in file order (the quality report walks them so).
  public var recordsByLog: [(path: String, records: [LabelRecord])] {
    let all = records(Array(entries.indices))
    var result: [(path: String, records: [LabelRecord])] = logs.map { ($0, []) }
    for (i, record) in all.enumerated() {
      if let record { result[Int(entries[i].log)].records.append(record) }
    }
    return result
  }
}

/// Keys (a task and an annotator code) to small group numbers: open addressing with a multiplicative hash,
/// which a million keys fill in a few milliseconds where a `Dictionary` spends most of its time hashing.
struct KeyTable {
  private var keys: [UInt64]
  private var groups: [Int32]
  private var mask: Int

  init(capacity: Int) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    keys = [UInt64](repeating: 0, count: size)
    groups = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  /// The group of `key`, or `next` (recorded as its group) if the key is new. The table never needs to grow:
  /// it was sized for every key at once.
  mutating func group(of key: UInt64, next: Int32) -> Int32 {
    var h = key &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 32
    var slot = Int(truncatingIfNeeded: h) & mask
    while true {
      let g = groups[slot]
      if g < 0 {
        keys[slot] = key
        groups[slot] = next
        return next
      }
      if keys[slot] == key { return g }
      slot = (slot + 1) & mask
    }
  }
}

/// One log read with validated fields only.
struct LogScan: Sendable {
  struct Row: Sendable {
    var type: RecordType
    var gold: Bool
    var phase: Phase?
    /// Code into `dataTasks` or `goldTasks` (by `gold`), -1 for events.
    var task: Int32
    var annotator: Int32
    var line: Int32
    var offset: Int64
    var submittedAt: Double
    /// `.other` codes index this scan's `otherIDs`.
    var id: RecordID
    var supersedes: RecordID?
  }

  let path: String
  var rows: [Row] = []
  /// Task names (data and gold apart) and annotator names, coded in the order seen.
  var dataTasks = ByteInterner()
  var goldTasks = ByteInterner()
  var annotators = ByteInterner()
  /// Ids that are not canonical UUIDs, coded in the order seen.
  var otherIDs = ByteInterner()
  var problems: [Diagnostic] = []
  /// Records given in memory instead of a file.
  var held: [LabelRecord] = []

  init(memory path: String) { self.path = path }

  static let keys = JSONKeys(["type", "task", "id", "annotator", "submitted_at", "supersedes", "gold", "phase"])
  private static let types: [(bytes: [UInt8], type: RecordType)] = [
    (Array("answer".utf8), .answer), (Array("skip".utf8), .skip), (Array("event".utf8), .event),
    (Array("review".utf8), .review),
  ]
  private static let phases: [(bytes: [UInt8], phase: Phase)] = [
    (Array("training".utf8), .training), (Array("exam".utf8), .exam),
  ]

  private static func type(_ bytes: UnsafeRawBufferPointer?) -> RecordType? {
    guard let bytes else { return nil }
    for entry in types where entry.bytes.count == bytes.count && entry.bytes.elementsEqual(bytes) { return entry.type }
    return nil
  }

  private static func phase(_ bytes: UnsafeRawBufferPointer?) -> Phase? {
    guard let bytes, bytes.count > 0 else { return nil }
    for entry in phases where entry.bytes.count == bytes.count && entry.bytes.elementsEqual(bytes) {
      return entry.phase
    }
    return nil
  }

  /// What one line says, or the problem with it.
  private enum Outcome {
    case row(Row)
    case problem(String)
  }

  init(path: String) throws(SystemError) {
    var scan = LogScan(memory: path)
    scan.dataTasks = ByteInterner(capacity: 1 << 12)
    let shown = Path.display(path)
    try LabelLogReader.forEachLine(path: path) { offset, lineNumber, line, complete in
      let outcome = try? JSONParser.withFieldViews(LogScan.keys, in: line) { values -> Outcome in
        scan.row(values, line: lineNumber, offset: offset)
      }
      switch outcome {
      case .row(let row): scan.rows.append(row)
      case .problem(let what): scan.problems.append(Diagnostic(.warning, file: shown, line: lineNumber, what))
      case nil:
        let what = complete ? "unreadable record skipped" : "torn last line skipped (the write was cut off)"
        scan.problems.append(Diagnostic(.warning, file: shown, line: lineNumber, what))
      }
    }
    self = scan
  }

  /// The row of one line's fields (in the order of `keys`).
  private mutating func row(_ values: UnsafeBufferPointer<JSONFieldView>, line: Int, offset: Int64) -> Outcome {
    guard let type = LogScan.type(values[0].bytes) else { return .problem("unreadable record skipped") }
    guard let idBytes = values[2].bytes, idBytes.count > 0, let annotatorBytes = values[3].bytes,
      let submitted = values[4].bytes.flatMap(Timestamp.parse(bytes:))
    else { return .problem("invalid record skipped: no id, annotator or submitted_at") }
    let taskBytes = values[1].bytes
    if type != .event && taskBytes == nil { return .problem("invalid record skipped: missing `task`") }
    var gold = false
    if case .value(.bool(true)) = values[6] { gold = true }
    var task: Int32 = -1
    if let taskBytes { task = gold ? goldTasks.code(taskBytes) : dataTasks.code(taskBytes) }
    return .row(
      Row(
        type: type, gold: gold, phase: LogScan.phase(values[7].bytes), task: task,
        annotator: annotators.code(annotatorBytes), line: Int32(line), offset: offset, submittedAt: submitted,
        id: id(idBytes), supersedes: values[5].bytes.map { id($0) }))
  }

  private mutating func id(_ bytes: UnsafeRawBufferPointer) -> RecordID {
    RecordID.uuid(bytes: bytes) ?? .other(otherIDs.code(bytes))
  }

  /// A record given in memory.
  mutating func add(_ record: LabelRecord, line: Int, offset: Int64) {
    func recordID(_ text: String) -> RecordID {
      var text = text
      return text.withUTF8 { bytes -> RecordID in self.id(UnsafeRawBufferPointer(bytes)) }
    }
    let id = recordID(record.id)
    let supersedes = record.supersedes.map(recordID)
    rows.append(
      Row(
        type: record.type, gold: record.gold, phase: record.phase,
        task: record.task.map { record.gold ? goldTasks.code($0) : dataTasks.code($0) } ?? -1,
        annotator: annotators.code(record.annotator), line: Int32(line), offset: offset,
        submittedAt: record.submittedAt, id: id, supersedes: supersedes))
  }
}
