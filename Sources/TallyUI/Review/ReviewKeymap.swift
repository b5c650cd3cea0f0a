import TallyCore

/// What a review key does.
public enum ReviewAction: Sendable, Equatable {
  case acceptAggregate
  case pick(Int)  // annotator N (1-based), in the order shown
  case answer(Character)  // the question's own option key
  case edit, comment, sendBack, next, previous, nextQueue, previousQueue
  case scrollDown, scrollUp, guidelines, search, nextMatch, close, help, quit
}

/// Review's reading of the one keymap (`Keymap`, context `.review`): dispatch, the `?` screen and the hint
/// line all come from there. A configured option hotkey that is also a review key stays the review key; that
/// option is answered with `e` (the labeling screen).
public enum ReviewKeymap {
  /// Letters the review keys take, kept out of the option keys handed out.
  public static var reservedCharacters: Set<Character> { Keymap.characters(in: [.review]) }

  /// The action of a key, given the question's option keys.
  public static func action(for key: Key, optionKeys: [Character]) -> ReviewAction? {
    if let action = Keymap.action(for: key, in: .review) {
      switch action {
      case .acceptAggregate: return .acceptAggregate
      case .pickAnnotator:
        guard case .char(let c) = key, let n = Keymap.pickKeys.firstIndex(of: c) else { return nil }
        return .pick(n + 1)
      case .editAnswer: return .edit
      case .comment: return .comment
      case .sendBack: return .sendBack
      case .nextTask: return .next
      case .previousTask: return .previous
      case .nextQueue: return .nextQueue
      case .previousQueue: return .previousQueue
      case .scrollDown: return .scrollDown
      case .scrollUp: return .scrollUp
      case .guidelines: return .guidelines
      case .search: return .search
      case .nextHit: return .nextMatch
      case .close: return .close
      case .help: return .help
      case .quit: return .quit
      default: return nil
      }
    }
    if case .char(let c) = key, optionKeys.contains(c) { return .answer(c) }
    return nil
  }

  /// The review bindings, as the `?` screen lists them (grouped rows joined), then the prompt keys.
  public static func helpRows() -> [(keys: String, help: String)] {
    var rows: [(keys: String, help: String)] = []
    var lastGroup: String?
    for context in [KeyContext.review, .prompt] {
      for binding in Keymap.bindings where binding.context == context {
        let label =
          binding.action == .pickAnnotator ? "⇧1–⇧9" : binding.keys.map(\.label).joined(separator: " ")
        if let group = binding.group, group == lastGroup, let last = rows.last {
          rows[rows.count - 1] = (last.keys + " / " + label, group)
          continue
        }
        lastGroup = binding.group
        rows.append((label, binding.helpText))
      }
      if context == .review {
        rows.insert(("1–9 …", "answer it yourself with the question's own keys (single choice, rating)"), at: 1)
        rows.append(("", ""))
        rows.append(("Typing", "a comment, a send-back reason or a search:"))
      }
    }
    return rows
  }

  /// The hint line: the review keys that fit in `width`, in the table's order, always ending with `?` and `q`.
  public static func hint(width: Int = 200) -> String {
    let shown: [Action] = [
      .acceptAggregate, .pickAnnotator, .editAnswer, .comment, .sendBack, .nextTask, .previousTask, .nextQueue,
      .search, .guidelines,
    ]
    func item(_ action: Action) -> String {
      action == .pickAnnotator
        ? "⇧1–9 \(Keymap.binding(action, in: .review)?.hint ?? "")" : Keymap.hint(action, in: .review)
    }
    let tail = [item(.help), item(.quit)]
    var parts: [String] = []
    for action in shown {
      let candidate = parts + [item(action)] + tail
      if candidate.joined(separator: " · ").count > width { break }
      parts.append(item(action))
    }
    return (parts + tail).joined(separator: " · ")
  }
}
