import Dispatch
import Synchronization
import TallyCore
import TallyJSON

/// Where tasks are in the data file: from a scan of the data, or found on demand from the line the records name.
public struct TaskPositions: Sendable {
  /// Task id → position in the data file (all tasks when scanned, else those found so far).
  public var positions: [String: Int] = [:]
  /// Task id → the data line its records name (a hint: the line a task was on when it was labeled).
  public var lines: [String: Int] = [:]

  public init(positions: [String: Int] = [:], lines: [String: Int] = [:]) {
    self.positions = positions
    self.lines = lines
  }

  /// Every task's position, by one scan of the data.
  public static func scan(_ dataset: Dataset) -> [String: Int] {
    var positions: [String: Int] = [:]
    dataset.forEachTaskID(in: 0..<dataset.count) { i, id in
      if let id, positions[id] == nil { positions[id] = i }
    }
    return positions
  }

  /// The position of a task in the data file: from the records' line (`line`, else the one kept in `lines`)
  /// when it still holds that task, else by one scan of the data (kept).
  public mutating func position(of task: String, in dataset: Dataset, line hint: Int? = nil) -> Int? {
    if let p = positions[task] { return p }
    if let line = hint ?? lines[task], line >= 1, line - 1 < dataset.count, dataset.taskID(at: line - 1) == task {
      positions[task] = line - 1
      return line - 1
    }
    let scanned = TaskPositions.scan(dataset)
    positions.merge(scanned) { mine, _ in mine }
    return positions[task]
  }
}

/// The review items of one question, read through the store: every data task with answers, each annotator's
/// current answer (flags, active seconds, side shown, concurrent answers from sync), the majority aggregate
/// (the confidence its vote share), the reviews made, and with the data the prediction. Every item at once,
/// for the reports and the final dataset; the review screen reads a `ReviewIndex` instead.
public struct ReviewData: Sendable {
  public var question: Question
  public var items: [ReviewItem]
  public var places: TaskPositions

  public static func load(
    project: Project, store: LabelStore, question: Question, dataset: Dataset?, scanData: Bool = true
  ) -> ReviewData {
    let positions = dataset.map { scanData ? TaskPositions.scan($0) : [:] } ?? [:]
    let byTask = store.currentByTask()
    let concurrent = ReviewData.concurrent(store)
    let reviews = store.reviewsByTask()
    // One read of every current record, each answer built straight from its line, logs in parallel.
    let groups = byTask.filter { !$0.key.gold }.map { ($0.key, $0.value) }
    let indices = groups.flatMap { $0.1 }
    let read = store.map(indices) { i, bytes in
      ReviewData.answer(i, bytes, store: store, question: question, concurrent: concurrent)
    }
    // Items built in chunks on every core (the store and the answers are only read).
    var starts: [Int] = []
    var total = 0
    for (_, list) in groups {
      starts.append(total)
      total += list.count
    }
    let chunks = 8
    let built = Mutex([[ReviewItem]](repeating: [], count: chunks))
    let hints = Mutex([String: Int]())
    let shared = (groups, starts, read, positions)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      let (groups, starts, read, positions) = shared
      var mine: [ReviewItem] = []
      var myHints: [String: Int] = [:]
      for g in (groups.count * c / chunks)..<(groups.count * (c + 1) / chunks) {
        let (key, list) = groups[g]
        let answers = (starts[g]..<(starts[g] + list.count)).compactMap { read[$0]?.answer }
        let line = list.isEmpty ? nil : read[starts[g]]?.line
        if let line { myHints[key.id] = line }
        let past = ReviewData.pastReviews(reviews[key], store: store, question: question)
        guard
          let item = ReviewData.item(
            key.id, answers: answers, order: positions[key.id] ?? line.map { $0 - 1 }, reviews: past,
            question: question)
        else { continue }
        mine.append(item)
      }
      let result = mine
      built.withLock { $0[c] = result }
      let found = myHints
      hints.withLock { $0.merge(found) { a, _ in a } }
    }
    let items = built.withLock { $0.flatMap { $0 } }
    let sorted = items.indices.sorted { (items[$0].order, items[$0].task) < (items[$1].order, items[$1].task) }
    // Sorted by index, so that each (large) item is moved once.
    return ReviewData(
      question: question, items: sorted.map { items[$0] },
      places: TaskPositions(positions: positions, lines: hints.withLock { $0 }))
  }

  /// Adds each item's prediction from the data (for the `model` queue and the screen).
  public mutating func loadPredictions(_ dataset: Dataset) {
    for i in items.indices {
      guard let at = places.position(of: items[i].task, in: dataset), case .success(let task) = dataset.task(at: at),
        let prediction = task.prediction
      else { continue }
      items[i].prediction = Answer(json: prediction, question: question)
    }
  }
}

