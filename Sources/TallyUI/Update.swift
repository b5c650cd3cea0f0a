import TallyCore
import TallyJSON
import TallyText

/// The app's state machine: `update(&state, input) -> effects`. Pure: no clock, no files, no terminal.
public enum App {
  /// The effects that start a session: load the first task not yet handled, and open the guidelines first
  /// when the annotator has not opened them at their current version.
  public static func start(_ state: inout AppState, guidelinesSeen: Bool, time: Double, freshID: String) -> [Effect] {
    state.now = time
    state.clock.restart(at: time)
    var effects: [Effect] = []
    if state.session.guidelines != nil && !guidelinesSeen {
      effects += openGuidelines(&state, time: time, freshID: freshID)
      state.guidelines.openedAtStart = true
      state.message = "New or changed guidelines: read them, then press g to start."
    }
    effects.append(.load(.nextUnhandled(from: 0)))
    return effects
  }

  /// Puts back a pause that was still running when the last session ended (quitting does not cut it short).
  public static func resumePause(_ state: inout AppState, event: String, until: Double) {
    switch event {
    case "slow_down_pause": state.overlayQueue.append(.slowDown(until: until))
    case "gold_threshold_pause":
      state.overlayQueue.append(.goldPause(until: until, accuracy: state.quality.goldAccuracy ?? 0))
    default: break
    }
  }

  /// Applies one input. Returns the effects the runner must perform, in order.
  public static func update(_ state: inout AppState, _ input: Input) -> [Effect] {
    let effects = apply(&state, input)
    QualityFlow.noteTextSeen(&state)
    return effects
  }

  static func apply(_ state: inout AppState, _ input: Input) -> [Effect] {
    state.now = max(state.now, input.time)
    switch input.event {
    case .tick:
      return []
    case .resize(let width, let height):
      state.width = width
      state.height = height
      relayout(&state)
      return []
    case .dataChecked(let summary):
      state.dataSummary = summary
      return []
    case .loaded(let loaded):
      show(&state, loaded, time: input.time)
      QualityFlow.showQueuedOverlay(&state)
      return QualityFlow.examResult(&state, input)
    case .appended(let recordID, let offset):
      guard let pending = state.pendingRecord, pending.id == recordID else { return [] }
      state.pendingRecord = nil
      if let key = pending.taskKey {
        let wasSkipped = state.handled[key]?.skipped == true
        let isNew = state.handled[key] == nil
        state.skippedCount += (pending.type == .skip ? 1 : 0) - (wasSkipped ? 1 : 0)
        state.handled[key] = HandledTask(skipped: pending.type == .skip, logOffset: offset)
        if pending.gold {
          if isNew { state.goldHandledCount += 1 }
        } else if isNew {
          state.submittedThisSession += 1
        } else {
          state.editedThisSession += 1
        }
      }
      let events = QualityFlow.recorded(pending, &state, input)
      let next = state.pendingLoad
      state.pendingLoad = nil
      // Feedback is about this task: shown over it, and the next task comes once it is closed.
      if case .feedback? = state.overlayQueue.first, state.overlay == .none {
        state.overlay = state.overlayQueue.removeFirst()
        state.loadAfterOverlay = next
        return events
      }
      return events + (next.map { [.load($0)] } ?? [])
    case .appendFailed(let recordID, let message):
      if state.pendingRecord?.id == recordID {
        state.pendingRecord = nil
        state.pendingLoad = nil
      }
      state.message = "Not saved: \(message). Your answer is still on screen; try again or quit."
      state.messageIsError = true
      return []
    case .key(let key):
      state.clock.advance(to: input.time, idleLimit: state.session.idleLimit)
      if state.pendingRecord != nil { return [] }
      switch state.overlay {
      case .slowDown, .goldPause, .feedback:
        break  // What the last answer was flagged with stays under these screens.
      default:
        state.message = nil
        state.messageIsError = false
      }
      return handle(key, &state, input)
    }
  }

  // MARK: - Keys

