import Dispatch
import Synchronization
import TallyCore
import TallyJSON

/// Every task of one question as the review queues see it (`ReviewSummary`), read in one fast pass over the
/// current records: of each line only the question's answer, the flags and the data line are looked at, and
/// nothing is built that the queues do not need. A task's full `ReviewItem` (every answer, the reviews made) is
/// read from its few records when the task is shown, so opening a million records' review is one pass.
public struct ReviewIndex: Sendable {
  public let question: Question
  /// In data order (as `ReviewData.items`).
  public var summaries: [ReviewSummary]
  public var places: TaskPositions
  let store: LabelStore
  /// By summary: the store's task code, and the data line its first record names (-1: none).
  let taskCodes: [Int32]
  let lineHints: [Int32]
  /// Every task's current records: task code `t`'s are `records[recordStart[t]..<recordStart[t + 1]]`.
  let recordStart: [Int32]
  let records: [Int]
  let reviews: [TaskKey: [Int]]
  let concurrent: Set<String>

  /// What one record adds to its task's summary.
  struct Glance: Sendable {
    /// False for a record that answered other questions only.
    var counts = true
    var category: String?
    var spans: [Span]?
    var flagged = false
    var line: Int?
  }

  /// Positions in the data are found when a task is shown (`position(_:in:)`), not scanned here.
  public static func load(store: LabelStore, question: Question) -> ReviewIndex {
    let concurrent = ReviewData.concurrent(store)
    let reviews = store.reviewsByTask()
    let taskCount = store.tasks.count
    let (recordStart, records) = store.currentByTaskCode()
    let reader = GlanceReader(question: question, store: store)
    let glances = store.map(records) { i, bytes in reader.glance(i, bytes) }
    // Summaries built in chunks on every core, with buffers reused from task to task.
    let chunks = 8
    let built = Mutex([[(code: Int32, summary: ReviewSummary, line: Int32)]](repeating: [], count: chunks))
    let shared = (recordStart, records, glances)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      let (recordStart, records, glances) = shared
      var mine: [(code: Int32, summary: ReviewSummary, line: Int32)] = []
      var members: [(annotator: String, glance: Glance, at: Double)] = []
      var categories: [String] = []
      for t in (taskCount * c / chunks)..<(taskCount * (c + 1) / chunks) {
        let range = Int(recordStart[t])..<Int(recordStart[t + 1])
        guard !range.isEmpty else { continue }
        let key = store.tasks[t]
        members.removeAll(keepingCapacity: true)
        for n in range {
          guard let glance = glances[n], glance.counts else { continue }
          let i = records[n]
          members.append((store.annotator(i), glance, store.entries[i].submittedAt))
        }
        guard !members.isEmpty else { continue }
        if members.count > 1 { members.sort { $0.annotator < $1.annotator } }
        let line = glances[range.lowerBound]?.line
        categories.removeAll(keepingCapacity: true)
        for m in members { if let category = m.glance.category { categories.append(category) } }
        let tally = ReviewItem.tally(categories)
        var aggregate = tally.first?.category
        if question.kind == .spans, aggregate != nil {
          aggregate = Answer.spans(Span.majority(members.compactMap(\.glance.spans))).category
        }
        var flagged = members.contains { $0.glance.flagged }
        if !concurrent.isEmpty {
          flagged = flagged || members.contains { concurrent.contains("\(key.id)\u{1F}\($0.annotator)") }
        }
        var settled = false
        if let made = reviews[key],
          let standing = ReviewItem.standing(
            ReviewData.pastReviews(made, store: store, question: question), latestAnswer: members.map(\.at).max())
        {
          settled = standing.decision != .sendBack
        }
        let summary = ReviewSummary(
          task: key.id, order: line.map { $0 - 1 } ?? Int.max,
          annotators: members.map(\.annotator), tally: tally,
          confidence: tally.first.map { Double($0.count) / Double(max(1, categories.count)) } ?? 0,
          flagged: flagged, settled: settled, aggregate: aggregate)
        mine.append((Int32(t), summary, Int32(clamping: line ?? -1)))
      }
      let result = mine
      built.withLock { $0[c] = result }
    }
    let unsorted = built.withLock { $0.flatMap { $0 } }
    let order = ReviewIndex.dataOrder(unsorted.map(\.summary))
    return ReviewIndex(
      question: question, summaries: order.map { unsorted[$0].summary }, places: TaskPositions(),
      store: store, taskCodes: order.map { unsorted[$0].code }, lineHints: order.map { unsorted[$0].line },
      recordStart: recordStart, records: records, reviews: reviews, concurrent: concurrent)
  }

  /// The summaries' indices in data order, then by task id (as `ReviewData.items`): sorted as packed integers
  /// (order, index), then each run of equal order by id. Comparing the summaries themselves was a fifth of
  /// opening a million records.
  static func dataOrder(_ summaries: [ReviewSummary]) -> [Int] {
    let limit = (1 << 40) - 1
    var keys = summaries.indices.map { UInt64(min(max(0, summaries[$0].order), limit)) << 24 | UInt64($0) }
    if summaries.count >= 1 << 24 {
      return summaries.indices.sorted {
        (summaries[$0].order, summaries[$0].task) < (summaries[$1].order, summaries[$1].task)
      }
    }
    keys.sort()
    var order = keys.map { Int($0 & 0xFF_FFFF) }
    var start = 0
    while start < order.count {
      var end = start + 1
      while end < order.count, keys[end] >> 24 == keys[start] >> 24 { end += 1 }
      if end - start > 1 { order[start..<end].sort { summaries[$0].task < summaries[$1].task } }
      start = end
    }
    return order
  }

  /// Where summary `i`'s task is in the data: the line its records name when it still holds the task, else
  /// by the positions (one scan of the data, kept).
  public mutating func position(_ i: Int, in dataset: Dataset) -> Int? {
    places.position(of: summaries[i].task, in: dataset, line: lineHints[i] >= 1 ? Int(lineHints[i]) : nil)
  }

  /// The full item of summary `i`: every annotator's answer and the reviews made, read from its records.
  public func item(_ i: Int) -> ReviewItem? {
    guard i >= 0, i < taskCodes.count else { return nil }
    let t = Int(taskCodes[i])
    let key = store.tasks[t]
    let records = Array(self.records[Int(recordStart[t])..<Int(recordStart[t + 1])])
    let (store, question, concurrent) = (store, question, concurrent)
    let read = store.map(records) { n, bytes in
      ReviewData.answer(n, bytes, store: store, question: question, concurrent: concurrent)
    }
    let item = ReviewData.item(
      key.id, answers: read.compactMap { $0?.answer }, order: summaries[i].order,
      reviews: ReviewData.pastReviews(reviews[key], store: store, question: question), question: question)
    return item
  }

  /// Adds each task's prediction category from the data (for the `model` queue).
  public mutating func loadPredictions(_ dataset: Dataset) {
    for i in summaries.indices {
      guard let at = position(i, in: dataset),
        case .success(let task) = dataset.task(at: at), let prediction = task.prediction
      else { continue }
      summaries[i].prediction = Answer(json: prediction, question: question)?.category
    }
  }
}

