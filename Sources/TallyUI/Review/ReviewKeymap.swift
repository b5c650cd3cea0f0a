import TallyCore

/// What a review key does.
public enum ReviewAction: Sendable, Equatable {
  case acceptAggregate
  case pick(Int)  // annotator N (1-based), in the order shown
  case answer(Character)  // the question's own option key
  case comment, sendBack, next, previous, guidelines, help, quit
}

/// The one table of review keys: dispatch, the `?` screen and the hint line all read it.
public enum ReviewKeymap {
  public struct Entry: Sendable {
    public var keys: [Key]
    public var label: String
    public var help: String
    public var action: ReviewAction?
    /// The hint line's words for it.
    public var hint: String
  }

  /// Shift-digits pick annotator 1–9 (`!` is Shift-1 on most keyboards).
  public static let pickKeys: [Character] = ["!", "@", "#", "$", "%", "^", "&", "*", "("]

  public static let entries: [Entry] = [
    Entry(
      keys: [.enter], label: "Enter", help: "accept the aggregate as the final answer", action: .acceptAggregate,
      hint: "accept"),
    Entry(
      keys: [], label: "1–9", help: "answer it yourself with the question's keys (an override)", action: nil,
      hint: "answer"),
    Entry(keys: [], label: "⇧1–⇧9", help: "pick annotator N's answer (! @ # …)", action: nil, hint: "pick"),
    Entry(
      keys: [.char("c")], label: "c", help: "comment (kept with the next decision)", action: .comment, hint: "comment"),
    Entry(
      keys: [.char("b")], label: "b", help: "send back to its annotators (or one) with a reason", action: .sendBack,
      hint: "send back"),
    Entry(keys: [.char("n"), .right], label: "n →", help: "next task", action: .next, hint: "next"),
    Entry(keys: [.char("p"), .left], label: "p ←", help: "previous task", action: .previous, hint: "back"),
    Entry(keys: [.char("g")], label: "g", help: "guidelines", action: .guidelines, hint: "guide"),
    Entry(keys: [.char("?")], label: "?", help: "these keys", action: .help, hint: "keys"),
    Entry(
      keys: [.char("q")], label: "q", help: "quit (every decision is saved as it is made)", action: .quit, hint: "quit"),
  ]

  /// Letters the review keys take, kept out of the option keys.
  public static var reservedCharacters: Set<Character> {
    var result = Set(pickKeys)
    for entry in entries {
      for key in entry.keys { if case .char(let c) = key { result.insert(c) } }
    }
    return result
  }

  /// The action of a key, given the question's option keys.
  public static func action(for key: Key, optionKeys: [Character]) -> ReviewAction? {
    for entry in entries where entry.keys.contains(key) { return entry.action }
    if case .char(let c) = key {
      if let n = pickKeys.firstIndex(of: c) { return .pick(n + 1) }
      if optionKeys.contains(c) { return .answer(c) }
    }
    return nil
  }

  /// The hint line: every key that fits in `width`, in the table's order, always ending with `?` and `q`.
  public static func hint(width: Int = 200) -> String {
    let tail = entries.filter { $0.action == .help || $0.action == .quit }.map { "\($0.label) \($0.hint)" }
    var parts: [String] = []
    for entry in entries where entry.action != .help && entry.action != .quit {
      let candidate = parts + ["\(entry.label) \(entry.hint)"] + tail
      if candidate.joined(separator: " · ").count > width { break }
      parts.append("\(entry.label) \(entry.hint)")
    }
    return (parts + tail).joined(separator: " · ")
  }
}