  static func handle(_ key: Key, _ state: inout AppState, _ input: Input) -> [Effect] {
    if key == .resize { return [] }
    let action = Keymap.action(for: key)
    if Layout.compute(state).tooSmall {
      return action == .quit ? [.quit] : []
    }
    // A search being typed takes every key, whatever is under it, so typed words never answer.
    if state.guidelines.searchInput != nil { return searchKey(key, &state) }
    if state.taskSearch.input != nil { return TaskSearch.key(key, &state) }
    switch state.overlay {
    case .help:
      if action == .quit { return requestQuit(&state) }
      state.overlay = .none
      return []
    case .confirmQuit:
      return confirmQuitKey(key, &state)
    case .skipReason(let reason):
      return skipReasonKey(key, reason: reason, &state, input)
    case .slowDown, .goldPause, .feedback:
      if let effects = QualityFlow.overlayKey(key, action, &state, input) { return effects }
    case .none:
      break
    }
    if let question = state.activeQuestion, question.kind == .text, state.draft.editing, state.current?.task != nil,
      !state.atEnd, !Layout.compute(state).guidelinesFullScreen
    {
      return TextField.key(key, question: question, &state, input)
    }
    if let action, action == .help {
      state.overlay = .help
      return []
    }
    if action == .quit { return requestQuit(&state) }
    if action == .guidelines || (action == .close && state.guidelines.visible) {
      if state.guidelines.visible {
        state.guidelines.visible = false
        if state.guidelines.openedAtStart {
          // Reading the guidelines before the first task is not time spent on that task.
          state.guidelines.openedAtStart = false
          if state.draft.answers.isEmpty || state.draft.fromPrediction { state.clock.restart(at: input.time) }
        }
        relayout(&state)
        return []
      }
      return openGuidelines(&state, time: input.time, freshID: input.freshID)
    }
    if action == .search { return startSearch(&state, input) }
    if state.guidelines.visible, let action, let effects = guidelinesAction(action, &state) {
      return effects
    }
    if Layout.compute(state).guidelinesFullScreen || state.overlay != .none { return [] }
    return labelingKey(key, action, &state, input)
  }

  /// `/`: search the guidelines (opening them), or the task text when the project has none.
  static func startSearch(_ state: inout AppState, _ input: Input) -> [Effect] {
    if state.session.guidelines != nil {
      var effects: [Effect] = []
      if !state.guidelines.visible { effects = openGuidelines(&state, time: input.time, freshID: input.freshID) }
      state.guidelines.searchInput = ""
      return effects
    }
    if state.overlay != .none || state.current?.task == nil { return [] }
    TaskSearch.start(&state)
    return []
  }

  /// Quits, unless answers on screen have not been submitted yet: then asks first.
  static func requestQuit(_ state: inout AppState) -> [Effect] {
    guard hasUnsavedAnswers(state) else { return [.quit] }
    state.overlay = .confirmQuit
    return []
  }

  /// True when the task on screen has answers (typed text, toggled options, marked spans, a first question of
  /// several) that quitting now would lose.
  static func hasUnsavedAnswers(_ state: AppState) -> Bool {
    guard state.current?.task != nil, !state.atEnd, state.pendingRecord == nil, !state.draft.fromPrediction else {
      return false
    }
    let answers = state.draft.answers
    if answers.isEmpty { return false }
    return answers != (state.draft.submittedAnswers ?? JSONObject())
  }

  /// The quit question: `y` or Enter (or Ctrl-C again) quits, `n` or Esc goes back; other keys do nothing.
  static func confirmQuitKey(_ key: Key, _ state: inout AppState) -> [Effect] {
    switch Keymap.action(for: key, in: .confirmQuit) {
    case .confirmYes: return [.quit]
    case .confirmNo: state.overlay = .none
    default: break
    }
    return []
  }

