import TallyCore
import TallyJSON

/// Quality control inside the state machine: what an answer is flagged with before it is written, what
/// happens once it is durable (feedback, pauses, event records), the action checks that gate answers, and
/// the keys of the pause and feedback screens.
enum QualityFlow {
  /// Characters a task asks the annotator to read: its text, or a side-by-side task's prompt and both
  /// responses.
  static func readingLength(_ state: AppState) -> Int {
    guard let task = state.current?.task else { return 0 }
    if state.session.layout.compare != nil {
      return state.compare.texts.reduce(0) { $0 + $1.unicodeScalars.count }
    }
    return task.text.unicodeScalars.count
  }

  /// The least active time the task on screen needs.
  static func minimumSeconds(_ state: AppState) -> Double {
    state.session.quality.minimumSeconds(characters: readingLength(state))
  }

  /// Adds the quality fields to an answer record about to be written: gold result, phase and flags.
  static func annotate(_ record: inout LabelRecord, _ state: AppState) {
    record.phase = state.session.phase
    if let gold = state.current?.gold {
      record.gold = state.current?.isGoldSlot == true
      record.correct = gold.isMatched(
        by: record.answers, questions: state.session.questions, spanOverlap: state.session.quality.goldSpanOverlap)
    }
    guard state.session.phase == nil else { return }
    record.flags = state.quality.flags(
      answers: record.answers, questions: state.session.questions, activeSeconds: state.clock.seconds,
      minimumSeconds: minimumSeconds(state))
  }

  /// Marks a skip: skipping a gold, training or exam task counts as a wrong answer (so checks cannot be
  /// dodged by skipping them).
  static func annotateSkip(_ record: inout LabelRecord, _ state: AppState) {
    record.phase = state.session.phase
    guard state.current?.gold != nil else { return }
    record.gold = state.current?.isGoldSlot == true
    record.correct = false
  }

  /// Reacts to a record being durable: counts it, queues feedback and pauses, and returns the event
  /// records to write.
  static func recorded(_ record: LabelRecord, _ state: inout AppState, _ input: Input) -> [Effect] {
    if record.type == .skip {
      if record.phase != nil, let task = record.task { state.practice.results[task] = false }
      guard record.phase == nil, record.gold, record.supersedes == nil else { return [] }
      return pauses(state.quality.recordGold(false), &state, input)
    }
    guard record.type == .answer else { return [] }
    if let phase = record.phase {
      if let task = record.task, let correct = record.correct { state.practice.results[task] = correct }
      if phase == .training, let gold = state.current?.gold {
        state.overlayQueue.append(
          .feedback(feedback(gold, correct: record.correct == true, given: record.answers, state)))
      }
      return []
    }
    if record.flags.contains(.tooFast) {
      let needed = format(minimumSeconds(state))
      state.qualityNotice =
        "Flagged too fast: \(format(record.activeSeconds ?? 0)) s on a task that needs at least \(needed) s to read."
    }
    if record.gold && record.correct == false && state.session.quality.goldFeedback == .explain,
      let gold = state.current?.gold
    {
      state.overlayQueue.append(.feedback(feedback(gold, correct: false, given: record.answers, state)))
    }
    // Edits of earlier answers are not counted again: the windows and runs follow first answers.
    guard record.supersedes == nil else { return [] }
    let outcome = state.quality.record(
      answers: record.answers, questions: state.session.questions, tooFast: record.flags.contains(.tooFast),
      goldCorrect: record.gold ? record.correct : nil)
    return pauses(outcome, &state, input)
  }

  /// Queues the pauses an outcome sets off, with their event records.
  static func pauses(_ outcome: QualityTracker.Outcome, _ state: inout AppState, _ input: Input) -> [Effect] {
    var effects: [Effect] = []
    let config = state.session.quality
    if outcome.goldThresholdPause {
      let accuracy = state.quality.goldAccuracy ?? 0
      state.overlayQueue.append(.goldPause(until: input.time + config.pauseSeconds, accuracy: accuracy))
      var details = JSONObject()
      details["accuracy"] = .number(rounded(accuracy))
      details["window"] = .number(Double(config.goldWindow))
      details["min_accuracy"] = .number(config.goldMinAccuracy)
      details["seconds"] = .number(config.pauseSeconds)
      effects.append(.append(event("gold_threshold_pause", details: details, state, input, suffix: "g")))
    } else if outcome.slowDownPause {
      state.overlayQueue.append(.slowDown(until: input.time + config.pauseSeconds))
      var details = JSONObject()
      details["seconds"] = .number(config.pauseSeconds)
      details["too_fast_count"] = .number(Double(config.tooFastCount))
      details["too_fast_window"] = .number(Double(config.tooFastWindow))
      effects.append(.append(event("slow_down_pause", details: details, state, input, suffix: "s")))
    }
    if outcome.goldRecovered {
      var details = JSONObject()
      details["accuracy"] = .number(rounded(state.quality.goldAccuracy ?? 0))
      effects.append(.append(event("gold_threshold_recovered", details: details, state, input, suffix: "r")))
      state.qualityNotice =
        "Your check-task accuracy is back above the project's threshold: answers are no longer flagged."
    }
    return effects
  }

  /// Opens the next queued overlay, if nothing covers the screen.
  static func showQueuedOverlay(_ state: inout AppState) {
    guard state.overlay == .none, !state.overlayQueue.isEmpty else { return }
    state.overlay = state.overlayQueue.removeFirst()
  }

