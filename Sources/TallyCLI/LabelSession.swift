import Synchronization
import TallyCore
import TallyStore
import TallyTerminal
import TallyUI

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a labeling session: loads the project, data and log, then loops keys → update → effects → draw.
/// This is the only place where the pure app meets files and the terminal.
final class LabelSession {
  let project: Project
  let annotator: String
  /// Training or an exam instead of labeling.
  let phase: Phase?

  init(project: Project, annotator: String, phase: Phase? = nil) {
    self.project = project
    self.annotator = annotator
    self.phase = phase
  }

  /// Runs until the annotator quits. Returns the exit code.
  func run() -> Int32 {
    for warning in project.warnings { StandardError.print(warning.description) }
    // One session per annotator: a second one would give first answers to the same tasks.
    let lock: SessionLock
    do {
      try project.prepareLabelsFolder()
      lock = try SessionLock(
        labelsFolder: project.labelsFolder, annotator: annotator, startedAt: Timestamp.iso8601(Clock.now()))
    } catch let error as SessionLockError {
      StandardError.print(Self.describe(error, annotator: annotator, project: project))
      return 4
    } catch {
      StandardError.print("tally: cannot create the labels folder: \(error)")
      return 1
    }
    defer { lock.release() }
    let engine: LabelEngine
    do {
      engine = try LabelEngine(project: project, annotator: annotator, width: 80, height: 24, phase: phase)
    } catch {
      StandardError.print("\(error)")
      if error is ExamRequired { return 3 }
      return (error as? EngineError)?.code ?? 1
    }
    for problem in engine.setProblems { StandardError.print(problem.description) }
    guard let terminal = SessionTerminal.open() else { return 1 }
    let size = terminal.size
    engine.start(width: size.width, height: size.height)
    engine.scanner = DataScanner(dataset: engine.dataset)
    engine.scanner?.start()
    TerminalRunner.run(engine, on: terminal)
    terminal.restore()
    let logPath = Path.display(engine.logPath)
    if let phase {
      let correct = engine.state.practice.correct
      let answered = engine.state.practice.results.count
      print(
        "\(phase == .exam ? "Exam" : "Training"): \(correct) of \(answered) answered as expected; saved in \(logPath).")
      if let failure = engine.fatalError { StandardError.print("tally: \(failure)") }
      return 0
    }
    let state = engine.state
    let changed = state.editedThisSession > 0 ? " and \(state.editedThisSession) changed" : ""
    print(
      "Labels saved in \(Path.quoted(logPath)) (\(state.submittedThisSession) new\(changed) this session; "
        + "\(min(state.doneCount, state.labelableCount))/\(state.labelableCount) done).")
    print("Project folder: \(Path.quoted(Path.display(project.folder)))")
    if let failure = engine.fatalError { StandardError.print("tally: \(failure)") }
    return 0
  }
}

extension LabelSession {
  /// Why a session lock was refused, with where the other session runs and what to do.
  static func describe(_ error: SessionLockError, annotator: String, project: Project) -> String {
    switch error {
    case .system(let failure):
      return "tally: \(failure)"
    case .held(let holder, let path, let elsewhere):
      let lockFile = Path.quoted(Path.display(path))
      let whereItRuns =
        holder.map { "pid \($0.pid) on \($0.host)\($0.startedAt.isEmpty ? "" : ", started \($0.startedAt)")" }
        ?? "a session that is just starting or ending"
      if elsewhere {
        return "\(project.config.name): \(annotator) is labeling this project in another session: \(whereItRuns)\n"
          + "  fix: quit that session on \(holder?.host ?? "the other machine") first; if it no longer runs (that machine "
          + "crashed), remove \(lockFile)"
      }
      return
        "\(project.config.name): \(annotator) is already labeling this project in another session: \(whereItRuns)\n"
        + "  fix: finish or quit that session first (two sessions of one annotator would answer the same tasks "
        + "twice), or label as someone else with --annotator NAME"
    }
  }
}