  static func guidelinesAction(_ action: Action, _ state: inout AppState) -> [Effect]? {
    let layout = Layout.compute(state)
    guard let area = layout.guidelines else { return nil }
    // Beside the task, line keys (↑ ↓ j k) stay with the task text; page keys scroll the guidelines.
    if !layout.guidelinesFullScreen && (action == .scrollUp || action == .scrollDown) { return nil }
    let page = max(1, area.height - 2)
    switch action {
    case .scrollDown: scrollGuidelines(&state, by: 1)
    case .scrollUp: scrollGuidelines(&state, by: -1)
    case .pageDown: scrollGuidelines(&state, by: page)
    case .pageUp: scrollGuidelines(&state, by: -page)
    case .nextHit: jumpToHit(&state, step: 1)
    case .previousHit: jumpToHit(&state, step: -1)
    default: return nil
    }
    return []
  }

  static func labelingKey(_ key: Key, _ action: Action?, _ state: inout AppState, _ input: Input) -> [Effect] {
    if state.atEnd {
      switch action {
      case .back: return state.session.total > 0 ? [.load(.exact(state.session.total - 1))] : []
      case .submit:
        // Tasks passed over with → are still open: Enter goes to the first of them.
        return state.doneCount < state.labelableCount ? [.load(.nextUnhandled(from: 0))] : []
      case .revisitSkipped:
        if state.skippedCount == 0 {
          state.message = "No skipped tasks."
          return []
        }
        return [.load(.firstSkipped)]
      default: return []
      }
    }
    if state.session.phase == .exam, state.practice.recorded, isAnswerKey(key, action, state) {
      state.message = examClosedMessage
      return []
    }
    if let question = state.activeQuestion, question.kind == .text, !state.draft.editing,
      action == .editText || action == .nextQuestion
    {
      state.draft.editing = true
      return []
    }
    if state.current?.task != nil, let question = state.activeQuestion, question.kind == .spans,
      let effects = SpanEditor.key(key, question: question, &state)
    {
      return effects
    }
    if state.session.layout.compare != nil, state.current?.task != nil,
      let effects = CompareView.key(Keymap.action(for: key, in: .compare), &state)
    {
      return effects
    }
    // Option keys first: a hotkey from tally.yaml wins over any other binding of that letter.
    if let question = state.activeQuestion, let index = optionIndex(for: key, question: question, state: state) {
      return choose(index, question: question, &state, input)
    }
    if let question = state.activeQuestion, question.kind == .rating, case .char(let c) = key, c.isNumber {
      let keys = question.options.count == 10 ? "1 to 9, 0 for 10" : "1 to \(question.options.count)"
      state.message = "\(c) is off the scale: \(question.prompt) takes \(keys)."
      return []
    }
    switch action {
    case .submit: return enter(&state, input)
    case .skip:
      guard state.current?.task != nil else { return [] }
      state.overlay = .skipReason("")
      return []
    case .back:
      guard state.position > 0 else {
        state.message = "This is the first task."
        return []
      }
      return [.load(.exact(state.position - 1))]
    case .forward:
      return [.load(.exact(state.position + 1))]
    case .up:
      if !state.draft.taxonomyPath.isEmpty {
        state.draft.taxonomyPath.removeLast()
        relayout(&state)
      } else if state.draft.activeQuestion > 0 {
        state.draft.activeQuestion -= 1
        resetTaxonomyPath(&state)
      }
      return []
    case .nextQuestion, .previousQuestion:
      let count = state.session.questions.count
      guard count > 1 else { return [] }
      state.draft.activeQuestion = (state.draft.activeQuestion + (action == .nextQuestion ? 1 : count - 1)) % count
      state.draft.editing = true
      state.draft.cursor = TextField.length(of: state.draft, question: state.activeQuestion)
      resetTaxonomyPath(&state)
      relayout(&state)
      return []
    case .describe:
      state.showDescriptions.toggle()
      relayout(&state)
      return []
    case .scrollDown: scrollText(&state, by: 1)
    case .scrollUp: scrollText(&state, by: -1)
    case .pageDown: scrollText(&state, by: max(1, Layout.compute(state).text.height - 1))
    case .pageUp: scrollText(&state, by: -max(1, Layout.compute(state).text.height - 1))
    case .textStart: scrollText(&state, by: -state.textLayout.count)
    case .textEnd: scrollText(&state, by: state.textLayout.count)
    case .nextHit: TaskSearch.jump(&state, step: 1)
    case .previousHit: TaskSearch.jump(&state, step: -1)
    case .optionsDown: scrollQuestion(&state, by: max(1, Layout.compute(state).question.height - 1))
    case .optionsUp: scrollQuestion(&state, by: -max(1, Layout.compute(state).question.height - 1))
    default: break
    }
    return []
  }