  /// The `exam_result` event, once the exam's last task has been passed.
  static func examResult(_ state: inout AppState, _ input: Input) -> [Effect] {
    guard state.session.phase == .exam, state.atEnd, !state.practice.recorded else { return [] }
    state.practice.recorded = true
    let total = state.session.total
    let correct = state.practice.correct
    let score = total > 0 ? Double(correct) / Double(total) : 0
    var details = JSONObject()
    details["score"] = .number(rounded(score))
    details["correct"] = .number(Double(correct))
    details["total"] = .number(Double(total))
    details["pass_mark"] = .number(state.session.quality.examPassMark)
    details["passed"] = .bool(score >= state.session.quality.examPassMark)
    if let version = state.session.examVersion { details["exam_version"] = .string(version) }
    return [.append(event("exam_result", details: details, state, input, suffix: "e"))]
  }

  static func event(_ name: String, details: JSONObject, _ state: AppState, _ input: Input, suffix: String)
    -> LabelRecord
  {
    var record = LabelRecord(
      id: input.freshID + "-" + suffix, type: .event, annotator: state.session.annotator, event: name,
      submittedAt: input.time, guidelinesVersion: state.session.guidelinesVersion, tool: state.session.toolVersion)
    record.details = details
    return record
  }

  /// What the feedback box says: the expected answer and, beside it, what was given.
  static func feedback(_ gold: GoldAnswer, correct: Bool, given: JSONObject, _ state: AppState) -> Feedback {
    let questions = state.session.questions
    return Feedback(
      correct: correct, expected: gold.summary(questions: questions),
      given: GoldAnswer(answers: given).summary(questions: questions.filter { gold.answers[$0.name] != nil }),
      explanation: gold.explanation)
  }

  // MARK: - Action checks

  /// Why the active question does not accept an answer yet, if it does not.
  static func actionProblem(_ state: AppState, _ question: Question) -> String? {
    if question.requireGuidelines && !state.guidelines.openedThisSession && state.session.guidelines != nil {
      return "Open the guidelines (g) at least once before answering."
    }
    if question.requireScroll {
      if state.session.layout.compare != nil {
        return CompareView.unreadProblem(state, required: true)
      }
      if !state.textSeenEnd {
        return "Scroll to the end of the text first (PgDn or j)."
      }
    }
    return nil
  }

  /// Notes when the end of the task text has been on screen.
  static func noteTextSeen(_ state: inout AppState) {
    // Only questions that require scrolling read this: no layout work on the key path otherwise.
    guard !state.textSeenEnd, state.current?.task != nil, state.session.questions.contains(where: \.requireScroll)
    else { return }
    let height = Layout.compute(state).text.height
    if height > 0 && state.textScroll + height >= state.textLayout.count { state.textSeenEnd = true }
  }

  // MARK: - Pause and feedback screens

  /// Keys while a pause or feedback screen is up. Nil when the overlay is not one of them (or the key opens the
  /// guidelines or their search, which work over these screens). Only Enter (and Esc for feedback) closes them:
  /// not Space, so words typed at the box never reach the task under it.
  static func overlayKey(_ key: Key, _ action: Action?, _ state: inout AppState, _ input: Input) -> [Effect]? {
    switch state.overlay {
    case .slowDown(let until), .goldPause(let until, _):
      if action == .quit { return App.requestQuit(&state) }
      if action == .guidelines || (state.guidelines.visible && action == .close) { return nil }
      if action == .search && state.session.guidelines != nil { return nil }
      if state.guidelines.visible, let action, App.guidelinesAction(action, &state) != nil { return [] }
      if input.time >= until && Keymap.action(for: key, in: .pause) == .continueOn { return close(&state, input) }
      return []
    case .feedback:
      if action == .quit { return App.requestQuit(&state) }
      if action == .guidelines || (state.guidelines.visible && action == .close) { return nil }
      if action == .search && state.session.guidelines != nil { return nil }
      if state.guidelines.visible, let action, App.guidelinesAction(action, &state) != nil { return [] }
      if Keymap.action(for: key, in: .pause) != nil { return close(&state, input) }
      // The task the feedback is about stays readable under it.
      switch action {
      case .scrollDown?: App.scrollText(&state, by: 1)
      case .scrollUp?: App.scrollText(&state, by: -1)
      case .pageDown?: App.scrollText(&state, by: max(1, Layout.compute(state).text.height - 1))
      case .pageUp?: App.scrollText(&state, by: -max(1, Layout.compute(state).text.height - 1))
      default: break
      }
      return []
    default:
      return nil
    }
  }

  /// Closes the overlay on screen, opens the next queued one (or, after feedback about the task on screen, goes
  /// on to the next task), and restarts the task's clock (time spent on these screens is not time on the task).
  static func close(_ state: inout AppState, _ input: Input) -> [Effect] {
    state.overlay = .none
    if let next = state.loadAfterOverlay {
      // Pauses still queued are shown over the next task, once it is loaded.
      state.loadAfterOverlay = nil
      return [.load(next)]
    }
    showQueuedOverlay(&state)
    if state.draft.answers.isEmpty || state.draft.fromPrediction { state.clock.restart(at: input.time) }
    return []
  }

  static func format(_ seconds: Double) -> String {
    let tenths = Int((seconds * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
  }

  static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