extension ReviewData {
  static let answerKeys = ["answers", "flags", "active_seconds", "shown_left", "skip_reason", "line"]

  /// (task, annotator) pairs with concurrent answers from sync.
  static func concurrent(_ store: LabelStore) -> Set<String> {
    Set(store.conflicts.map { "\($0.task.id)\u{1F}\($0.annotator)" })
  }

  /// One current record as the reviewer sees it, from its log line; `answer` is nil for a record that answered
  /// other questions only (its line is still a hint of where the task is). Nil when unreadable.
  static func answer(
    _ i: Int, _ bytes: UnsafeRawBufferPointer, store: LabelStore, question: Question, concurrent: Set<String>
  ) -> (answer: ReviewedAnswer?, line: Int?)? {
    guard let f = try? JSONParser.fields(answerKeys, in: bytes) else { return nil }
    let entry = store.entries[i]
    let answer = entry.type == .answer ? (f[0]?.objectValue).flatMap { Answer(answers: $0, question: question) } : nil
    let line = f[5]?.doubleValue.map { Int($0) }
    if entry.type == .answer && answer == nil { return (nil, line) }
    var a = ReviewedAnswer(
      annotator: store.annotator(i), recordID: store.idString(entry.id), answer: answer,
      skipReason: f[4]?.stringValue,
      flags: f[1]?.arrayValue?.compactMap { $0.stringValue.flatMap(QualityFlag.init(rawValue:)) } ?? [],
      activeSeconds: f[2]?.doubleValue, submittedAt: entry.submittedAt, shownLeft: f[3]?.stringValue)
    if !concurrent.isEmpty, let key = store.task(i) {
      a.concurrent = concurrent.contains("\(key.id)\u{1F}\(a.annotator)")
    }
    return (a, line)
  }

  /// The reviews made of a task, oldest first, from their records.
  static func pastReviews(_ indices: [Int]?, store: LabelStore, question: Question) -> [PastReview] {
    guard let indices else { return [] }
    return store.records(indices).compactMap { r -> PastReview? in
      guard let r, let decision = r.decision else { return nil }
      return PastReview(
        reviewer: r.annotator, recordID: r.id, decision: decision,
        answer: Answer(answers: r.answers, question: question),
        chose: r.chose, comment: r.comment, sentTo: r.sentTo, reason: r.reason, submittedAt: r.submittedAt,
        activeSeconds: r.activeSeconds, resolves: r.resolves)
    }
  }

  /// A task's item from its answers (any order): sorted by annotator, the aggregate the most given answer (for
  /// spans the merged majority), its confidence the vote share. Nil without answers.
  static func item(
    _ task: String, answers given: [ReviewedAnswer], order: Int?, reviews: [PastReview], question: Question
  ) -> ReviewItem? {
    guard !given.isEmpty else { return nil }
    let answers = given.sorted { $0.annotator < $1.annotator }
    var item = ReviewItem(task: task, order: order ?? Int.max, answers: answers, aggregate: nil, confidence: 0)
    if let top = item.tally.first {
      item.aggregate = answers.first { $0.answer?.category == top.category }?.answer
      item.confidence = Double(top.count) / Double(max(1, answers.filter { $0.answer != nil }.count))
      // Spans: the merged majority (each span more than half the annotators marked), not one person's set.
      if question.kind == .spans { item.aggregate = .spans(Span.majority(ReviewData.spanSets(answers))) }
    }
    item.reviews = reviews
    return item
  }

  static func spanSets(_ answers: [ReviewedAnswer]) -> [[Span]] {
    answers.compactMap { a -> [Span]? in
      if case .spans(let spans)? = a.answer { return spans }
      return nil
    }
  }
}