  static let examClosedMessage = "The exam is over and its result is saved: answers can be looked at, not changed."

  /// True for keys that would answer or skip the task on screen.
  static func isAnswerKey(_ key: Key, _ action: Action?, _ state: AppState) -> Bool {
    if action == .submit || action == .skip { return true }
    guard let question = state.activeQuestion else { return false }
    if question.kind == .text, action == .editText || action == .nextQuestion { return true }
    return optionIndex(for: key, question: question, state: state) != nil
  }

  /// Scrolls the question area when its lines do not fit.
  static func scrollQuestion(_ state: inout AppState, by delta: Int) {
    let layout = Layout.compute(state)
    let lines = QuestionView.lines(state, width: layout.question.width).count
    let maximum = max(0, lines - layout.question.height)
    if maximum == 0 {
      state.message = "All the options are on screen."
      return
    }
    state.questionScroll = max(0, min(state.questionScroll + delta, maximum))
  }

  /// The option a key picks in the question's current list (see `OptionKeys`).
  static func optionIndex(for key: Key, question: Question, state: AppState) -> Int? {
    guard case .char(let c) = key, c != " ", let options = currentOptions(question, state) else { return nil }
    return OptionKeys.assign(for: question, options: options).firstIndex(of: c)
  }

  static func currentOptions(_ question: Question, _ state: AppState) -> [AnswerOption]? {
    switch question.kind {
    case .taxonomy: return question.options(at: state.draft.taxonomyPath)
    case .comparison where state.draft.askingStrength: return Question.strengthOptions
    default: return question.options
    }
  }

  /// True when a question has an answer; a comparison with a strength also needs the strength after a/b.
  static func isAnswered(_ question: Question, _ answers: JSONObject) -> Bool {
    guard let answer = answers[question.name] else { return false }
    if question.kind == .comparison && question.strength, let winner = answer.stringValue,
      winner == "a" || winner == "b"
    {
      return answers[question.strengthName] != nil
    }
    return true
  }

  static func choose(_ index: Int, question: Question, _ state: inout AppState, _ input: Input) -> [Effect] {
    guard state.current?.task != nil, let options = currentOptions(question, state) else { return [] }
    if !state.draft.askingStrength, question.kind != .spans, question.kind != .text,
      let problem = QualityFlow.actionProblem(state, question)
    {
      state.message = problem
      return []
    }
    let option = options[index]
    state.draft.fromPrediction = false
    switch question.kind {
    case .single:
      state.draft.answers[question.name] = .string(option.name)
      return advance(&state, input)
    case .rating:
      state.draft.answers[question.name] = .number(Double(index + 1))
      return advance(&state, input)
    case .text, .spans:
      return []
    case .comparison:
      if state.draft.askingStrength {
        state.draft.answers[question.strengthName] = .string(option.name)
        state.draft.askingStrength = false
        return advance(&state, input)
      }
      if let problem = CompareView.unreadProblem(state) {
        state.message = problem
        return []
      }
      let answer = CompareView.response(forSide: option.name, state)
      state.draft.answers[question.name] = .string(answer)
      if question.strength && (answer == "a" || answer == "b") {
        state.draft.answers[question.strengthName] = nil
        state.draft.askingStrength = true
        return []
      }
      state.draft.answers[question.strengthName] = nil
      return advance(&state, input)
    case .multi:
      var chosen = state.draft.answers[question.name]?.arrayValue?.compactMap(\.stringValue) ?? []
      if let at = chosen.firstIndex(of: option.name) { chosen.remove(at: at) } else { chosen.append(option.name) }
      // Keep the order of the options, not of the key presses.
      let order = question.options.map(\.name)
      chosen.sort { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }
      state.draft.answers[question.name] = chosen.isEmpty ? nil : .array(chosen.map(JSONValue.string))
      return []
    case .taxonomy:
      if option.isLeaf {
        let names = (question.names(at: state.draft.taxonomyPath) ?? []) + [option.name]
        state.draft.answers[question.name] = .array(names.map(JSONValue.string))
        return advance(&state, input)
      }
      state.draft.taxonomyPath.append(index)
      relayout(&state)
      return []
    }
  }