/// The labeling program's session: its state plus the effects it asks for (loading tasks, appending to the
/// log). Separate from the terminal so tests and the benchmark drive it directly.
public final class LabelEngine: ProgramSession {
  typealias P = LabelingProgram
  public let project: Project
  public let dataset: Dataset
  /// Positions → data indices; gold tasks are mixed in as negative entries (see `GoldPlacement`).
  public let queue: [Int32]
  /// Gold tasks for the labeling queue (none in training or an exam).
  public let goldItems: [GoldItem]
  /// Training or exam: task id → its known answer.
  let practiceAnswers: [String: GoldAnswer]
  /// Lines of the gold, training or exam file that were left out.
  public let setProblems: [Diagnostic]
  /// The log this session writes: the annotator's on this device (`labels/<annotator>/<device>.jsonl`).
  public let logPath: String
  /// Every log of the annotator, this device's first: what they did elsewhere (synced in) counts as done.
  let logPaths: [String]
  public internal(set) var state: AppState
  /// The background check of the whole data file, while the annotator works.
  var scanner: DataScanner?
  let writer: LabelLogWriter
  var fatalError: String?
  /// Per data record: handled (answered or skipped), or unreadable. Built on demand by one pass over the data.
  var handledRecords: [Bool]?
  /// Queue positions holding gold tasks, in order (the title counts data tasks only).
  let goldPositions: [Int]
  /// Queue positions of data records that cannot be labeled, in order, once the background scan found them.
  var unusablePositions: [Int] = []
  var guidelinesSeen: Bool
  /// With `assignment:`: who labels what, and what this machine knows the others did (refreshed when the logs
  /// change, e.g. after a sync), so a task that has its answers meanwhile is passed over.
  var assignment: AssignmentConfig?
  /// Tasks sent back by a reviewer: the notice shown, and where this annotator's answer was when the session
  /// began (a new answer moves it, and the task is no longer pending).
  var sentBack: [TaskKey: String] = [:]
  var sentBackOffsets: [TaskKey: Int64] = [:]
  var progress = TeamProgress()
  var progressStamp: [Int64] = []
  var progressCheckedAt = 0.0

