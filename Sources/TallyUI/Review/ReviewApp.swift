import TallyCore
import TallyJSON
import TallyText

/// The review program: state + event → new state + effects. No I/O: the runner writes the records and loads
/// the texts it asks for.
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
    update(&state, event, now: time)
  }

  public static func render(_ state: ReviewState, into screen: inout Screen) {
    ReviewRenderer.render(state, into: &screen)
  }

  /// The question's own keys, as labeling assigns them (review keys kept out).
  public static func optionKeys(_ question: Question) -> [Character] {
    switch question.kind {
    case .single, .rating:
      return OptionKeys.assign(question.options, excluding: ReviewKeymap.reservedCharacters)
    default:
      return []
    }
  }

  /// The first screen: the first task of the queue.
  public static func start(_ state: inout ReviewState, now: Double) -> [ReviewEffect] {
    state.shownAt = now
    if state.queue.isEmpty {
      state.message = "Nothing to review in the \(state.queueName) queue."
    }
    return loadEffects(state)
  }

  static func loadEffects(_ state: ReviewState) -> [ReviewEffect] {
    guard let item = state.current, state.texts[item] == nil else { return [] }
    return [.loadText(item)]
  }

  public static func update(_ state: inout ReviewState, _ event: ReviewEvent, now: Double) -> [ReviewEffect] {
    switch event {
    case .resize(let width, let height):
      state.width = width
      state.height = height
      return []
    case .textLoaded(let item, let text, let prediction):
      state.texts[item] = text
      if let prediction, item < state.items.count { state.items[item].prediction = prediction }
      return []
    case .written(let item):
      guard let pending = state.pending, pending.item == item else { return [] }
      state.pending = nil
      state.decided[item] = pending.decision
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
      return handle(key, &state, now: now)
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

  static func handle(_ key: Key, _ state: inout ReviewState, now: Double) -> [ReviewEffect] {
    switch state.mode {
    case .help, .guidelines:
      if key == .escape || key == .char("q") || key == .char("?") || key == .char("g") || key == .enter {
        state.mode = .deciding
      }
      return []
    case .comment(var text):
      switch key {
      case .escape: state.mode = .deciding
      case .enter:
        state.pendingComment = text.isEmpty ? nil : text
        state.mode = .deciding
        state.message = text.isEmpty ? nil : "Comment kept for this task's decision."
      case .backspace: if !text.isEmpty { text.removeLast() }; state.mode = .comment(text)
      case .char(let c): text.append(c); state.mode = .comment(text)
      default: break
      }
      return []
    case .sendBack(let to, var reason):
      guard let item = state.current else { return [] }
      switch key {
      case .escape: state.mode = .deciding
      case .tab:
        // Cycle: all, then each annotator.
        let names = state.items[item].answers.map(\.annotator)
        let next = to.flatMap { names.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        state.mode = .sendBack(to: next < names.count ? names[next] : nil, reason: reason)
      case .enter:
        guard !reason.isEmpty else {
          state.message = "Say why it goes back (the annotator sees the reason)."
          return []
        }
        state.mode = .deciding
        let targets = to.map { [$0] } ?? state.items[item].answers.map(\.annotator)
        return decide(
          &state, item: item, decision: .sendBack, answer: nil, chose: nil, sentTo: targets, reason: reason, now: now)
      case .backspace:
        if !reason.isEmpty { reason.removeLast() }
        state.mode = .sendBack(to: to, reason: reason)
      case .char(let c):
        reason.append(c)
        state.mode = .sendBack(to: to, reason: reason)
      default: break
      }
      return []
    case .deciding:
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
      return []
    case .next: return move(&state, by: 1, now: now)
    case .previous: return move(&state, by: -1, now: now)
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
      guard let aggregate = state.items[item].aggregate else {
        state.message = "No aggregate to accept: pick an answer or give your own."
        return []
      }
      return decide(&state, item: item, decision: .acceptAggregate, answer: aggregate, chose: nil, now: now)
    case .pick(let n):
      guard let item = state.current else { return [] }
      let answers = state.items[item].answers
      guard n <= answers.count, let answer = answers[n - 1].answer else {
        state.message = n <= answers.count ? "That annotator skipped the task." : "There is no annotator \(n) here."
        return []
      }
      return decide(&state, item: item, decision: .chose, answer: answer, chose: answers[n - 1].annotator, now: now)
    case .answer(let c):
      guard let item = state.current, let index = optionKeys(state.question).firstIndex(of: c),
        index < state.question.options.count
      else { return [] }
      let name = state.question.options[index].name
      let value: JSONValue =
        state.question.kind == .rating ? (Double(name).map(JSONValue.number) ?? .string(name)) : .string(name)
      guard let answer = Answer(json: value, question: state.question) else { return [] }
      return decide(&state, item: item, decision: .override, answer: answer, chose: nil, now: now)
    }
  }

  static func decide(
    _ state: inout ReviewState, item: Int, decision: ReviewDecision, answer: Answer?, chose: String?,
    sentTo: [String] = [], reason: String? = nil, now: Double
  ) -> [ReviewEffect] {
    let draft = ReviewDraft(
      item: item, decision: decision, answer: answer, chose: chose, comment: state.pendingComment, sentTo: sentTo,
      reason: reason, resolves: state.items[item].answers.map(\.recordID), activeSeconds: max(0, now - state.shownAt))
    state.pending = draft
    return [.write(draft)]
  }

  static func move(_ state: inout ReviewState, by step: Int, now: Double) -> [ReviewEffect] {
    state.position = max(0, min(state.queue.count, state.position + step))
    state.shownAt = now
    state.pendingComment = nil
    return loadEffects(state)
  }
}