  /// Enter: confirm a multi-choice answer, accept preselected answers, or say what is missing.
  static func enter(_ state: inout AppState, _ input: Input) -> [Effect] {
    guard state.current?.task != nil, let question = state.activeQuestion else { return [] }
    if let problem = QualityFlow.actionProblem(state, question) {
      state.message = problem
      return []
    }
    if question.kind == .text {
      if let problem = TextField.problem(question: question, state: state) {
        state.message = problem
        return []
      }
    }
    if question.kind == .spans && state.draft.answers[question.name] == nil {
      // No spans is an answer too: the text has nothing to mark.
      state.draft.answers[question.name] = .array([])
    }
    if question.kind == .comparison {
      if let problem = CompareView.unreadProblem(state) {
        state.message = problem
        return []
      }
      if state.draft.askingStrength {
        state.message = "How much better? 1 slightly, 2 clearly."
        return []
      }
      if question.required && state.draft.answers[question.name] == nil {
        state.message = "Choose first: 1 left, 2 right, 3 tie\(question.options.count > 3 ? ", 4 both bad" : "")."
        return []
      }
    }
    if question.kind == .multi && state.draft.answers[question.name] == nil {
      if question.required {
        state.message = "Choose at least one option (digits toggle), then Enter."
        return []
      }
      // Not required: nothing chosen is an answer (none of the options applies).
      state.draft.answers[question.name] = .array([])
      state.draft.fromPrediction = false
    }
    if question.kind == .taxonomy, !question.leafOnly, !state.draft.taxonomyPath.isEmpty,
      let names = question.names(at: state.draft.taxonomyPath)
    {
      // Enter inside a branch answers with the branch itself ("the deepest node that fits").
      let current = state.draft.answers[question.name]?.arrayValue?.compactMap(\.stringValue) ?? []
      if !current.starts(with: names) || current.count <= names.count {
        state.draft.answers[question.name] = .array(names.map(JSONValue.string))
        state.draft.fromPrediction = false
      }
    }
    if question.kind == .taxonomy, state.draft.answers[question.name] == nil {
      state.message =
        question.leafOnly
        ? "Choose down to a leaf of the taxonomy (Backspace goes up)."
        : "Choose a branch (Enter inside it picks it) or go down to a leaf."
      return []
    }
    if (question.kind == .single || question.kind == .rating) && question.required
      && state.draft.answers[question.name] == nil
    {
      state.message = "Choose an option first."
      return []
    }
    return advance(&state, input)
  }

  /// After a question is answered: move to the next unanswered question, or submit when none is left.
  static func advance(_ state: inout AppState, _ input: Input) -> [Effect] {
    let questions = state.session.questions
    let current = state.draft.activeQuestion
    let order = Array(questions.indices.dropFirst(current + 1)) + Array(questions.indices.prefix(current))
    if let next = order.first(where: { i in questions[i].required && !isAnswered(questions[i], state.draft.answers) }) {
      state.draft.activeQuestion = next
      resetTaxonomyPath(&state)
      return []
    }
    return submit(&state, input)
  }

