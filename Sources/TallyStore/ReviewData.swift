import Dispatch
import Synchronization
import TallyCore
import TallyJSON

/// The review items of one question, read through the store: every data task with answers, each annotator's
/// current answer (flags, active seconds, side shown, concurrent answers from sync), the majority aggregate
/// (the confidence its vote share), the reviews made, and with the data the prediction.
public struct ReviewData: Sendable {
  public var question: Question
  public var items: [ReviewItem]
  /// Task id → position in the data file (all tasks when read with `scanData`, else found on demand).
  public var positions: [String: Int]
  /// Task id → the data line its records name (a hint: the line a task was on when it was labeled).
  public var lines: [String: Int] = [:]

  /// The position of a task in the data file: from the records' line when it still holds that task, else by
  /// one scan of the data (kept).
  public mutating func position(of task: String, in dataset: Dataset) -> Int? {
    if let p = positions[task] { return p }
    if let line = lines[task], line >= 1, line - 1 < dataset.count, dataset.taskID(at: line - 1) == task {
      positions[task] = line - 1
      return line - 1
    }
    dataset.forEachTaskID(in: 0..<dataset.count) { i, id in
      if let id, positions[id] == nil { positions[id] = i }
    }
    return positions[task]
  }

  public static func load(
    project: Project, store: LabelStore, question: Question, dataset: Dataset?, scanData: Bool = true
  ) -> ReviewData {
    var positions: [String: Int] = [:]
    if let dataset, scanData {
      dataset.forEachTaskID(in: 0..<dataset.count) { i, id in
        if let id, positions[id] == nil { positions[id] = i }
      }
    }
    let keys = ["answers", "flags", "active_seconds", "shown_left", "skip_reason", "line"]
    let byTask = store.currentByTask()
    let concurrent = Set(store.conflicts.map { "\($0.task.id)\u{1F}\($0.annotator)" })
    let reviews = store.reviewsByTask()
    // One read of every current record, each answer built straight from its line, logs in parallel.
    let groups = byTask.filter { !$0.key.gold }.map { ($0.key, $0.value) }
    let indices = groups.flatMap { $0.1 }
    let read: [(answer: ReviewedAnswer?, line: Int?)?] = store.map(indices) { i, bytes in
      guard let f = try? JSONParser.fields(keys, in: bytes) else { return nil }
      let entry = store.entries[i]
      let answer = entry.type == .answer ? (f[0]?.objectValue).flatMap { Answer(answers: $0, question: question) } : nil
      let line = f[5]?.doubleValue.map { Int($0) }
      if entry.type == .answer && answer == nil { return (nil, line) }  // answered other questions only
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
        var answers: [ReviewedAnswer] = []
        answers.reserveCapacity(list.count)
        for n in starts[g]..<(starts[g] + list.count) {
          if let a = read[n]?.answer { answers.append(a) }
        }
        guard !answers.isEmpty else { continue }
        answers.sort { $0.annotator < $1.annotator }
        // Data order: the scan's position, or the line the records name.
        let line = list.isEmpty ? nil : read[starts[g]]?.line
        if let line { myHints[key.id] = line }
        var item = ReviewItem(
          task: key.id, order: positions[key.id] ?? line.map { $0 - 1 } ?? Int.max, answers: answers, aggregate: nil,
          confidence: 0)
        if let top = item.tally.first {
          item.aggregate = answers.first { $0.answer?.category == top.category }?.answer
          item.confidence = Double(top.count) / Double(max(1, answers.filter { $0.answer != nil }.count))
          // Spans: the merged majority (each span more than half the annotators marked), not one person's set.
          if question.kind == .spans {
            let sets = answers.compactMap { a -> [Span]? in
              if case .spans(let spans)? = a.answer { return spans }
              return nil
            }
            item.aggregate = .spans(Span.majority(sets))
          }
        }
        for r in (reviews[key] ?? []).compactMap({ store.record($0) }) {
          guard let decision = r.decision else { continue }
          item.reviews.append(
            PastReview(
              reviewer: r.annotator, recordID: r.id, decision: decision,
              answer: Answer(answers: r.answers, question: question),
              chose: r.chose, comment: r.comment, sentTo: r.sentTo, reason: r.reason, submittedAt: r.submittedAt,
              activeSeconds: r.activeSeconds, resolves: r.resolves))
        }
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
    var data = ReviewData(question: question, items: sorted.map { items[$0] }, positions: positions)
    data.lines = hints.withLock { $0 }
    return data
  }

  /// Adds each item's prediction from the data (for the `model` queue and the screen).
  public mutating func loadPredictions(_ dataset: Dataset) {
    for i in items.indices {
      guard let at = position(of: items[i].task, in: dataset), case .success(let task) = dataset.task(at: at),
        let prediction = task.prediction
      else { continue }
      items[i].prediction = Answer(json: prediction, question: question)
    }
  }
}