  /// Opens the data (indexing it) and the annotator's log (reading it back). With a `phase`, the tasks are
  /// the project's training or exam set instead, every one with a known answer, and nothing is a label.
  public init(project: Project, annotator: String, width: Int, height: Int, phase: Phase? = nil) throws {
    self.project = project
    let quality = project.config.quality
    var practice: GoldSet?
    if let phase {
      let (file, what) = phase == .training ? (quality.training, "training") : (quality.exam, "exam")
      guard let file else {
        throw EngineError(
          "\(Path.display(project.configPath)): this project has no \(what) set\n  fix: add `\(what): \(what).jsonl` under `quality:`",
          code: 2)
      }
      practice = try Self.loadSet(file, what: what, project: project)
    }
    do {
      dataset = try Dataset(
        path: practice?.path ?? project.dataPath,
        spec: practice == nil ? DataSpec(project.config) : project.qualityFileSpec)
    } catch {
      throw EngineError(error.description)
    }
    // Data nobody could label (empty, binary, no record with the text field) is refused with the fix, rather
    // than opening on the end of the queue.
    if let problem = DataCheck.problem(dataset) {
      throw EngineError(
        problem.diagnostic(
          file: dataset.path, config: project.config, context: .project(configPath: project.configPath)
        )
        .description, code: 2)
    }
    var gold: GoldSet?
    if phase == nil, let file = quality.gold { gold = try Self.loadSet(file, what: "gold", project: project) }
    goldItems = gold?.items ?? []
    practiceAnswers = Dictionary(practice?.items.map { ($0.task.id, $0.answer) } ?? [], uniquingKeysWith: { a, _ in a })
    setProblems = (gold?.problems ?? []) + (practice?.problems ?? [])
    do {
      try project.prepareLabelsFolder()
    } catch {
      throw EngineError("cannot create the labels folder: \(error)")
    }
    let home = TallyHome.folder(environment: TallyHome.environment)
    let key: [UInt8]?
    do {
      let device = try TallyHome.deviceID(folder: home)
      logPaths = project.logPaths(of: annotator, device: device)
      logPath = logPaths[0]
      try project.prepareLogFolder(for: logPath)
      key = try SigningKeys.sessionKey(project: project, annotator: annotator, home: home)
    } catch {
      throw EngineError("cannot set up this device's label log: \(error)", code: 2)
    }
    let index = try LabelLogReader.index(paths: logPaths, annotator: annotator)
    writer = try LabelLogWriter(path: logPath)
    writer.signingKey = key
    // The queue: every data task, or with `assignment:` this annotator's share (plus what they already did),
    // gold tasks mixed in for everyone.
    let order = practice == nil ? project.config.order : .file
    let permutation = order.permutation(count: dataset.count)
    var keep: [Bool]?
    var first = Set<Int32>()
    if phase == nil, let assignment = project.config.assignment {
      guard assignment.annotators.contains(annotator) else {
        throw EngineError(
          "\(annotator) is not one of this project's annotators (assignment: \(assignment.annotators.joined(separator: ", ")))"
            + "\n  fix: add them to `annotators:` under `assignment:` in \(Path.quoted(Path.display(project.configPath)))",
          code: 2)
      }
      let progress = TeamProgress.load(project: project)
      var mine = [Bool](repeating: false, count: dataset.count)
      let seed = project.config.seed
      dataset.forEachTaskID(in: 0..<dataset.count) { i, id in
        guard let id else { return }
        mine[i] =
          index.latest[TaskKey(id)] != nil
          || progress.isAssigned(id, to: annotator, config: assignment, seed: seed)
      }
      keep = mine
      self.assignment = assignment
      self.progress = progress
    }
    // Tasks a reviewer sent back to this annotator (and not answered since) come first, with the reason.
    if phase == nil {
      sentBack = Self.sentBack(project: project, annotator: annotator, ownLogs: logPaths, index: index)
      if !sentBack.isEmpty {
        let wanted = sentBack
        dataset.forEachTaskID(in: 0..<dataset.count) { i, id in
          if let id, wanted[TaskKey(id)] != nil { first.insert(Int32(i)) }
        }
      }
    }
    let kept = keep
    queue = LabelQueue.build(
      permutation: permutation, keep: kept.map { mask in { mask[Int($0)] } }, first: first,
      goldCount: goldItems.count, goldRate: quality.goldRate, seed: project.config.seed, annotator: annotator)
    let mixed = queue
    goldPositions = goldItems.isEmpty ? [] : mixed.indices.filter { mixed[$0] < 0 }
    // mapValues keeps the hash table as it is: no re-hashing of a million ids.
    let handled =
      phase == nil ? index.latest.mapValues { HandledTask(skipped: $0.type == .skip, logOffset: $0.offset) } : [:]
    guidelinesSeen = project.guidelinesVersion.map { index.guidelinesOpened.contains($0) } ?? true
    var session = Self.sessionInfo(project: project, annotator: annotator, total: queue.count)
    session.goldTotal = goldPositions.count
    session.layout = project.config.layout
    session.seed = project.config.seed
    session.quality = quality
    session.phase = phase
    session.examVersion = phase == .exam ? practice?.version : nil
    state = AppState(session: session, width: width, height: height, handled: handled, now: Clock.now())
    state.logProblems = index.problems.map(\.description)
    for key in sentBack.keys { sentBackOffsets[key] = state.handled[key]?.logOffset ?? -1 }
    if phase == nil, quality.examRequired, let exam = quality.exam {
      let version = try Self.loadSet(exam, what: "exam", project: project).version
      if !index.examsPassed.contains(version) {
        throw ExamRequired(
          "\(project.config.name): \(annotator) has not passed this project's exam yet (or it changed since)\n"
            + "  fix: run `tally train \(Path.quoted(Path.display(project.folder))) --exam` (practice first with "
            + "`tally train \(Path.quoted(Path.display(project.folder)))`)")
      }
    }
    if phase == nil, let pause = index.lastPause, pause.until > Clock.now() {
      App.resumePause(&state, event: pause.event, until: pause.until)
    }
    if phase == nil {
      // The quality checks continue where the last session left them.
      for record in LabelLogReader.records(paths: logPaths, locations: index.recentAnswers) {
        state.quality.replay(record, questions: session.questions)
      }
    }
  }

