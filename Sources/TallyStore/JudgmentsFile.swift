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
    var tasks = ByteInterner(capacity: 1 << 16)
    var annotators = ByteInterner()
    var labels = ByteInterner()
    var t: [Int32] = []
    var w: [Int32] = []
    var l: [Int32] = []
    var problems: [Diagnostic] = []
    let shown = Path.display(path)
    try forEachRow(path: path, wanted: [fields.task, fields.annotator, fields.label]) { line, values in
      guard let task = values[0], let annotator = values[1], let label = values[2], task.count > 0,
        annotator.count > 0, label.count > 0
      else {
        let missing = zip(["task", "annotator", "label"], values).filter { $0.1.map { $0.count == 0 } ?? true }.map(\.0)
        problems.append(
          Diagnostic(
            .warning, file: shown, line: line, "no \(missing.joined(separator: ", ")); line skipped",
            fix: "every line needs a task, an annotator and a label"))
        return
      }
      t.append(tasks.code(task))
      w.append(annotators.code(annotator))
      l.append(labels.code(label))
    } problem: {
      problems.append(Diagnostic(.warning, file: shown, line: $0, $1))
    }
    var table = CategoricalTable(interned: tasks, annotators: annotators, labels: labels, t: t, w: w, l: l)
    table.problems = problems
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

  static func jsonlRows(
    _ bytes: [UInt8], wanted: [[String]], limit: Int, _ body: (Int, [UnsafeRawBufferPointer?]) -> Void,
    problem: (Int, String) -> Void
  ) {
    let keys = wanted.flatMap { $0 }
    var rows = 0
    bytes.withUnsafeBytes { all in
      var start = 0
      var line = 0
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
    _ body: (Int, [UnsafeRawBufferPointer?]) -> Void
  ) throws(DataError) {
    var fieldStarts: [Int] = []
    var fieldEnds: [Int] = []
    var scratch: [UInt8] = []
    var columns: [Int] = []
    var needsUnquote: [Bool] = []
    var values: [UnsafeRawBufferPointer?] = []
    var unquoted: [[UInt8]] = []
    let sawHeader = bytes.withUnsafeBytes { (all: UnsafeRawBufferPointer) -> Bool in
      var position = 0
      var line = 1
      var header = true
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
    if !sawHeader {
      throw DataError(file: Path.display(path), "is empty: no header row", fix: "a judgments CSV starts with a header")
    }
  }
}