  static func submit(_ state: inout AppState, _ input: Input) -> [Effect] {
    guard let task = state.current?.task, let key = state.current?.taskKey else { return [] }
    if state.session.phase == .exam && state.practice.recorded {
      state.message = examClosedMessage
      return []
    }
    for question in state.session.questions where isAnswered(question, state.draft.answers) {
      if let problem = QualityFlow.actionProblem(state, question) {
        state.message = problem
        return []
      }
    }
    let edit = state.handled[key] != nil
    if let submitted = state.draft.submittedAnswers, submitted == state.draft.answers,
      state.handled[key]?.skipped == false
    {
      // Unchanged: nothing to write.
      return [.load(.exact(state.position + 1))]
    }
    let predicted = Prediction.answers(for: task, questions: state.session.questions)
    var record = LabelRecord(
      id: input.freshID, type: .answer, task: task.id, line: task.line, annotator: state.session.annotator,
      answers: state.draft.answers, shownAt: state.clock.shownAt, submittedAt: input.time,
      activeSeconds: state.clock.seconds, guidelinesVersion: state.session.guidelinesVersion,
      tool: state.session.toolVersion, supersedes: state.draft.previousRecordID,
      acceptedPrediction: predicted.isEmpty ? nil : predicted == state.draft.answers)
    if state.session.layout.compare != nil { record.shownLeft = state.compare.leftIsA ? "a" : "b" }
    QualityFlow.annotate(&record, state)
    state.pendingRecord = record
    if state.handled[key]?.skipped == true {
      // Answering a task skipped earlier (revisiting skips): on to the next skipped one.
      state.pendingLoad = .nextSkipped(from: state.position + 1)
    } else {
      state.pendingLoad = edit ? .exact(state.position + 1) : .nextUnhandled(from: state.position + 1)
    }
    return [.append(record)]
  }

  static func skipReasonKey(_ key: Key, reason: String, _ state: inout AppState, _ input: Input) -> [Effect] {
    switch Prompt.edit(reason, key: key, limit: 500) {
    case .cancel:
      state.overlay = .none
    case .accept:
      state.overlay = .none
      guard let task = state.current?.task else { return [] }
      let trimmed = reason.trimmingSpaces
      var record = LabelRecord(
        id: input.freshID, type: .skip, task: task.id, line: task.line, annotator: state.session.annotator,
        skipReason: trimmed.isEmpty ? nil : trimmed, shownAt: state.clock.shownAt, submittedAt: input.time,
        activeSeconds: state.clock.seconds, guidelinesVersion: state.session.guidelinesVersion,
        tool: state.session.toolVersion, supersedes: state.draft.previousRecordID)
      QualityFlow.annotateSkip(&record, state)
      state.pendingRecord = record
      state.pendingLoad = .nextUnhandled(from: state.position + 1)
      return [.append(record)]
    case .edited(let text):
      state.overlay = .skipReason(text)
    case .quit:
      state.overlay = .none
      return requestQuit(&state)
    case .other, .ignored:
      break
    }
    return []
  }

  static func searchKey(_ key: Key, _ state: inout AppState) -> [Effect] {
    guard let typed = state.guidelines.searchInput else { return [] }
    switch Prompt.edit(typed, key: key, limit: 200) {
    case .cancel: state.guidelines.searchInput = nil
    case .accept:
      state.guidelines.searchInput = nil
      runSearch(&state, query: typed)
    case .edited(let text): state.guidelines.searchInput = text
    case .quit:
      state.guidelines.searchInput = nil
      return requestQuit(&state)
    case .other, .ignored: break
    }
    return []
  }

  // MARK: - Guidelines

  static func openGuidelines(_ state: inout AppState, time: Double, freshID: String) -> [Effect] {
    state.guidelines.visible = true
    state.guidelines.openedThisSession = true
    relayout(&state)
    guard let version = state.session.guidelinesVersion, !state.guidelines.openedThisVersion else { return [] }
    state.guidelines.openedThisVersion = true
    let record = LabelRecord(
      id: freshID, type: .event, annotator: state.session.annotator, event: "guidelines_opened",
      submittedAt: time, guidelinesVersion: version, tool: state.session.toolVersion)
    return [.append(record)]
  }