  /// What a labeling screen of this project shows about it: questions, guidelines, tool, limits.
  static func sessionInfo(project: Project, annotator: String, total: Int) -> SessionInfo {
    var session = SessionInfo(
      projectName: project.config.name, projectFolder: Path.display(project.folder),
      questions: project.config.questions, showFields: project.config.showFields, annotator: annotator,
      guidelines: project.guidelinesText, guidelinesVersion: project.guidelinesVersion,
      guidelinesNote: project.config.guidelines == nil
        ? "This project has no guidelines. Add `guidelines: guide.md` to \(Path.quoted(Path.display(project.configPath)))."
        : "The guidelines file \(project.guidelinesPath.map { Path.quoted(Path.display($0)) } ?? "") cannot be read.",
      toolVersion: "tally \(TallyCommand.version)", idleLimit: project.config.quality.idleSeconds, total: total)
    session.layout = project.config.layout
    session.seed = project.config.seed
    session.quality = project.config.quality
    return session
  }

  /// Reads a gold, training or exam set, failing with a clear message when it cannot be read.
  static func loadSet(_ file: String, what: String, project: Project) throws -> GoldSet {
    do {
      return try GoldSet.load(file, what: what, project: project)
    } catch {
      throw EngineError(error.description)
    }
  }

  /// Starts the session: the first task not yet handled, and the guidelines first if they are new.
  public func start(width: Int, height: Int) {
    state.width = width
    state.height = height
    let now = Clock.now()
    let effects = App.start(&state, guidelinesSeen: guidelinesSeen, time: now, freshID: RecordIDs.make(time: now))
    run(effects)
    if let problem = state.logProblems.first {
      state.message = "Your label log had a damaged line (\(problem)); every complete record was kept."
    } else if !guidelinesSeen && project.guidelinesText != nil {
      state.message = "New or changed guidelines: read them, then press g to start labeling."
    } else if project.folder.hasSuffix(".tally") {
      state.message = "Quick start: labels are kept in \(Path.quoted(Path.display(project.folder) + "/"))"
    }
  }

  /// Performs one effect for the labeling program: appends a record (fsync'd) or loads a task.
  func perform(_ effect: Effect) -> Event? {
    switch effect {
    case .quit:
      return nil
    case .append(let record):
      do {
        let offset = try writer.append(record)
        if record.type != .event, state.position < queue.count, queue[state.position] >= 0 {
          handledRecords?[Int(queue[state.position])] = true
        }
        return .appended(recordID: record.id, offset: offset)
      } catch {
        return .appendFailed(recordID: record.id, message: error.description)
      }
    case .load(let request):
      return .loaded(load(request))
    }
  }

  /// The data check, once it has finished: which records cannot be labeled, and the summary for the screen.
  func backgroundEvents() -> [Event] {
    guard let (summary, unusable) = scanner?.takeResult() else { return [] }
    noteUnusable(unusable)
    return [.dataChecked(summary)]
  }

  /// Resolves a load request to a task on the queue (the policy is `LabelQueue.resolve`; this answers its
  /// questions from the files).
  func load(_ request: LoadRequest) -> LoadedTask {
    refreshProgress()
    var probes = 0
    var found: LoadedTask?
    let position = LabelQueue.resolve(
      request, count: queue.count,
      isOpen: { p in
        guard isOpen(at: p, probes: &probes) else { return false }
        let loaded = loadTask(at: p)
        if loaded.problem != nil {
          if queue[p] >= 0 { handledRecords?[Int(queue[p])] = true }  // unreadable: never "next"
          return false
        }
        found = loaded
        return true
      },
      isSkipped: { p in handledKey(at: p).map { state.handled[$0]?.skipped == true } ?? false },
      anySkipped: state.skippedCount > 0)
    guard let position else { return .end(total: queue.count) }
    if let found, found.position == position { return found }
    return loadTask(at: position)
  }

