import Dispatch
import Synchronization
import TallyCore
import TallyJSON
import TallyStats

#if canImport(Glibc)
  import Glibc
#endif

/// The field (JSONL) or column (CSV/TSV) names of a judgments file, each with the names also accepted.
public struct JudgmentFields: Sendable, Equatable {
  public var task = ["task"]
  public var annotator = ["annotator", "worker"]
  public var label = ["label"]
  public var left = ["left"]
  public var right = ["right"]
  public var winner = ["winner"]

  public init() {}
}

/// Categorical judgments with the names behind their codes. Label codes follow the Unicode code-point order of
/// the label names (so ties break to the label that sorts first, as crowd-kit's).
public struct CategoricalTable: Sendable {
  public var tasks: [String]
  public var annotators: [String]
  public var labels: [String]
  public var data: CategoricalJudgments
  /// Lines that could not be used, with their line numbers (skipped, never fatal).
  public var problems: [Diagnostic] = []

  public init(tasks: [String], annotators: [String], labels: [String], data: CategoricalJudgments) {
    self.tasks = tasks
    self.annotators = annotators
    self.labels = labels
    self.data = data
  }

  /// Builds a table from judgments given by name (the project path), coding labels in code-point order.
  public init(judgments: [(task: String, annotator: String, label: String)], labelOrder: [String]? = nil) {
    var tasks = ByteInterner()
    var annotators = ByteInterner()
    var labels = ByteInterner()
    var t: [Int32] = []
    var w: [Int32] = []
    var l: [Int32] = []
    for j in judgments {
      t.append(tasks.code(j.task))
      w.append(annotators.code(j.annotator))
      l.append(labels.code(j.label))
    }
    self.init(interned: tasks, annotators: annotators, labels: labels, t: t, w: w, l: l, labelOrder: labelOrder)
  }

  init(
    interned tasks: ByteInterner, annotators: ByteInterner, labels: ByteInterner, t: [Int32], w: [Int32], l: [Int32],
    labelOrder: [String]? = nil
  ) {
    let names = labels.names
    // Known labels in the given order first (a question's options), others after, in code-point order.
    let order = names.indices.sorted { a, b in
      let (ia, ib) = (labelOrder?.firstIndex(of: names[a]), labelOrder?.firstIndex(of: names[b]))
      switch (ia, ib) {
      case (let x?, let y?): return x < y
      case (.some, nil): return true
      case (nil, .some): return false
      default: return CodePointOrder.less(names[a], names[b])
      }
    }
    var remap = [Int32](repeating: 0, count: names.count)
    for (new, old) in order.enumerated() { remap[old] = Int32(new) }
    self.tasks = tasks.names
    self.annotators = annotators.names
    self.labels = order.map { names[$0] }
    data = CategoricalJudgments(
      taskCount: tasks.count, workerCount: annotators.count, classCount: names.count, tasks: t, workers: w,
      labels: l.map { remap[Int($0)] })
  }
}

/// Side-by-side judgments with the names of the items (systems) compared.
public struct ComparisonTable: Sendable {
  public var items: [String]
  public var annotators: [String]
  public var comparisons: [Comparison]
  public var problems: [Diagnostic] = []

  public init(items: [String], annotators: [String], comparisons: [Comparison]) {
    self.items = items
    self.annotators = annotators
    self.comparisons = comparisons
  }
}

/// Ordering strings by their Unicode code points (as Python and crowd-kit sort), not by Swift's canonical
/// ordering.
public enum CodePointOrder {
  public static func less(_ a: String, _ b: String) -> Bool {
    var x = a.unicodeScalars.makeIterator()
    var y = b.unicodeScalars.makeIterator()
    while true {
      switch (x.next(), y.next()) {
      case (nil, nil): return false
      case (nil, _): return true
      case (_, nil): return false
      case (let p?, let q?): if p != q { return p.value < q.value }
      }
    }
  }
}

