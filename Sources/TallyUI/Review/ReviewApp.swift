import TallyCore
import TallyJSON
import TallyText

/// The review program: state + event → new state + effects. No I/O: the runner writes the records, loads the
/// texts and searches the data it asks for. An override of any question kind is given on the labeling screen
/// itself: the labeling program runs inside review (`ReviewState.editor`) and its submitted answer becomes the
/// decision.
public enum ReviewApp: Program {
  public static func event(for input: TerminalInput) -> ReviewEvent? {
    switch input {
    case .key(let key): return .key(key)
    case .resize(let width, let height): return .resize(width: width, height: height)
    case .tick: return nil
    }
  }

  public static func update(_ state: inout ReviewState, _ event: ReviewEvent, time: Double, freshID: String)
    -> [ReviewEffect]
  {
    update(&state, event, now: time, freshID: freshID)
  }

  public static func render(_ state: ReviewState, into screen: inout Screen) {
    if case .editing = state.mode, let editor = state.editor {
      Renderer.render(editor, into: &screen)
      return
    }
    ReviewRenderer.render(state, into: &screen)
  }

  /// The question's own keys that decide at once (single choice and rating), as labeling assigns them with the
  /// review keys kept out. Multi, taxonomy and span keys open the labeling screen with the key applied.
  public static func optionKeys(_ question: Question) -> [Character] {
    switch question.kind {
    case .single, .rating, .multi, .taxonomy:
      return OptionKeys.assign(question.options, excluding: ReviewKeymap.reservedCharacters)
    default:
      return []
    }
  }

  /// The first screen: the first task of the queue.
  public static func start(_ state: inout ReviewState, now: Double) -> [ReviewEffect] {
    state.shownAt = now
    if state.queue.isEmpty {
      state.message = "Nothing to review in the \(state.queueName) queue (Tab: the next queue)."
    }
    return loadEffects(state)
  }

  static func loadEffects(_ state: ReviewState) -> [ReviewEffect] {
    guard let item = state.current, state.texts[item] == nil || state.items[item] == nil else { return [] }
    return [.loadText(item)]
  }

  public static func update(_ state: inout ReviewState, _ event: ReviewEvent, now: Double, freshID: String = "")
    -> [ReviewEffect]
  {
    switch event {
    case .resize(let width, let height):
      state.width = width
      state.height = height
      if state.guidelinesWidth != 0 { renderGuidelines(&state) }
      if var editor = state.editor {
        _ = App.update(&editor, Input(.resize(width: width, height: height), time: now))
        state.editor = editor
      }
      return []
    case .textLoaded(let item, let text, let prediction, let task, let review):
      state.texts[item] = text
      if let task { state.tasks[item] = task }
      if let review { state.items[item] = review }
      if let prediction { state.items[item]?.prediction = prediction }
      return []
    case .found(let query, let position):
      guard let position else {
        state.message = "No task in the \(state.queueName) queue matches “\(query)”."
        return []
      }
      state.message = "Match for “\(query)” (\(Keymap.keyLabels(.nextHit, in: .review)): the next)."
      return jump(&state, to: position, now: now)
    case .written(let item):
      guard let pending = state.pending, pending.item == item else { return [] }
      state.pending = nil
      state.decided[item] = pending.decision
      // Settled here: it leaves the other queues too (a send-back stays open until the annotator answers).
      if item < state.summaries.count { state.summaries[item].settled = pending.decision != .sendBack }
      state.pendingComment = nil
      state.message =
        pending.decision == .sendBack
        ? "Sent back to \(pending.sentTo.joined(separator: ", "))." : "Saved: \(describe(pending, state: state))."
      return move(&state, by: 1, now: now)
    case .writeFailed(let message):
      state.pending = nil
      state.message = "Not saved: \(message). Nothing was decided; try again."
      return []
    case .key(let key):
      guard state.pending == nil else { return [] }
      if case .editing = state.mode { return editorKey(key, &state, now: now, freshID: freshID) }
      return handle(key, &state, now: now, freshID: freshID)
    }
  }

  static func describe(_ draft: ReviewDraft, state: ReviewState) -> String {
    switch draft.decision {
    case .acceptAggregate: return "the aggregate (\(draft.answer?.display(state.question) ?? "none"))"
    case .chose: return "\(draft.chose ?? "?")'s answer"
    case .override: return "your answer (\(draft.answer?.display(state.question) ?? ""))"
    case .sendBack: return "sent back"
    }
  }