  /// True when the task at `position` still wants this annotator's answer: not handled (or sent back and not
  /// answered since), and not passed over. The first few are looked up one by one; past that, which records are
  /// handled is learnt in one pass over the data.
  func isOpen(at position: Int, probes: inout Int) -> Bool {
    probes += 1
    if probes <= 32 && handledRecords == nil {
      guard let key = handledKey(at: position) else { return false }
      return (state.handled[key] == nil || pendingSentBack(key)) && !passedOver(key)
    }
    let entry = queue[position]
    if let g = GoldPlacement.goldIndex(entry) { return state.handled[TaskKey(goldItems[g].task.id, gold: true)] == nil }
    let handled = handledRecordMask()
    if handled[Int(entry)] {
      // The mask knows answered tasks; a sent-back one is open again.
      guard !sentBack.isEmpty, let key = handledKey(at: position) else { return false }
      return pendingSentBack(key) && !passedOver(key)
    }
    return !passedOver(dataset.taskID(at: Int(entry)).map { TaskKey($0) })
  }

  /// A task sent back and not answered again in this session.
  func pendingSentBack(_ key: TaskKey) -> Bool {
    guard sentBack[key] != nil else { return false }
    return (state.handled[key]?.logOffset ?? -1) == sentBackOffsets[key]
  }

  /// The tasks reviewers sent back to `annotator` that they have not answered since, with the notice.
  /// Only the other people's logs are read (reviews are in reviewers' logs), so a session whose project holds
  /// nothing but this annotator's logs pays nothing; the annotator's answer time comes from their own index.
  static func sentBack(project: Project, annotator: String, ownLogs: [String], index: LogIndex) -> [TaskKey: String] {
    let others = project.logPaths().filter { !ownLogs.contains($0) }.sorted()
    guard !others.isEmpty, let store = try? LabelStore(paths: others) else { return [:] }
    var result: [TaskKey: String] = [:]
    for (key, reviews) in store.reviewsByTask() {
      guard let last = reviews.last, let record = store.record(last), record.decision == .sendBack,
        record.sentTo.contains(annotator), let mine = index.latest[key],
        let answer = try? LabelLogReader.record(paths: ownLogs, location: mine.offset),
        answer.submittedAt < record.submittedAt
      else { continue }
      result[key] =
        "Sent back by \(record.annotator): \(record.reason ?? "no reason given"). Answer it again (your answer is shown)."
    }
    return result
  }

  /// A data task the others have meanwhile given all the answers it needs (assignment only).
  func passedOver(_ key: TaskKey?) -> Bool {
    guard let assignment, let key, !key.gold else { return false }
    return !progress.isAssigned(
      key.id, to: state.session.annotator, config: assignment, seed: project.config.seed)
  }

  /// Rereads what the team did when a log changed (a sync brought records in), at most every few seconds.
  func refreshProgress() {
    guard assignment != nil, Clock.now() - progressCheckedAt > 3 else { return }
    progressCheckedAt = Clock.now()
    let stamp = project.logPaths().sorted().map { ProjectFiles.size($0) ?? -1 }
    if stamp != progressStamp {
      if !progressStamp.isEmpty { progress = TeamProgress.load(project: project) }
      progressStamp = stamp
    }
  }

  /// Which data records are handled or unreadable (so never "next"), built once by a sequential pass.
  func handledRecordMask() -> [Bool] {
    if let mask = handledRecords { return mask }
    var mask = [Bool](repeating: false, count: dataset.count)
    dataset.forEachTaskID(in: 0..<dataset.count) { i, id in
      guard let id else {
        mask[i] = true
        return
      }
      mask[i] = state.handled[TaskKey(id)] != nil
    }
    handledRecords = mask
    return mask
  }

  /// The key in `state.handled` of the task at a queue position (nil for an unreadable data line).
  func handledKey(at position: Int) -> TaskKey? {
    let entry = queue[position]
    if let g = GoldPlacement.goldIndex(entry) { return TaskKey(goldItems[g].task.id, gold: true) }
    return dataset.taskID(at: Int(entry)).map { TaskKey($0) }
  }

  /// Learns which data records cannot be labeled (from the background scan), so the title counts past them.
  func noteUnusable(_ records: [Int]) {
    guard !records.isEmpty else { return }
    let unusable = Set(records)
    unusablePositions = queue.indices.filter { queue[$0] >= 0 && unusable.contains(Int(queue[$0])) }
    if let current = state.current { state.current?.ordinal = ordinal(at: current.position) }
  }

