import TallyCore
import TallyJSON
import TallyStats

/// A project's current answers to one question, as the statistics take them: typed answers per (task,
/// annotator), gold tasks apart with their known answers, and the tables each method reads.
public struct QuestionAnswers: Sendable {
  public var question: Question
  /// Data tasks in data order (those with at least one answer).
  public var tasks: [String]
  public var annotators: [String]
  /// Per data task: (annotator index, answer), one per annotator.
  public var answers: [[(annotator: Int, answer: Answer)]]
  /// Gold tasks answered, with their known answer and the annotators' answers (for Dawid–Skene's clamping).
  public var gold: [(task: String, expected: Answer, answers: [(annotator: Int, answer: Answer)])]
  /// Per data task, which response each annotator saw on the left (`a`/`b`), for comparisons.
  public var shownLeft: [[Int: String]]
  /// Answers left out (skips, answers of another shape) and tasks no longer in the data.
  public var leftOut = 0
  /// Span questions: each data task's text (for token-level agreement); empty otherwise.
  public var texts: [String] = []

  /// Reads the current answers to `question` through the store; gold tasks' answers and expected answers from
  /// the project's gold set (when it has one).
  public static func load(project: Project, store: LabelStore, question: Question) -> QuestionAnswers {
    var result = QuestionAnswers(
      question: question, tasks: [], annotators: [], answers: [], gold: [], shownLeft: [])
    var annotatorIndex: [String: Int] = [:]
    func annotator(_ name: String) -> Int {
      if let i = annotatorIndex[name] { return i }
      annotatorIndex[name] = result.annotators.count
      result.annotators.append(name)
      return result.annotators.count - 1
    }
    var taskIndex: [String: Int] = [:]
    var goldAnswers: [String: [(annotator: Int, answer: Answer)]] = [:]
    // Only the fields needed, read back for the current records.
    let wanted = store.current
    let read = store.fields(["answers", "shown_left"], of: wanted)
    for (n, i) in wanted.enumerated() {
      let entry = store.entries[i]
      guard entry.type == .answer, let key = store.task(i), let values = read[n],
        let answers = values[0]?.objectValue, let answer = Answer(answers: answers, question: question)
      else {
        result.leftOut += 1
        continue
      }
      let task = key.id
      let who = annotator(store.annotator(i))
      if key.gold {
        goldAnswers[task, default: []].append((who, answer))
        continue
      }
      let t: Int
      if let found = taskIndex[task] {
        t = found
      } else {
        t = result.tasks.count
        taskIndex[task] = t
        result.tasks.append(task)
        result.answers.append([])
        result.shownLeft.append([:])
      }
      result.answers[t].append((who, answer))
      if let side = values[1]?.stringValue { result.shownLeft[t][who] = side }
    }
    // Data order, so every output follows the data file.
    if let dataset = try? Dataset(path: project.dataPath, spec: DataSpec(project.config)) {
      var position: [String: Int] = [:]
      dataset.forEachTaskID(in: 0..<dataset.count) { i, id in
        if let id, position[id] == nil { position[id] = i }
      }
      let order = result.tasks.indices.sorted {
        (position[result.tasks[$0]] ?? Int.max, $0) < (position[result.tasks[$1]] ?? Int.max, $1)
      }
      result.tasks = order.map { result.tasks[$0] }
      result.answers = order.map { result.answers[$0] }
      result.shownLeft = order.map { result.shownLeft[$0] }
      if question.kind == .spans {
        result.texts = result.tasks.map { id in
          guard let at = position[id], case .success(let task) = dataset.task(at: at) else { return "" }
          return task.text
        }
      }
    }
    if !goldAnswers.isEmpty, let file = project.config.quality.gold,
      let set = try? GoldSet.load(file, what: "gold", project: project)
    {
      for item in set.items {
        guard let given = goldAnswers[item.task.id], let value = item.answer.answers[question.name],
          let expected = Answer(json: value, question: question)
        else { continue }
        result.gold.append((item.task.id, expected, given))
      }
    }
    return result
  }

  /// Judgments of `category(answer)` (nil: left out) as a table; gold tasks follow the data tasks, with their
  /// codes in `gold` (-1 for data tasks).
  public func table(
    labelOrder: [String]? = nil, includeGold: Bool = false, _ category: (Answer) -> String?
  ) -> (table: CategoricalTable, gold: [Int32]?, dataTasks: Int) {
    var judgments: [(task: String, annotator: String, label: String)] = []
    for (t, list) in answers.enumerated() {
      for (who, answer) in list {
        if let label = category(answer) { judgments.append((tasks[t], annotators[who], label)) }
      }
    }
    guard includeGold, !gold.isEmpty else {
      return (CategoricalTable(judgments: judgments, labelOrder: labelOrder), nil, tasks.count)
    }
    // Gold tasks keyed apart from data tasks of the same id.
    let prefix = "\u{1}gold:"
    for item in gold {
      for (who, answer) in item.answers {
        if let label = category(answer) { judgments.append((prefix + item.task, annotators[who], label)) }
      }
    }
    let table = CategoricalTable(judgments: judgments, labelOrder: labelOrder)
    var codes = [Int32](repeating: -1, count: table.tasks.count)
    var labelCode: [String: Int32] = [:]
    for (i, name) in table.labels.enumerated() { labelCode[name] = Int32(i) }
    var taskCode: [String: Int] = [:]
    for (i, name) in table.tasks.enumerated() { taskCode[name] = i }
    for item in gold {
      if let t = taskCode[prefix + item.task], let label = category(item.expected), let code = labelCode[label] {
        codes[t] = code
      }
    }
    return (table, codes, table.tasks.count - gold.count)
  }
}