  static func handle(_ key: Key, _ state: inout ReviewState, now: Double, freshID: String) -> [ReviewEffect] {
    switch state.mode {
    case .help:
      state.mode = .deciding
      return []
    case .guidelines:
      switch ReviewKeymap.action(for: key, optionKeys: []) {
      case .scrollDown?: state.guidelinesScroll += 1
      case .scrollUp?: state.guidelinesScroll = max(0, state.guidelinesScroll - 1)
      case .search?:
        state.searchingGuidelines = true
        state.mode = .search("")
      case .nextMatch?: findInGuidelines(&state, after: state.guidelinesScroll)
      case .quit?: return [.quit]
      case .help?: state.mode = .help
      default: state.mode = .deciding  // g, Esc and any other key close them
      }
      return []
    case .search(let typed):
      let inGuidelines = state.searchingGuidelines
      switch Prompt.edit(typed, key: key, limit: 200) {
      case .cancel: state.mode = inGuidelines ? .guidelines : .deciding
      case .accept:
        state.query = typed
        state.mode = inGuidelines ? .guidelines : .deciding
        guard !typed.isEmpty else { return [] }
        if inGuidelines {
          findInGuidelines(&state, after: state.guidelinesScroll - 1)
          return []
        }
        return [.find(query: typed, after: state.position)]
      case .edited(let text): state.mode = .search(text)
      case .quit: return [.quit]
      case .other, .ignored: break
      }
      return []
    case .comment(let text):
      switch Prompt.edit(text, key: key, limit: 1000) {
      case .cancel: state.mode = .deciding
      case .accept:
        state.pendingComment = text.isEmpty ? nil : text
        state.mode = .deciding
        state.message = text.isEmpty ? nil : "Comment kept for this task's decision."
      case .edited(let text): state.mode = .comment(text)
      case .quit: return [.quit]
      case .other, .ignored: break
      }
      return []
    case .sendBack(let to, let reason):
      guard let item = state.current else { return [] }
      switch Prompt.edit(reason, key: key, limit: 1000) {
      case .cancel: state.mode = .deciding
      case .other(.promptWhom):
        // Cycle: all, then each annotator.
        let names = state.summaries[item].annotators
        let next = to.flatMap { names.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        state.mode = .sendBack(to: next < names.count ? names[next] : nil, reason: reason)
      case .accept:
        guard !reason.isEmpty else {
          state.message = "Say why it goes back (the annotator sees the reason)."
          return []
        }
        state.mode = .deciding
        let targets = to.map { [$0] } ?? state.summaries[item].annotators
        return decide(
          &state, item: item, decision: .sendBack, answer: nil, chose: nil, sentTo: targets, reason: reason, now: now)
      case .edited(let text): state.mode = .sendBack(to: to, reason: text)
      case .quit: return [.quit]
      case .other, .ignored: break
      }
      return []
    case .deciding, .editing:
      break
    }
    guard let action = ReviewKeymap.action(for: key, optionKeys: optionKeys(state.question)) else { return [] }
    state.message = nil
    switch action {
    case .quit: return [.quit]
    case .help:
      state.mode = .help
      return []
    case .guidelines:
      state.mode = .guidelines
      renderGuidelines(&state)
      return []
    case .close: return []
    case .next: return move(&state, by: 1, now: now)
    case .previous: return move(&state, by: -1, now: now)
    case .nextQueue, .previousQueue:
      return switchQueue(&state, by: action == .nextQueue ? 1 : -1, now: now)
    case .scrollDown:
      state.textScroll += 1
      return []
    case .scrollUp:
      state.textScroll = max(0, state.textScroll - 1)
      return []
    case .search:
      state.searchingGuidelines = false
      state.mode = .search("")
      return []
    case .nextMatch:
      guard !state.query.isEmpty else {
        state.message = "Search first with \(Keymap.keyLabels(.search, in: .review))."
        return []
      }
      return [.find(query: state.query, after: state.position)]
    case .comment:
      guard state.current != nil else { return [] }
      state.mode = .comment(state.pendingComment ?? "")
      return []
    case .sendBack:
      guard state.current != nil else { return [] }
      state.mode = .sendBack(to: nil, reason: "")
      return []
    case .acceptAggregate:
      guard let item = state.current else { return [] }
      guard let loaded = state.items[item] else { return stillLoading(&state) }
      guard let aggregate = loaded.aggregate else {
        state.message = "No aggregate to accept: pick an answer or give your own."
        return []
      }
      return decide(&state, item: item, decision: .acceptAggregate, answer: aggregate, chose: nil, now: now)
    case .pick(let n):
      guard let item = state.current else { return [] }
      guard let answers = state.items[item]?.answers else { return stillLoading(&state) }
      guard n <= answers.count, let answer = answers[n - 1].answer else {
        state.message = n <= answers.count ? "That annotator skipped the task." : "There is no annotator \(n) here."
        return []
      }
      return decide(&state, item: item, decision: .chose, answer: answer, chose: answers[n - 1].annotator, now: now)
    case .edit:
      return openEditor(&state, key: nil, now: now, freshID: freshID)
    case .answer(let c):
      guard let item = state.current, let index = optionKeys(state.question).firstIndex(of: c),
        index < state.question.options.count
      else { return [] }
      let question = state.question
      guard question.kind == .single || question.kind == .rating else {
        // Multi and taxonomy: the labeling screen, with this key already applied there.
        return openEditor(&state, key: .char(c), now: now, freshID: freshID)
      }
      let name = question.options[index].name
      let value: JSONValue =
        question.kind == .rating ? (Double(name).map(JSONValue.number) ?? .string(name)) : .string(name)
      guard let answer = Answer(json: value, question: question) else { return [] }
      return decide(&state, item: item, decision: .override, answer: answer, chose: nil, now: now)
    }
  }

  // MARK: - Answering on the labeling screen

  /// Opens the labeling screen for the task on screen, the aggregate (for spans: the merged majority) already
  /// in place to edit; `key`, if given, is applied there first (a multi-choice toggle, a taxonomy step).
  static func openEditor(_ state: inout ReviewState, key: Key?, now: Double, freshID: String) -> [ReviewEffect] {
    guard let item = state.current else { return [] }
    guard var session = state.editorSession, let task = state.tasks[item], let shown = state.items[item] else {
      state.message = "The task is still loading; try again."
      return []
    }
    let question = state.question
    session.questions = [question]
    session.annotator = state.reviewer
    session.total = 1
    session.goldTotal = 0
    session.phase = nil
    // The reviewer's own answer is not checked for speed or gold (no pauses on the labeling screen here).
    session.quality = QualityConfig()
    session.projectName =
      "Review of \(shown.task): \(Keymap.keyLabels(.submit)) final, "
      + "\(Keymap.key(.quit)) back"
    var app = AppState(session: session, width: state.width, height: state.height, handled: [:], now: now)
    // Reading the guidelines here is the reviewer's, not a labeling event to record.
    app.guidelines.openedThisVersion = true
    var loaded = LoadedTask(position: 0, task: task)
    loaded.ordinal = 1
    loaded.notice =
      "Your answer becomes the final one: \(Keymap.keyLabels(.submit)) saves it, "
      + "\(Keymap.key(.quit)) goes back to the review without it."
    if let start = shown.aggregate {
      var answers = JSONObject()
      answers[question.name] = start.json
      if let strength = start.strengthJSON { answers[question.strengthName] = strength }
      loaded.previous = LabelRecord(
        id: "review-start", type: .answer, task: task.id, annotator: state.reviewer, answers: answers,
        submittedAt: now, tool: "")
    }
    _ = App.update(&app, Input(.loaded(loaded), time: now, freshID: freshID))
    state.editor = app
    state.mode = .editing
    guard let key else { return [] }
    return editorKey(key, &state, now: now, freshID: freshID)
  }

  /// A key on the labeling screen: the labeling program handles it; a submitted answer becomes the override,
  /// quitting goes back to the review.
  static func editorKey(_ key: Key, _ state: inout ReviewState, now: Double, freshID: String) -> [ReviewEffect] {
    guard var app = state.editor, let item = state.current else {
      closeEditor(&state)
      return []
    }
    var pending = App.update(&app, Input(.key(key), time: now, freshID: freshID))
    while !pending.isEmpty {
      let effect = pending.removeFirst()
      switch effect {
      case .quit:
        closeEditor(&state)
        state.message = "Back to the review; nothing was decided."
        return []
      case .load:
        break
      case .append(let record):
        switch record.type {
        case .answer:
          guard let answer = Answer(answers: record.answers, question: state.question) else {
            pending += App.update(
              &app, Input(.appendFailed(recordID: record.id, message: "that answer cannot be read"), time: now))
            continue
          }
          closeEditor(&state)
          return decide(&state, item: item, decision: .override, answer: answer, chose: nil, now: now)
        case .skip:
          pending += App.update(
            &app,
            Input(
              .appendFailed(recordID: record.id, message: "a review cannot skip (q goes back to the review)"),
              time: now))
        default:
          // Events of the labeling screen (none are a decision): acknowledged, not written.
          pending += App.update(&app, Input(.appended(recordID: record.id, offset: 0), time: now))
        }
      }
    }
    if app.overlay == .confirmQuit {
      // Quitting the labeling screen with an answer on it: back to the review, the answer dropped.
      closeEditor(&state)
      state.message = "Back to the review; your answer was not saved."
      return []
    }
    state.editor = app
    return []
  }

  static func closeEditor(_ state: inout ReviewState) {
    state.editor = nil
    state.mode = .deciding
  }

  // MARK: - Moving

  static func decide(
    _ state: inout ReviewState, item: Int, decision: ReviewDecision, answer: Answer?, chose: String?,
    sentTo: [String] = [], reason: String? = nil, now: Double
  ) -> [ReviewEffect] {
    guard let shown = state.items[item] else { return stillLoading(&state) }
    let draft = ReviewDraft(
      item: item, decision: decision, answer: answer, chose: chose, comment: state.pendingComment, sentTo: sentTo,
      reason: reason, resolves: shown.answers.map(\.recordID), activeSeconds: max(0, now - state.shownAt))
    state.pending = draft
    return [.write(draft)]
  }

  /// A decision asked for before the task's item has been read (the runner answers `.loadText` first).
  static func stillLoading(_ state: inout ReviewState) -> [ReviewEffect] {
    state.message = "The task is still loading; try again."
    return []
  }

  static func move(_ state: inout ReviewState, by step: Int, now: Double) -> [ReviewEffect] {
    jump(&state, to: state.position + step, now: now)
  }

  static func jump(_ state: inout ReviewState, to position: Int, now: Double) -> [ReviewEffect] {
    let target = max(0, min(state.queue.count, position))
    if target != state.position {
      state.pendingComment = nil
      state.textScroll = 0
    }
    state.position = target
    state.shownAt = now
    return loadEffects(state)
  }

  /// Tab: the next queue of the cycle (settled tasks leave every queue, as they did this one).
  static func switchQueue(_ state: inout ReviewState, by step: Int, now: Double) -> [ReviewEffect] {
    guard state.queues.count > 1 else {
      state.message = "Only the \(state.queueName) queue here."
      return []
    }
    state.queueIndex = (state.queueIndex + step + state.queues.count) % state.queues.count
    let queue = state.queues[state.queueIndex]
    state.queueName = queue.name
    state.queue = queue.order(state.summaries, again: state.again)
    state.position = 0
    state.pendingComment = nil
    state.textScroll = 0
    state.shownAt = now
    state.message = "\(queue.name): \(state.queue.count) task\(state.queue.count == 1 ? "" : "s")."
    return loadEffects(state)
  }

  /// The next guidelines line after `after` holding the query (wrapping), scrolled to.
  static func findInGuidelines(_ state: inout ReviewState, after: Int) {
    let query = state.query.lowercased()
    guard !query.isEmpty else { return }
    let lines = state.guidelinesRendered.map { $0.runs.map(\.text).joined().lowercased() }
    let count = lines.count
    for step in 1...max(1, count) {
      let i = ((after + step) % max(1, count) + count) % max(1, count)
      if i < count, lines[i].contains(query) {
        state.guidelinesScroll = i
        state.message = "“\(state.query)” in the guidelines."
        return
      }
    }
    state.message = "“\(state.query)” is not in the guidelines."
  }

  /// The guidelines as Markdown laid out for the screen's width (once per width).
  static func renderGuidelines(_ state: inout ReviewState) {
    let width = max(10, state.width - 2)
    guard state.guidelinesWidth != width else { return }
    state.guidelinesWidth = width
    state.guidelinesRendered =
      state.guidelines.map { MarkdownRenderer.render($0, width: width).lines }
      ?? [StyledLine("This project has no guidelines.", .dim)]
  }
}