  /// The title's number for a queue position: data tasks that can be labeled up to it (a gold task gets the
  /// next data task's number).
  func ordinal(at position: Int) -> Int {
    func countBefore(_ sorted: [Int]) -> Int {
      var low = 0
      var high = sorted.count
      while low < high {
        let mid = (low + high) / 2
        if sorted[mid] < position { low = mid + 1 } else { high = mid }
      }
      return low
    }
    return position - countBefore(goldPositions) - countBefore(unusablePositions) + 1
  }

  func loadTask(at position: Int) -> LoadedTask {
    var loaded = loadEntry(at: position)
    loaded.ordinal = ordinal(at: position)
    if let key = loaded.taskKey, pendingSentBack(key) { loaded.notice = sentBack[key] }
    return loaded
  }

  func loadEntry(at position: Int) -> LoadedTask {
    let entry = queue[position]
    var loaded: LoadedTask
    if let g = GoldPlacement.goldIndex(entry) {
      loaded = LoadedTask(position: position, task: goldItems[g].task, gold: goldItems[g].answer, isGoldSlot: true)
    } else {
      switch dataset.task(at: Int(entry)) {
      case .failure(let problem):
        return LoadedTask(position: position, problem: problem)
      case .success(let task):
        loaded = LoadedTask(position: position, task: task)
        if state.session.phase != nil {
          guard let answer = practiceAnswers[task.id] else {
            return LoadedTask(
              position: position, problem: DataProblem(line: task.line, reason: "no usable `gold` answer; left out"))
          }
          loaded.gold = answer
        }
      }
    }
    if let key = loaded.taskKey, let offset = state.handled[key]?.logOffset {
      loaded.previous = try? LabelLogReader.record(paths: logPaths, location: offset)
    }
    return loaded
  }
}

/// `tally label` refused because the project requires a passed exam.
struct ExamRequired: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A failure opening a labeling session.
struct EngineError: Error, CustomStringConvertible {
  var description: String
  /// The exit status: 2 for data or settings that cannot be used as they are, 1 for other failures.
  var code: Int32
  init(_ description: String, code: Int32 = 1) {
    self.description = description
    self.code = code
  }
}

/// Checks the whole data file on a background thread while the annotator works, and hands the summary over.
final class DataScanner: Sendable {
  let path: String
  let spec: DataSpec
  let index: DataIndex
  private let result = Mutex<(DataSummary, [Int])?>(nil)

  /// Scans the file `dataset` reads (the data, or a training or exam set), with its own reader.
  init(dataset: Dataset) {
    path = dataset.path
    spec = dataset.spec
    index = dataset.index
  }

  func start() {
    let thread = Thread { [self] in
      guard let dataset = try? Dataset(path: path, spec: spec, index: index) else { return }
      let report = dataset.scan(limit: 1)
      let summary = DataSummary(
        malformed: report.malformed, duplicates: report.duplicates, firstProblem: report.problems.first?.description)
      result.withLock { $0 = (summary, report.unusableRecords) }
    }
    thread.start()
  }

  /// The summary and the records that cannot be labeled, once, when the scan has finished.
  func takeResult() -> (DataSummary, [Int])? {
    result.withLock { value in
      defer { value = nil }
      return value
    }
  }
}

/// A minimal thread, so the CLI needs no Foundation.
final class Thread: @unchecked Sendable {
  let body: @Sendable () -> Void
  init(_ body: @escaping @Sendable () -> Void) { self.body = body }

  func start() {
    let box = Unmanaged.passRetained(self)
    var thread = pthread_t()
    pthread_create(
      &thread, nil,
      { raw in
        guard let raw else { return nil }
        let me = Unmanaged<Thread>.fromOpaque(raw).takeRetainedValue()
        me.body()
        return nil
      }, box.toOpaque())
    pthread_detach(thread)
  }
}

/// The process environment.
enum Environment {
  static func all() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let text = String(cString: entry)
      if let eq = text.firstIndex(of: "=") {
        result[String(text[..<eq])] = String(text[text.index(after: eq)...])
      }
      pointer += 1
    }
    return result
  }
}
