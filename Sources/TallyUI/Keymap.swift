/// Everything a key can ask the labeling screen to do.
public enum Action: String, Sendable, CaseIterable {
  case submit, skip, back, forward, up, nextQuestion, previousQuestion
  case scrollDown, scrollUp, pageDown, pageUp, textStart, textEnd, optionsDown, optionsUp
  case guidelines, describe, help, search, nextHit, previousHit, revisitSkipped, close, quit
  // Span questions.
  case charLeft, charRight, wordLeft, wordRight, lineUp, lineDown, lineStart, lineEnd
  case select, precision, removeSpan, previousSpan, nextSpan
  // Side by side.
  case focusPrevious, focusNext, scrollBothDown, scrollBothUp, toggleDiff, toggleRaw
}

/// Where a binding applies.
public enum KeyContext: String, Sendable {
  case labeling = "Labeling"
  case guidelines = "Guidelines"
  case anywhere = "Anywhere"
  /// While a span question is active (these keys win over the labeling ones).
  case spans = "Span questions"
  /// In a side-by-side task.
  case compare = "Side by side"
}

/// One row of the key table: the keys, what they do, and where.
public struct KeyBinding: Sendable {
  public var action: Action
  public var keys: [Key]
  public var help: String
  public var context: KeyContext
  /// Bindings next to each other with the same group are one row of the `?` screen ("↓ j / ↑ k  scroll …").
  public var group: String?

  public init(action: Action, keys: [Key], help: String, context: KeyContext, group: String? = nil) {
    self.action = action
    self.keys = keys
    self.help = help
    self.context = context
    self.group = group
  }

  /// What the `?` screen says for this binding.
  public var helpText: String { group ?? help }
}