/// What a queue needs of one record: the category of its answer, whether it was flagged, its data line. The
/// answer is looked at where it lies in the line (a single-choice answer is its string; other kinds are read
/// as `Answer`, so categories are exactly the full read's). A class, so that the per-line calls share one
/// reference instead of copying the question into every closure.
final class GlanceReader: Sendable {
  let question: Question
  let single: Bool
  let types: [RecordType]
  static let keys = JSONKeys(["answers", "flags", "line"], raw: ["answers", "flags"])
  let answerKey: JSONKeys

  init(question: Question, store: LabelStore) {
    self.question = question
    single = question.kind == .single
    types = store.entries.map(\.type)
    answerKey = JSONKeys([question.name])
  }

  func glance(_ i: Int, _ bytes: UnsafeRawBufferPointer) -> ReviewIndex.Glance? {
    let isAnswer = types[i] == .answer
    do {
      return try JSONParser.withFieldViews(GlanceReader.keys, in: bytes) { f in glance(f, isAnswer: isAnswer) }
    } catch {
      return nil
    }
  }

  private func glance(_ f: UnsafeBufferPointer<JSONFieldView>, isAnswer: Bool) -> ReviewIndex.Glance {
    var glance = ReviewIndex.Glance()
    switch f[2] {
    case .value(let value): glance.line = value.doubleValue.map { Int($0) }
    default: break
    }
    if isAnswer {
      var found: (category: String, spans: [Span]?)?
      switch f[0] {
      case .raw(let answers): found = category(answers)
      default: break
      }
      guard let found else {
        glance.counts = false
        return glance
      }
      glance.category = found.category
      glance.spans = found.spans
    }
    switch f[1] {
    case .raw(let flags): glance.flagged = GlanceReader.flagged(flags)
    default: break
    }
    return glance
  }

  /// Whether a record's `flags` array names a quality flag.
  private static func flagged(_ flags: UnsafeRawBufferPointer) -> Bool {
    guard flags.contains(0x22), let parsed = try? JSONParser.parse(flags), let list = parsed.arrayValue else {
      return false
    }
    return list.contains { $0.stringValue.flatMap(QualityFlag.init(rawValue:)) != nil }
  }

  /// The category of the question's answer in a record's `answers` object (and for spans the spans).
  private func category(_ answers: UnsafeRawBufferPointer) -> (category: String, spans: [Span]?)? {
    let view: (name: String?, value: JSONValue?)
    do {
      let single = single
      view = try JSONParser.withFieldViews(answerKey, in: answers) { v in
        single && v[0].bytes != nil
          ? (v[0].bytes.map { String(decoding: $0, as: UTF8.self) }, nil) : (nil, v[0].jsonValue)
      }
    } catch {
      return nil
    }
    if let name = view.name { return (name, nil) }
    guard let value = view.value, let answer = Answer(json: value, question: question) else { return nil }
    if case .spans(let spans) = answer { return (answer.category, spans) }
    return (answer.category, nil)
  }
}