/// Judgments files: crowd data made elsewhere (Toloka, MTurk, a spreadsheet), one judgment per line, JSONL or
/// CSV/TSV with a header. Bad lines are reported with their line number and skipped.
public enum JudgmentsFile {
  /// Categorical judgments: `task`, `annotator` (or `worker`), `label`.
  public static func readCategorical(path: String, fields: JudgmentFields = JudgmentFields()) throws(DataError)
    -> CategoricalTable
  {
    // Read in parts on every core (each with its own interners), then the parts' codes merged in file order,
    // so the codes are those one pass would give.
    struct Part: Sendable {
      var tasks = ByteInterner(capacity: 1 << 16)
      var annotators = ByteInterner()
      var labels = ByteInterner()
      var t: [Int32] = []
      var w: [Int32] = []
      var l: [Int32] = []
      var problems: [Diagnostic] = []
    }
    let shown = Path.display(path)
    let parts = try forEachRowInParts(
      path: path, wanted: [fields.task, fields.annotator, fields.label], state: Part()
    ) { part, line, values in
      guard let task = values[0], let annotator = values[1], let label = values[2], task.count > 0,
        annotator.count > 0, label.count > 0
      else {
        let missing = zip(["task", "annotator", "label"], values).filter { $0.1.map { $0.count == 0 } ?? true }.map(\.0)
        part.problems.append(
          Diagnostic(
            .warning, file: shown, line: line, "no \(missing.joined(separator: ", ")); line skipped",
            fix: "every line needs a task, an annotator and a label"))
        return
      }
      part.t.append(part.tasks.code(task))
      part.w.append(part.annotators.code(annotator))
      part.l.append(part.labels.code(label))
    } problem: { part, line, what in
      part.problems.append(Diagnostic(.warning, file: shown, line: line, what))
    }
    guard parts.count > 1 else {
      let only = parts.first ?? Part()
      var table = CategoricalTable(
        interned: only.tasks, annotators: only.annotators, labels: only.labels, t: only.t, w: only.w, l: only.l)
      table.problems = only.problems
      return table
    }
    var all = Part()
    all.tasks = ByteInterner(capacity: parts.reduce(0) { $0 + $1.tasks.count })
    let total = parts.reduce(0) { $0 + $1.t.count }
    all.t.reserveCapacity(total)
    all.w.reserveCapacity(total)
    all.l.reserveCapacity(total)
    for part in parts {
      let (tm, wm, lm) = (
        all.tasks.codes(of: part.tasks), all.annotators.codes(of: part.annotators),
        all.labels.codes(of: part.labels)
      )
      all.t += part.t.map { tm[Int($0)] }
      all.w += part.w.map { wm[Int($0)] }
      all.l += part.l.map { lm[Int($0)] }
      all.problems += part.problems
    }
    var table = CategoricalTable(
      interned: all.tasks, annotators: all.annotators, labels: all.labels, t: all.t, w: all.w, l: all.l)
    table.problems = all.problems
    return table
  }

  /// Comparisons: `left`, `right`, `winner` (`left`, `right`, `tie`, or the name of one of the two items), and
  /// the annotator when there is one.
  public static func readComparisons(path: String, fields: JudgmentFields = JudgmentFields()) throws(DataError)
    -> ComparisonTable
  {
    var items = ByteInterner()
    var annotators = ByteInterner()
    var comparisons: [Comparison] = []
    var problems: [Diagnostic] = []
    let shown = Path.display(path)
    try forEachRow(path: path, wanted: [fields.left, fields.right, fields.winner, fields.annotator]) { line, values in
      guard let left = values[0], let right = values[1], let winner = values[2], left.count > 0, right.count > 0 else {
        problems.append(
          Diagnostic(
            .warning, file: shown, line: line, "no left, right or winner; line skipped",
            fix: "every line needs `left`, `right` and `winner`"))
        return
      }
      let outcome: Comparison.Outcome
      if equal(winner, "left") || equal(winner, left) {
        outcome = .left
      } else if equal(winner, "right") || equal(winner, right) {
        outcome = .right
      } else if equal(winner, "tie") || equal(winner, "both_bad") {
        outcome = .tie
      } else {
        problems.append(
          Diagnostic(
            .warning, file: shown, line: line,
            "winner `\(String(decoding: winner, as: UTF8.self))` is neither side nor one of the two items; line skipped",
            fix: "use left, right, tie, or the name of the left or right item"))
        return
      }
      let judge = values[3].flatMap { $0.count > 0 ? annotators.code($0) : nil } ?? -1
      comparisons.append(Comparison(left: items.code(left), right: items.code(right), outcome: outcome, judge: judge))
    } problem: {
      problems.append(Diagnostic(.warning, file: shown, line: $0, $1))
    }
    var table = ComparisonTable(items: items.names, annotators: annotators.names, comparisons: comparisons)
    table.problems = problems
    return table
  }

  /// True when the file's first record has the comparison fields (`left`, `right`, `winner`).
  public static func holdsComparisons(path: String, fields: JudgmentFields = JudgmentFields()) -> Bool {
    var found = false
    try? forEachRow(path: path, wanted: [fields.left, fields.right, fields.winner], limit: 1) { _, values in
      found = values.allSatisfy { $0 != nil }
    } problem: { _, _ in
    }
    return found
  }

