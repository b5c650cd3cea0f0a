import TallyCore

/// What a machine knows of the team's work on each data task (after its last sync): who answered it, and how
/// sure the answers' majority is. Assignment and `tally status` read it.
public struct TeamProgress: Sendable {
  /// Task id → the annotators whose current answer it has.
  public var answeredBy: [String: Set<String>] = [:]
  /// Task id → the share of answers that agree with the most common one (the first question's).
  public var confidence: [String: Double] = [:]

  public init() {}

  public static func load(project: Project) -> TeamProgress {
    var progress = TeamProgress()
    guard let store = try? LabelStore.load(project: project), let question = project.config.questions.first else {
      return progress
    }
    for i in store.current where !store.entries[i].gold && store.entries[i].type == .answer {
      if let task = store.task(i) { progress.answeredBy[task.id, default: []].insert(store.annotator(i)) }
    }
    let answers = QuestionAnswers.load(project: project, store: store, question: question)
    for (t, task) in answers.tasks.enumerated() {
      let list = answers.answers[t]
      guard !list.isEmpty else { continue }
      var counts: [String: Int] = [:]
      for (_, answer) in list { counts[answer.category, default: 0] += 1 }
      progress.confidence[task] = Double(counts.values.max() ?? 0) / Double(list.count)
    }
    return progress
  }

  /// Whether `annotator` should (still) label `task`.
  public func isAssigned(_ task: String, to annotator: String, config: AssignmentConfig, seed: UInt64) -> Bool {
    let others = answeredBy[task]?.subtracting([annotator]).count ?? 0
    return Assignment.isAssigned(
      task: task, to: annotator, config: config, seed: seed, answersByOthers: others, confidence: confidence[task])
  }
}

extension ProjectFiles {
  /// A file's size, or nil when it cannot be read.
  public static func size(_ path: String) -> Int64? { Files.size(path) }
}

/// `tally status`: per annotator their share of the work, and the tasks still waiting for answers.
public struct AssignmentStatus: Sendable {
  public struct Row: Sendable, Equatable {
    public var annotator: String
    public var assigned = 0
    public var done = 0
    public var remaining = 0
  }

  public var rows: [Row] = []
  public var tasks = 0
  /// Tasks with fewer answers than they need, and those of them that dynamic overlap asks more of.
  public var waiting = 0
  public var extra = 0

  public static func make(project: Project, dataset: Dataset) -> AssignmentStatus? {
    guard let config = project.config.assignment else { return nil }
    let progress = TeamProgress.load(project: project)
    var status = AssignmentStatus()
    var rows = Dictionary(uniqueKeysWithValues: config.annotators.map { ($0, Row(annotator: $0)) })
    dataset.forEachTaskID(in: 0..<dataset.count) { _, id in
      guard let id else { return }
      status.tasks += 1
      let by = progress.answeredBy[id] ?? []
      let need = Assignment.wanted(config, answers: by.count, confidence: progress.confidence[id])
      if by.count < need { status.waiting += 1 }
      if need > config.overlap { status.extra += 1 }
      let ranking = Assignment.ranking(task: id, annotators: config.annotators, seed: project.config.seed)
      for (rank, name) in ranking.enumerated() {
        let answered = by.contains(name)
        if answered { rows[name]?.done += 1 }
        guard rank < need || answered else { continue }
        rows[name]?.assigned += 1
        if !answered && by.count < need { rows[name]?.remaining += 1 }
      }
    }
    status.rows = config.annotators.compactMap { rows[$0] }
    return status
  }
}
