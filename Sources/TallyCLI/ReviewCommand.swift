import ArgumentParser
import TallyCore
import TallyJSON
import TallyStore
import TallyTerminal
import TallyUI

/// `tally review`: reviewers audit the annotators' answers and settle each task in one key.
struct ReviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "Review the annotators' answers task by task: accept the aggregate, pick an annotator's answer, give "
      + "your own, comment, or send a task back. Decisions are records in the reviewer's own log.")

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  @Option(help: "Your name as reviewer (default: your login name).")
  var reviewer: String?

  @Option(help: "disagreements (default), flagged, sample, model, all, or \"annotator NAME\".")
  var queue: String = "disagreements"

  @Option(help: "The question to review (default: the first).")
  var question: String?

  @Option(help: "sample: the share of each annotator's work to audit (default 0.1).")
  var rate: Double = 0.1

  @Option(help: "sample: the seed of the draw (default 1).")
  var seed: UInt64 = 1

  @Flag(help: "Show tasks already settled too.")
  var again = false

  @Flag(help: "Show annotators as A1, A2, … instead of their names.")
  var blind = false

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    let name = Annotator.resolve(reviewer)
    if let reviewers = loaded.config.reviewers, !reviewers.contains(name) {
      StandardError.print(
        "tally review: \(name) is not one of this project's reviewers (\(reviewers.joined(separator: ", ")))\n"
          + "  fix: add them to `reviewers:` in \(Path.quoted(Path.display(loaded.configPath)))")
      throw ExitCode(2)
    }
    guard let kind = ReviewQueue.parse(queue, rate: rate, seed: seed) else {
      StandardError.print(
        "tally review: unknown queue `\(queue)`\n  fix: use disagreements, flagged, sample, model, all or \"annotator NAME\""
      )
      throw ExitCode(2)
    }
    let session: ReviewSession
    do {
      session = try ReviewSession(
        project: loaded, reviewer: name, queue: kind, question: question, again: again, blind: blind, rate: rate,
        seed: seed)
    } catch {
      StandardError.print("tally review: \(error)")
      throw ExitCode(2)
    }
    let code = session.run()
    if code != 0 { throw ExitCode(code) }
  }
}

/// Runs a review: the review program on the terminal, its decisions appended to the reviewer's log, fsync'd,
/// before the screen moves on.
final class ReviewSession: ProgramSession {
  typealias P = ReviewApp
  let project: Project
  let reviewer: String
  let dataset: Dataset
  /// Every task as the queues see it; a task's full item is read from it when shown.
  var index: ReviewIndex
  let writer: LabelLogWriter
  let logPath: String
  var state: ReviewState

  init(
    project: Project, reviewer: String, queue: ReviewQueue, question name: String?, again: Bool, blind: Bool,
    rate: Double = 0.1, seed: UInt64 = 1
  ) throws {
    self.project = project
    self.reviewer = reviewer
    guard
      let question = name.map({ n in project.config.questions.first { $0.name == n } })
        ?? project.config.questions.first
    else {
      throw EngineError(
        "no question `\(name ?? "")`; use one of: \(project.config.questions.map(\.name).joined(separator: ", "))")
    }
    dataset = try Dataset(path: project.dataPath, spec: DataSpec(project.config))
    let store = try LabelStore.load(project: project)
    var index = ReviewIndex.load(store: store, question: question)
    // The model queue needs every prediction up front; otherwise each is read with its task's text.
    if queue == .model { index.loadPredictions(dataset) }
    self.index = index
    let home = TallyHome.folder(environment: TallyHome.environment)
    let device = try TallyHome.deviceID(folder: home)
    logPath = project.logPath(for: reviewer, device: device)
    try project.prepareLogFolder(for: logPath)
    writer = try LabelLogWriter(path: logPath)
    writer.signingKey = try SigningKeys.sessionKey(project: project, annotator: reviewer, home: home)
    state = ReviewState(
      question: question, summaries: index.summaries, queue: queue.order(index.summaries, again: again),
      queueName: queue.name,
      reviewer: reviewer, blind: blind, width: 80, height: 24)
    state.guidelines = project.guidelinesText
    state.again = again
    state.editorSession = LabelEngine.sessionInfo(project: project, annotator: reviewer, total: 1)
    // Tab cycles through the queues; the one asked for comes first.
    var queues: [ReviewQueue] = [.disagreements, .flagged, .sample(rate: rate, seed: seed)]
    if project.config.predictionField != nil { queues.append(.model) }
    queues.append(.all)
    // One queue per annotator who answered (the store's codes, not every item's answers).
    for name in Set(store.current.map { store.annotator($0) }).sorted() { queues.append(.annotator(name)) }
    if !queues.contains(queue) { queues.insert(queue, at: 0) }
    state.queues = queues
    state.queueIndex = queues.firstIndex(of: queue) ?? 0
    // Estimated accuracy (Dawid–Skene) beside each annotator; on very large projects it would delay the first
    // screen by seconds, so it is left out there (`tally report` has it).
    if (question.kind == .single || question.kind == .taxonomy) && store.count <= 300_000 {
      var options = AggregationOptions()
      options.method = .ds
      let result = Aggregation.project(project, store: store, question: question, options: options)
      for estimate in result.annotators { if let a = estimate.accuracy { state.accuracy[estimate.annotator] = a } }
    }
  }