  /// Known truths: `task`, `label` per line, as codes of `table` (-1 where unknown or a label the table lacks).
  public static func readGold(path: String, for table: CategoricalTable, fields: JudgmentFields = JudgmentFields())
    throws(DataError) -> (gold: [Int32], problems: [Diagnostic])
  {
    var taskIndex: [String: Int] = [:]
    for (i, name) in table.tasks.enumerated() { taskIndex[name] = i }
    var labelIndex: [String: Int32] = [:]
    for (i, name) in table.labels.enumerated() { labelIndex[name] = Int32(i) }
    var gold = [Int32](repeating: -1, count: table.tasks.count)
    var problems: [Diagnostic] = []
    let shown = Path.display(path)
    try forEachRow(path: path, wanted: [fields.task, fields.label]) { line, values in
      guard let task = values[0].map({ String(decoding: $0, as: UTF8.self) }),
        let label = values[1].map({ String(decoding: $0, as: UTF8.self) })
      else {
        problems.append(Diagnostic(.warning, file: shown, line: line, "no task or label; line skipped"))
        return
      }
      guard let t = taskIndex[task] else { return }
      guard let code = labelIndex[label] else {
        problems.append(
          Diagnostic(.warning, file: shown, line: line, "label `\(label)` is not among the judgments' labels"))
        return
      }
      gold[t] = code
    } problem: {
      problems.append(Diagnostic(.warning, file: shown, line: $0, $1))
    }
    return (gold, problems)
  }

  static func equal(_ bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
    text.utf8.count == bytes.count && zip(text.utf8, bytes).allSatisfy { $0 == $1 }
  }