/// The one table that drives key dispatch and the help screen.
public enum Keymap {
  public static let bindings: [KeyBinding] = [
    KeyBinding(action: .submit, keys: [.enter], help: "submit / accept the preselected answer", context: .labeling),
    KeyBinding(
      action: .skip, keys: [.char("s")], help: "skip the task (asks for an optional reason)", context: .labeling),
    KeyBinding(
      action: .back, keys: [.left, .char("u"), .char("<")], help: "back to the previous task", context: .labeling,
      group: "back / forward a task"),
    KeyBinding(
      action: .forward, keys: [.right, .char(">")], help: "forward to the next task", context: .labeling,
      group: "back / forward a task"),
    KeyBinding(action: .up, keys: [.backspace], help: "taxonomy: up one level", context: .labeling),
    KeyBinding(
      action: .nextQuestion, keys: [.tab], help: "next question", context: .labeling, group: "next / previous question"),
    KeyBinding(
      action: .previousQuestion, keys: [.backTab], help: "previous question", context: .labeling,
      group: "next / previous question"),
    KeyBinding(action: .describe, keys: [.char("d")], help: "show or hide option descriptions", context: .labeling),
    KeyBinding(
      action: .revisitSkipped, keys: [.char("r")], help: "at the end: revisit skipped tasks", context: .labeling),
    KeyBinding(
      action: .scrollDown, keys: [.down, .char("j")], help: "scroll down a line", context: .anywhere,
      group: "scroll down / up a line"),
    KeyBinding(
      action: .scrollUp, keys: [.up, .char("k")], help: "scroll up a line", context: .anywhere,
      group: "scroll down / up a line"),
    KeyBinding(
      action: .pageDown, keys: [.pageDown, .char(" ")], help: "scroll down a page", context: .anywhere,
      group: "scroll down / up a page"),
    KeyBinding(
      action: .pageUp, keys: [.pageUp], help: "scroll up a page", context: .anywhere, group: "scroll down / up a page"),
    KeyBinding(
      action: .textStart, keys: [.home], help: "to the start of the task text", context: .labeling,
      group: "to the start / end of the task text"),
    KeyBinding(
      action: .textEnd, keys: [.end], help: "to the end of the task text", context: .labeling,
      group: "to the start / end of the task text"),
    KeyBinding(
      action: .optionsDown, keys: [.char("J")], help: "scroll the options, when they do not fit", context: .labeling,
      group: "scroll the options down / up, when they do not fit"),
    KeyBinding(
      action: .optionsUp, keys: [.char("K")], help: "scroll the options back", context: .labeling,
      group: "scroll the options down / up, when they do not fit"),
    KeyBinding(action: .guidelines, keys: [.char("g")], help: "open or close the guidelines", context: .anywhere),
    KeyBinding(
      action: .search, keys: [.char("/")], help: "search the guidelines (or the task text, if none)", context: .anywhere
    ),
    KeyBinding(
      action: .nextHit, keys: [.char("n")], help: "next search match", context: .anywhere,
      group: "next / previous search match"),
    KeyBinding(
      action: .previousHit, keys: [.char("N")], help: "previous search match", context: .anywhere,
      group: "next / previous search match"),
    KeyBinding(action: .close, keys: [.escape], help: "close the pane or dialog", context: .anywhere),
    KeyBinding(action: .help, keys: [.char("?")], help: "this list of keys", context: .anywhere),
    KeyBinding(
      action: .quit, keys: [.char("q"), .ctrl("c")], help: "quit (every submitted label is already saved)",
      context: .anywhere),
    KeyBinding(action: .charLeft, keys: [.left], help: "cursor left a character (< > change task)", context: .spans),
    KeyBinding(action: .charRight, keys: [.right], help: "cursor right a character", context: .spans),
    KeyBinding(
      action: .wordLeft, keys: [.char("b"), .alt("b")], help: "cursor to the previous word (also Ctrl-←)",
      context: .spans),
    KeyBinding(
      action: .wordRight, keys: [.char("w"), .alt("f")], help: "cursor to the next word (also Ctrl-→)", context: .spans),
    KeyBinding(action: .lineUp, keys: [.up, .char("k")], help: "cursor up a line", context: .spans),
    KeyBinding(action: .lineDown, keys: [.down, .char("j")], help: "cursor down a line", context: .spans),
    KeyBinding(action: .lineStart, keys: [.home], help: "cursor to the start of the line", context: .spans),
    KeyBinding(action: .lineEnd, keys: [.end], help: "cursor to the end of the line", context: .spans),
    KeyBinding(
      action: .select, keys: [.char("v")], help: "start a selection (move to extend; Esc cancels)", context: .spans),
    KeyBinding(
      action: .precision, keys: [.char("c")], help: "selections: whole words or exact characters", context: .spans),
    KeyBinding(
      action: .removeSpan, keys: [.char("x"), .delete], help: "remove the span under the cursor", context: .spans),
    KeyBinding(action: .previousSpan, keys: [.char("[")], help: "previous span", context: .spans),
    KeyBinding(action: .nextSpan, keys: [.char("]")], help: "next span", context: .spans),
    KeyBinding(
      action: .focusPrevious, keys: [.char("[")], help: "focus the pane to the left (prompt, left, right)",
      context: .compare),
    KeyBinding(action: .focusNext, keys: [.char("]")], help: "focus the pane to the right", context: .compare),
    KeyBinding(action: .scrollBothDown, keys: [.char("J")], help: "scroll both responses down", context: .compare),
    KeyBinding(action: .scrollBothUp, keys: [.char("K")], help: "scroll both responses up", context: .compare),
    KeyBinding(action: .toggleDiff, keys: [.char("w")], help: "highlight the words that differ", context: .compare),
    KeyBinding(
      action: .toggleRaw, keys: [.char("m")], help: "show the texts as stored / formatted (Markdown)", context: .compare
    ),
  ]

  private static func table(_ contexts: Set<KeyContext>) -> [Key: Action] {
    var table: [Key: Action] = [:]
    for binding in bindings where contexts.contains(binding.context) {
      for key in binding.keys where table[key] == nil { table[key] = binding.action }
    }
    return table
  }

  private static let general = table([.labeling, .guidelines, .anywhere])
  private static let spanTable = table([.spans])
  private static let compareTable = table([.compare])

  /// The action bound to a key, if any; a context's own bindings win over the general ones.
  public static func action(for key: Key, in context: KeyContext? = nil) -> Action? {
    switch context {
    case .spans: if let action = spanTable[key] { return action }
    case .compare: if let action = compareTable[key] { return action }
    default: break
    }
    return general[key]
  }

  /// The keys bound to an action, as shown in help ("← u").
  public static func keyLabels(_ action: Action) -> String {
    bindings.first { $0.action == action }?.keys.map(\.label).joined(separator: " ") ?? ""
  }
}