  func run() -> Int32 {
    let lock: SessionLock
    do {
      lock = try SessionLock(
        labelsFolder: project.labelsFolder, annotator: reviewer, startedAt: Timestamp.iso8601(Clock.now()))
    } catch {
      StandardError.print(LabelSession.describe(error, annotator: reviewer, project: project))
      return 4
    }
    defer { lock.release() }
    guard let terminal = SessionTerminal.open() else { return 1 }
    let size = terminal.size
    state.width = size.width
    state.height = size.height
    let now = Clock.now()
    if run(ReviewApp.start(&state, now: now)) { TerminalRunner.run(self, on: terminal) }
    terminal.restore()
    print("Review saved in \(Path.quoted(Path.display(logPath))): \(state.decided.count) decided this session.")
    return 0
  }

  /// Performs one effect of the review program: reads a task's text, or writes a decision (fsync'd).
  func perform(_ effect: ReviewEffect) -> ReviewEvent? {
    switch effect {
    case .quit: return nil
    case .loadText(let item):
      var text = "(this task is no longer in the data file)"
      var prediction: Answer?
      var labelTask: LabelTask?
      if let at = index.position(item, in: dataset), case .success(let loaded) = dataset.task(at: at) {
        text = loaded.text
        prediction = loaded.prediction.flatMap { Answer(json: $0, question: state.question) }
        labelTask = loaded
      }
      return .textLoaded(
        item: item, text: text, prediction: prediction, task: labelTask,
        review: state.items[item] == nil ? index.item(item) : nil)
    case .find(let query, let after):
      return .found(query: query, position: find(query, after: after))
    case .write(let draft):
      let now = Clock.now()
      var record = LabelRecord(
        id: RecordIDs.make(time: now), type: .review, task: state.summaries[draft.item].task, annotator: reviewer,
        submittedAt: now, activeSeconds: draft.activeSeconds, guidelinesVersion: project.guidelinesVersion,
        tool: "tally \(TallyCommand.version)")
      if let answer = draft.answer {
        var answers = JSONObject()
        answers[state.question.name] = answer.json
        if let strength = answer.strengthJSON { answers[state.question.strengthName] = strength }
        record.answers = answers
      }
      record.resolves = draft.resolves
      record.decision = draft.decision
      record.chose = draft.chose
      record.comment = draft.comment
      record.queue = state.queueName
      record.sentTo = draft.sentTo
      record.reason = draft.reason
      do {
        try writer.append(record)
        return .written(item: draft.item)
      } catch {
        return .writeFailed("\(error)")
      }
    }
  }

  /// The next queue position after `after` (wrapping) whose task matches `query`, case-insensitively: its id,
  /// annotators, answers, comments, or its text (read from the data as the search goes).
  func find(_ query: String, after: Int) -> Int? {
    let needle = query.lowercased()
    let count = state.queue.count
    guard count > 0 else { return nil }
    for step in 1...count {
      let position = (after + step) % count
      let at = state.queue[position]
      guard let item = state.items[at] ?? index.item(at) else { continue }
      var haystack = [item.task] + item.answers.map(\.annotator) + item.reviews.compactMap(\.comment)
      haystack += item.answers.compactMap { $0.answer?.display(state.question) }
      if haystack.contains(where: { $0.lowercased().contains(needle) }) { return position }
      if let at = index.position(state.queue[position], in: dataset), case .success(let task) = dataset.task(at: at),
        task.text.lowercased().contains(needle)
      {
        return position
      }
    }
    return nil
  }
}