  static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
  }

  /// Calls `body` for each record with the bytes of each wanted field (nil where absent), trying each field's
  /// names in turn. JSONL by `fields`; CSV/TSV by the header's columns.
  static func forEachRow(
    path: String, wanted: [[String]], limit: Int = .max,
    _ body: (Int, [UnsafeRawBufferPointer?]) -> Void,
    problem: (Int, String) -> Void
  ) throws(DataError) {
    let bytes: [UInt8]
    do {
      // A few rows (a sniff of the format) need only the start of the file.
      bytes = try Files.readBytes(path, limit: limit < 100 ? 1 << 20 : .max)
    } catch {
      throw DataError(file: Path.display(path), "cannot read the judgments file: \(error)")
    }
    let lower = path.lowercased()
    if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") {
      try csvRows(
        bytes, delimiter: lower.hasSuffix(".tsv") ? 0x09 : 0x2C, path: path, wanted: wanted, limit: limit, body)
    } else {
      jsonlRows(bytes, wanted: wanted, limit: limit, body, problem: problem)
    }
  }

  /// `forEachRow` in parts read at once, each with its own state (given back in file order). A file is split
  /// only where a split cannot fall inside a record: JSONL at any line break, CSV/TSV only when it holds no
  /// quote at all (a quoted field may hold a line break); anything else is read in one part.
  static func forEachRowInParts<State: Sendable>(
    path: String, wanted: [[String]], state: State,
    _ body: @escaping @Sendable (inout State, Int, [UnsafeRawBufferPointer?]) -> Void,
    problem: @escaping @Sendable (inout State, Int, String) -> Void
  ) throws(DataError) -> [State] {
    let bytes: [UInt8]
    do {
      bytes = try Files.readBytes(path)
    } catch {
      throw DataError(file: Path.display(path), "cannot read the judgments file: \(error)")
    }
    let lower = path.lowercased()
    let csv = lower.hasSuffix(".csv") || lower.hasSuffix(".tsv")
    let delimiter: UInt8 = lower.hasSuffix(".tsv") ? 0x09 : 0x2C
    let cores = max(1, min(8, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let splittable =
      bytes.count > 1 << 22 && cores > 1
      && (!csv
        || !bytes.withUnsafeBytes { all in
          all.baseAddress.map { memchr($0, 0x22, all.count) != nil } ?? false
        })
    guard splittable else {
      var only = state
      if csv {
        try csvRows(bytes, delimiter: delimiter, path: path, wanted: wanted, limit: .max) { body(&only, $0, $1) }
      } else {
        jsonlRows(bytes, wanted: wanted, limit: .max) {
          body(&only, $0, $1)
        } problem: {
          problem(&only, $0, $1)
        }
      }
      return [only]
    }
    // Part boundaries just after a line break; the header (CSV) read once, and each part's first line number.
    var starts = [0]
    var headerNames: [String]?
    if csv, let end = bytes.firstIndex(of: 0x0A) {
      var line = bytes[0..<end]
      if line.last == 0x0D { line = line.dropLast() }
      headerNames = line.split(separator: delimiter, omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
      }
    }
    let parts = Int(cores)
    for p in 1..<parts {
      var at = max(starts[p - 1], bytes.count * p / parts)
      while at < bytes.count && bytes[at] != 0x0A { at += 1 }
      starts.append(min(bytes.count, at + 1))
    }
    starts.append(bytes.count)
    var firstLines = [1]
    for p in 1..<parts {
      var newlines = 0
      for b in bytes[starts[p - 1]..<starts[p]] where b == 0x0A { newlines += 1 }
      firstLines.append(firstLines[p - 1] + newlines)
    }
    let states = Mutex([State](repeating: state, count: parts))
    let failure = Mutex<DataError?>(nil)
    let (bounds, lines, header) = (starts, firstLines, headerNames)
    DispatchQueue.concurrentPerform(iterations: parts) { p in
      var mine = state
      let range = bounds[p]..<bounds[p + 1]
      do throws(DataError) {
        if csv {
          try csvRows(
            bytes, delimiter: delimiter, path: path, wanted: wanted, limit: .max, range: range,
            firstLine: lines[p], headerNames: p == 0 ? nil : header
          ) { body(&mine, $0, $1) }
        } else {
          jsonlRows(bytes, wanted: wanted, limit: .max, range: range, firstLine: lines[p]) {
            body(&mine, $0, $1)
          } problem: {
            problem(&mine, $0, $1)
          }
        }
      } catch {
        failure.withLock { $0 = error }
      }
      let result = mine
      states.withLock { $0[p] = result }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return states.withLock { $0 }
  }

  static func jsonlRows(
    _ bytes: [UInt8], wanted: [[String]], limit: Int, range: Range<Int>? = nil, firstLine: Int = 1,
    _ body: (Int, [UnsafeRawBufferPointer?]) -> Void, problem: (Int, String) -> Void
  ) {
    let keys = wanted.flatMap { $0 }
    var rows = 0
    bytes.withUnsafeBytes { whole in
      let all = UnsafeRawBufferPointer(rebasing: whole[range ?? 0..<whole.count])
      var start = 0
      var line = firstLine - 1
      while start < all.count, rows < limit {
        line += 1
        var end = start
        while end < all.count && all[end] != 0x0A { end += 1 }
        var stop = end
        if stop > start, all[stop - 1] == 0x0D { stop -= 1 }
        defer { start = end + 1 }
        if stop == start { continue }
        let record = UnsafeRawBufferPointer(rebasing: all[start..<stop])
        let values: [JSONValue?]
        do {
          values = try JSONParser.fields(keys, in: record)
        } catch {
          problem(line, "not a JSON object (\(error)); line skipped")
          continue
        }
        // Each wanted field: the first of its names present, as text.
        var texts: [String?] = []
        var k = 0
        for names in wanted {
          var found: String?
          for _ in names {
            if found == nil, let value = values[k], !value.isNull { found = value.displayText }
            k += 1
          }
          texts.append(found)
        }
        rows += 1
        withTexts(texts[...], []) { body(line, $0) }
      }
    }
  }

  /// Hands `body` the UTF-8 of each text (nil stays nil), without copying them into one buffer.
  static func withTexts(
    _ texts: ArraySlice<String?>, _ done: [UnsafeRawBufferPointer?], _ body: ([UnsafeRawBufferPointer?]) -> Void
  ) {
    guard let first = texts.first else { return body(done) }
    guard var text = first else { return withTexts(texts.dropFirst(), done + [nil], body) }
    text.withUTF8 { withTexts(texts.dropFirst(), done + [UnsafeRawBufferPointer($0)], body) }
  }

  static func csvRows(
    _ bytes: [UInt8], delimiter: UInt8, path: String, wanted: [[String]], limit: Int,
    range: Range<Int>? = nil, firstLine: Int = 1, headerNames: [String]? = nil,
    _ body: (Int, [UnsafeRawBufferPointer?]) -> Void
  ) throws(DataError) {
    var fieldStarts: [Int] = []
    var fieldEnds: [Int] = []
    var scratch: [UInt8] = []
    var columns: [Int] = []
    var needsUnquote: [Bool] = []
    var values: [UnsafeRawBufferPointer?] = []
    var unquoted: [[UInt8]] = []
    if let headerNames {
      columns = wanted.map { options in options.lazy.compactMap { headerNames.firstIndex(of: $0) }.first ?? -1 }
    }
    let sawHeader = bytes.withUnsafeBytes { (whole: UnsafeRawBufferPointer) -> Bool in
      // The part of the file to read (all of it unless a range is given), as a buffer of its own.
      let part = range ?? 0..<whole.count
      let all = UnsafeRawBufferPointer(rebasing: whole[part])
      var position = 0
      var line = firstLine
      var header = headerNames == nil
      var rows = 0
      while position < all.count, rows < limit {
        // One record: fields split at delimiters outside quotes; quoted fields may hold newlines.
        fieldStarts.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        let recordLine = line
        var fieldStart = position
        var inQuotes = false
        var quoted = false
        var i = position
        needsUnquote.removeAll(keepingCapacity: true)
        while i < all.count {
          let c = all[i]
          if inQuotes {
            if c == 0x22 {
              if i + 1 < all.count, all[i + 1] == 0x22 {
                i += 2
                continue
              }
              inQuotes = false
            } else if c == 0x0A {
              line += 1
            }
          } else if c == 0x22 && i == fieldStart && delimiter != 0x09 {
            inQuotes = true
            quoted = true
          } else if c == delimiter || c == 0x0A {
            var end = i
            if c == 0x0A, end > fieldStart, all[end - 1] == 0x0D { end -= 1 }
            fieldStarts.append(fieldStart)
            fieldEnds.append(end)
            needsUnquote.append(quoted)
            quoted = false
            fieldStart = i + 1
            if c == 0x0A { break }
          }
          i += 1
        }
        if i >= all.count && fieldStart <= all.count && (fieldStart < all.count || !fieldStarts.isEmpty) {
          if fieldStart < all.count || all.last == UInt8(delimiter) {
            var end = all.count
            if end > fieldStart, all[end - 1] == 0x0D { end -= 1 }
            fieldStarts.append(fieldStart)
            fieldEnds.append(end)
            needsUnquote.append(quoted)
          }
        }
        position = i + 1
        line += 1
        if fieldStarts.count == 1 && fieldEnds[0] == fieldStarts[0] { continue }  // a blank line
        if fieldStarts.isEmpty { continue }
        // A field's text: unquoted in `scratch` when it was quoted.
        func field(_ f: Int) -> UnsafeRawBufferPointer {
          var start = fieldStarts[f]
          var end = fieldEnds[f]
          guard needsUnquote[f] else { return UnsafeRawBufferPointer(rebasing: all[start..<end]) }
          start += 1
          if end > start, all[end - 1] == 0x22 { end -= 1 }
          return UnsafeRawBufferPointer(rebasing: all[start..<end])
        }
        if header {
          header = false
          let names = (0..<fieldStarts.count).map { String(decoding: field($0), as: UTF8.self) }
          columns = wanted.map { options in options.lazy.compactMap { names.firstIndex(of: $0) }.first ?? -1 }
          continue
        }
        rows += 1
        values.removeAll(keepingCapacity: true)
        unquoted.removeAll(keepingCapacity: true)
        for column in columns {
          guard column >= 0, column < fieldStarts.count else {
            values.append(nil)
            continue
          }
          let raw = field(column)
          if needsUnquote[column], raw.contains(0x22) {
            // `""` inside a quoted field is one quote.
            scratch.removeAll(keepingCapacity: true)
            var k = 0
            while k < raw.count {
              scratch.append(raw[k])
              k += raw[k] == 0x22 && k + 1 < raw.count && raw[k + 1] == 0x22 ? 2 : 1
            }
            unquoted.append(scratch)
            values.append(nil)
          } else {
            values.append(raw)
          }
        }
        if unquoted.isEmpty {
          body(recordLine, values)
        } else {
          // Rare: some wanted field held quotes; hand over copies.
          var texts: [String?] = []
          var u = 0
          for (c, value) in values.enumerated() {
            if let value {
              texts.append(String(decoding: value, as: UTF8.self))
            } else if columns[c] >= 0 && columns[c] < fieldStarts.count && needsUnquote[columns[c]]
              && field(columns[c]).contains(0x22)
            {
              texts.append(String(decoding: unquoted[u], as: UTF8.self))
              u += 1
            } else {
              texts.append(nil)
            }
          }
          withTexts(texts[...], []) { body(recordLine, $0) }
        }
      }
      return !header
    }
    if !sawHeader && headerNames == nil {
      throw DataError(file: Path.display(path), "is empty: no header row", fix: "a judgments CSV starts with a header")
    }
  }
}