  static func runSearch(_ state: inout AppState, query: String) {
    state.guidelines.query = query
    guard let rendered = state.guidelines.rendered, !query.isEmpty else {
      state.guidelines.hits = []
      return
    }
    state.guidelines.hits = MarkdownRenderer.search(rendered, for: query)
    if state.guidelines.hits.isEmpty {
      state.message = "No match for “\(query)” in the guidelines."
      return
    }
    let firstBelow = state.guidelines.hits.firstIndex { $0.line >= state.guidelines.scroll } ?? 0
    state.guidelines.hitIndex = firstBelow
    revealHit(&state)
  }

  static func jumpToHit(_ state: inout AppState, step: Int) {
    let hits = state.guidelines.hits
    guard !hits.isEmpty else {
      state.message = state.guidelines.query.isEmpty ? "Search with / first." : "No matches."
      return
    }
    state.guidelines.hitIndex = (state.guidelines.hitIndex + step + hits.count) % hits.count
    revealHit(&state)
  }

  static func revealHit(_ state: inout AppState) {
    let hit = state.guidelines.hits[state.guidelines.hitIndex]
    state.guidelines.scroll = max(0, hit.line - 2)
    clampGuidelines(&state)
    state.message = "Match \(state.guidelines.hitIndex + 1) of \(state.guidelines.hits.count) (n next, N previous)"
  }

  static func scrollGuidelines(_ state: inout AppState, by delta: Int) {
    state.guidelines.scroll += delta
    clampGuidelines(&state)
  }

  static func clampGuidelines(_ state: inout AppState) {
    guard let area = Layout.compute(state).guidelines else { return }
    let lines = state.guidelines.rendered?.lines.count ?? 0
    let visible = max(1, area.height - 1)
    state.guidelines.scroll = max(0, min(state.guidelines.scroll, lines - visible))
  }

  // MARK: - Loading and layout

  /// Puts a loaded task on screen, preselecting the annotator's current answer or else the prediction.
  static func show(_ state: inout AppState, _ loaded: LoadedTask, time: Double) {
    state.position = loaded.position
    state.current = loaded.position < state.session.total ? loaded : nil
    state.textScroll = 0
    state.textLayoutWidth = -1
    state.textSeenEnd = false
    state.overlay = .none
    state.loadAfterOverlay = nil
    state.questionScroll = 0
    state.taskSearch.hitIndex = 0
    state.clock.restart(at: time)
    var draft = Draft()
    if let task = loaded.task {
      if let previous = loaded.previous {
        draft.previousRecordID = previous.id
        if previous.type == .answer {
          draft.answers = previous.answers
          draft.submittedAnswers = previous.answers
        }
      } else {
        let predicted = Prediction.answers(for: task, questions: state.session.questions)
        if !predicted.isEmpty {
          draft.answers = predicted
          draft.fromPrediction = true
          if let question = SpanEditor.question(state) {
            draft.predictedSpans = Set(Span.list(predicted[question.name]))
          }
        }
      }
      if SpanEditor.question(state) != nil { state.spanText = CodePointText(task.text) }
      if let spec = state.session.layout.compare {
        CompareView.show(&state, task: task, previous: loaded.previous, spec: spec)
      }
    }
    draft.activeQuestion = state.session.questions.firstIndex { !isAnswered($0, draft.answers) } ?? 0
    draft.cursor = TextField.length(of: draft, question: state.session.questions[safe: draft.activeQuestion])
    state.draft = draft
    state.textLayoutSpans = []
    resetTaxonomyPath(&state)
    relayout(&state)
    state.draft.spanCursor = state.cursorStops.first?.offset ?? 0
    if state.session.phase == .exam && state.practice.recorded && loaded.task != nil {
      state.message = examClosedMessage
    } else if loaded.previous?.type == .skip {
      state.message =
        "You skipped this task\(loaded.previous?.skipReason.map { " (“\($0)”)" } ?? ""). Answer it now, or → to move on."
    } else if loaded.previous != nil {
      state.message = "Already answered: Enter keeps it, or choose again to change it."
    } else if draft.fromPrediction {
      state.message = "A prediction is preselected: Enter accepts it."
    }
    if let notice = loaded.notice { state.message = notice }
    if let notice = state.qualityNotice {
      state.message = notice
      state.messageIsError = true
      state.qualityNotice = nil
    }
  }

  /// Shows the current answer's branch of a taxonomy question (or the top level).
  static func resetTaxonomyPath(_ state: inout AppState) {
    state.draft.taxonomyPath = []
    state.draft.spanAnchor = nil
    state.draft.askingStrength = false
    if let question = state.activeQuestion, question.kind == .comparison, question.strength,
      let winner = state.draft.answers[question.name]?.stringValue, winner == "a" || winner == "b",
      state.draft.answers[question.strengthName] == nil
    {
      state.draft.askingStrength = true
    }
    guard let question = state.activeQuestion, question.kind == .taxonomy,
      let names = state.draft.answers[question.name]?.arrayValue?.compactMap(\.stringValue),
      let path = question.indices(of: names), !path.isEmpty
    else { return }
    state.draft.taxonomyPath = Array(path.dropLast())
  }

  /// Re-wraps the task text and re-renders the guidelines when the width they need changed.
  public static func relayout(_ state: inout AppState) {
    let layout = Layout.compute(state)
    if layout.tooSmall { return }
    let textWidth = layout.text.width
    if let task = state.current?.task {
      if state.session.layout.compare != nil {
        CompareView.relayout(&state, layout)
      } else if let question = SpanEditor.question(state) {
        let spans = Span.sorted(SpanEditor.spans(state, question))
        if state.textLayoutWidth != textWidth || state.textLayout.isEmpty || spans != state.textLayoutSpans {
          state.textLayout = TextWrap.wrap(task.text, width: textWidth, inserts: SpanEditor.tags(spans))
          state.textLayoutWidth = textWidth
          state.textLayoutSpans = spans
          state.cursorStops = SpanEditor.stops(state.textLayout)
          state.layoutGeneration += 1
        }
      } else if state.textLayoutWidth != textWidth || state.textLayout.isEmpty {
        state.textLayout = TextWrap.wrap(task.text, width: textWidth)
        state.textLayoutWidth = textWidth
        state.layoutGeneration += 1
      }
    } else {
      if !state.textLayout.isEmpty { state.layoutGeneration += 1 }
      state.textLayout = []
      state.textLayoutWidth = 0
      state.cursorStops = []
    }
    if !state.taskSearch.query.isEmpty && state.taskSearch.generation != state.layoutGeneration {
      TaskSearch.refresh(&state)
    }
    state.textScroll = max(0, min(state.textScroll, state.textLayout.count - layout.text.height))
    if !state.cursorStops.isEmpty && state.current?.task != nil { SpanEditor.reveal(&state) }
    if let area = layout.guidelines {
      let width = area.width - 2
      if state.guidelines.renderedWidth != width || state.guidelines.rendered == nil {
        let markdown = state.session.guidelines ?? ""
        state.guidelines.rendered = MarkdownRenderer.render(markdown, width: max(10, width))
        state.guidelines.renderedWidth = width
        if !state.guidelines.query.isEmpty, let rendered = state.guidelines.rendered {
          state.guidelines.hits = MarkdownRenderer.search(rendered, for: state.guidelines.query)
          state.guidelines.hitIndex = min(state.guidelines.hitIndex, max(0, state.guidelines.hits.count - 1))
        }
      }
      clampGuidelines(&state)
    }
  }

  static func scrollText(_ state: inout AppState, by delta: Int) {
    let height = Layout.compute(state).text.height
    state.textScroll = max(0, min(state.textScroll + delta, state.textLayout.count - height))
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let first = s.first, first.isWhitespace { s.removeFirst() }
    while let last = s.last, last.isWhitespace { s.removeLast() }
    return String(s)
  }
}
