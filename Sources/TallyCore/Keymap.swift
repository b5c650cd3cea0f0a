/// Everything a key can ask a screen to do, in every mode of every program.
public enum Action: String, Sendable, CaseIterable {
  case submit, skip, back, forward, up, nextQuestion, previousQuestion, editText
  case scrollDown, scrollUp, pageDown, pageUp, textStart, textEnd, optionsDown, optionsUp
  case guidelines, describe, help, search, nextHit, previousHit, revisitSkipped, close, quit
  // Span questions.
  case charLeft, charRight, wordLeft, wordRight, lineUp, lineDown, lineStart, lineEnd
  case select, precision, removeSpan, previousSpan, nextSpan
  // Side by side.
  case focusPrevious, focusNext, scrollBothDown, scrollBothUp, toggleDiff, toggleRaw
  // Typing a free-text answer.
  case textEnter, textSubmit, stopEditing, cursorLeft, cursorRight, cursorWordLeft, cursorWordRight
  case cursorLineStart, cursorLineEnd, deleteBack, deleteForward, deleteWordBack, deleteWordForward
  case deleteToLineStart, deleteToLineEnd
  // Typing into a prompt (a search, a skip reason, a review comment or reason).
  case promptAccept, promptCancel, promptDeleteBack, promptClear, promptWhom
  // The quit question, the pause and feedback screens.
  case confirmYes, confirmNo, continueOn
  // Review.
  case acceptAggregate, pickAnnotator, editAnswer, comment, sendBack, nextTask, previousTask
  case nextQueue, previousQueue
}

/// Where a binding applies: a mode of a program. Each context is one block of the `?` screen.
public enum KeyContext: String, Sendable, CaseIterable {
  case labeling = "Labeling"
  case guidelines = "Guidelines"
  case anywhere = "Anywhere"
  /// While a span question is active (these keys win over the labeling ones).
  case spans = "Span questions"
  /// In a side-by-side task.
  case compare = "Side by side"
  /// While a free-text answer has the keys (other characters type themselves).
  case textField = "Typing an answer"
  /// While a search, a skip reason, a comment or a send-back reason is typed (other characters type).
  case prompt = "Typing a search, reason or comment"
  /// The question before quitting with answers on screen.
  case confirmQuit = "Quit question"
  /// A pause (too fast, gold accuracy) or the feedback after a gold task.
  case pause = "Pause and feedback"
  /// Reviewing (`tally review`).
  case review = "Review"
}

/// One row of the key table: the keys, what they do, and where.
public struct KeyBinding: Sendable {
  public var action: Action
  public var keys: [Key]
  public var help: String
  public var context: KeyContext
  /// Bindings next to each other with the same group are one row of the `?` screen ("↓ j / ↑ k  scroll …").
  public var group: String?
  /// The hint line's word for it ("skip"), when it has a place there.
  public var hint: String?

  public init(
    action: Action, keys: [Key], help: String, context: KeyContext, group: String? = nil, hint: String? = nil
  ) {
    self.action = action
    self.keys = keys
    self.help = help
    self.context = context
    self.group = group
    self.hint = hint
  }

  /// What the `?` screen says for this binding.
  public var helpText: String { group ?? help }
}

/// The one table of keys: it drives key dispatch in every mode, the `?` screens, the hint lines, and the keys
/// `tally.yaml` may not give to options (`ProjectConfigParser.reservedKeys` and its siblings read it).
public enum Keymap {
  public static let bindings: [KeyBinding] = labeling + spans + compare + textField + prompt + dialogs + review

  static let labeling: [KeyBinding] = [
    KeyBinding(
      action: .submit, keys: [.enter], help: "submit / accept the preselected answer", context: .labeling,
      hint: "submit"),
    KeyBinding(
      action: .skip, keys: [.char("s")], help: "skip the task (asks for an optional reason)", context: .labeling,
      hint: "skip"),
    KeyBinding(
      action: .back, keys: [.left, .char("u"), .char("<")], help: "back to the previous task", context: .labeling,
      group: "back / forward a task", hint: "back"),
    KeyBinding(
      action: .forward, keys: [.right, .char(">")], help: "forward to the next task", context: .labeling,
      group: "back / forward a task", hint: "next"),
    KeyBinding(action: .up, keys: [.backspace], help: "taxonomy: up one level", context: .labeling, hint: "up"),
    KeyBinding(
      action: .nextQuestion, keys: [.tab], help: "next question", context: .labeling,
      group: "next / previous question", hint: "question"),
    KeyBinding(
      action: .previousQuestion, keys: [.backTab], help: "previous question", context: .labeling,
      group: "next / previous question"),
    KeyBinding(
      action: .editText, keys: [.char("i")], help: "free text: start typing (Tab too)", context: .labeling,
      hint: "edit"),
    KeyBinding(
      action: .describe, keys: [.char("d")], help: "show or hide option descriptions", context: .labeling,
      hint: "descriptions"),
    KeyBinding(
      action: .revisitSkipped, keys: [.char("r")], help: "at the end: revisit skipped tasks", context: .labeling,
      hint: "revisit skipped"),
    KeyBinding(
      action: .scrollDown, keys: [.down, .char("j")], help: "scroll down a line", context: .anywhere,
      group: "scroll down / up a line", hint: "scroll"),
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
    KeyBinding(
      action: .guidelines, keys: [.char("g")], help: "open or close the guidelines", context: .anywhere,
      hint: "guidelines"),
    KeyBinding(
      action: .search, keys: [.char("/")], help: "search the guidelines (or the task text, if none)",
      context: .anywhere, hint: "search"),
    KeyBinding(
      action: .nextHit, keys: [.char("n")], help: "next search match", context: .anywhere,
      group: "next / previous search match", hint: "next/prev"),
    KeyBinding(
      action: .previousHit, keys: [.char("N")], help: "previous search match", context: .anywhere,
      group: "next / previous search match"),
    KeyBinding(action: .close, keys: [.escape], help: "close the pane or dialog", context: .anywhere, hint: "close"),
    KeyBinding(action: .help, keys: [.char("?")], help: "this list of keys", context: .anywhere, hint: "keys"),
    KeyBinding(
      action: .quit, keys: [.char("q"), .ctrl("c")], help: "quit (every submitted label is already saved)",
      context: .anywhere, hint: "quit"),
  ]

  static let spans: [KeyBinding] = [
    KeyBinding(
      action: .charLeft, keys: [.left], help: "cursor left a character (< > change task)", context: .spans,
      hint: "move"),
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
      action: .select, keys: [.char("v")], help: "start a selection (move to extend; Esc cancels)", context: .spans,
      hint: "select"),
    KeyBinding(
      action: .precision, keys: [.char("c")], help: "selections: whole words or exact characters", context: .spans,
      hint: "precision"),
    KeyBinding(
      action: .removeSpan, keys: [.char("x"), .delete], help: "remove the span under the cursor", context: .spans,
      hint: "remove"),
    KeyBinding(
      action: .previousSpan, keys: [.char("[")], help: "previous span", context: .spans, group: "previous / next span",
      hint: "spans"),
    KeyBinding(
      action: .nextSpan, keys: [.char("]")], help: "next span", context: .spans, group: "previous / next span"),
  ]

  static let compare: [KeyBinding] = [
    KeyBinding(
      action: .focusPrevious, keys: [.char("[")], help: "focus the pane to the left (prompt, left, right)",
      context: .compare, group: "focus the pane to the left / right", hint: "pane"),
    KeyBinding(
      action: .focusNext, keys: [.char("]")], help: "focus the pane to the right", context: .compare,
      group: "focus the pane to the left / right"),
    KeyBinding(
      action: .scrollBothDown, keys: [.char("J")], help: "scroll both responses down", context: .compare,
      group: "scroll both responses down / up", hint: "both"),
    KeyBinding(
      action: .scrollBothUp, keys: [.char("K")], help: "scroll both responses up", context: .compare,
      group: "scroll both responses down / up"),
    KeyBinding(
      action: .toggleDiff, keys: [.char("w")], help: "highlight the words that differ", context: .compare,
      hint: "diff"),
    KeyBinding(
      action: .toggleRaw, keys: [.char("m")], help: "show the texts as stored / formatted (Markdown)",
      context: .compare, hint: "raw"),
  ]

  static let textField: [KeyBinding] = [
    KeyBinding(
      action: .textEnter, keys: [.enter], help: "submit (in a long answer: a new line)", context: .textField,
      hint: "submit"),
    KeyBinding(action: .textSubmit, keys: [.ctrl("s")], help: "submit", context: .textField, hint: "submit"),
    KeyBinding(
      action: .stopEditing, keys: [.escape], help: "stop typing: keys are commands again (Tab or i types again)",
      context: .textField, hint: "commands"),
    KeyBinding(
      action: .cursorLeft, keys: [.left, .ctrl("b")], help: "cursor left a character", context: .textField,
      group: "cursor left / right a character"),
    KeyBinding(
      action: .cursorRight, keys: [.right, .ctrl("f")], help: "cursor right a character", context: .textField,
      group: "cursor left / right a character"),
    KeyBinding(
      action: .cursorWordLeft, keys: [.alt("b")], help: "cursor to the previous word", context: .textField,
      group: "cursor a word back / forward", hint: "word"),
    KeyBinding(
      action: .cursorWordRight, keys: [.alt("f")], help: "cursor to the next word", context: .textField,
      group: "cursor a word back / forward"),
    KeyBinding(
      action: .cursorLineStart, keys: [.home, .ctrl("a")], help: "cursor to the start of the line",
      context: .textField, group: "cursor to the start / end of the line"),
    KeyBinding(
      action: .cursorLineEnd, keys: [.end, .ctrl("e")], help: "cursor to the end of the line", context: .textField,
      group: "cursor to the start / end of the line"),
    KeyBinding(
      action: .deleteBack, keys: [.backspace], help: "delete the character before the cursor", context: .textField,
      group: "delete the character before / under the cursor"),
    KeyBinding(
      action: .deleteForward, keys: [.delete, .ctrl("d")], help: "delete the character under the cursor",
      context: .textField, group: "delete the character before / under the cursor"),
    KeyBinding(
      action: .deleteWordBack, keys: [.ctrl("w"), .alt("\u{7F}")], help: "delete the word before the cursor",
      context: .textField, group: "delete the word before / after the cursor", hint: "delete word"),
    KeyBinding(
      action: .deleteWordForward, keys: [.alt("d")], help: "delete the word after the cursor", context: .textField,
      group: "delete the word before / after the cursor"),
    KeyBinding(
      action: .deleteToLineStart, keys: [.ctrl("u")], help: "delete to the start of the line", context: .textField,
      group: "delete to the start / end of the line"),
    KeyBinding(
      action: .deleteToLineEnd, keys: [.ctrl("k")], help: "delete to the end of the line", context: .textField,
      group: "delete to the start / end of the line"),
    KeyBinding(
      action: .nextQuestion, keys: [.tab], help: "next question", context: .textField,
      group: "next / previous question"),
    KeyBinding(
      action: .previousQuestion, keys: [.backTab], help: "previous question", context: .textField,
      group: "next / previous question"),
    KeyBinding(
      action: .scrollDown, keys: [.down], help: "scroll the task down a line", context: .textField,
      group: "scroll the task down / up"),
    KeyBinding(
      action: .scrollUp, keys: [.up], help: "scroll the task up a line", context: .textField,
      group: "scroll the task down / up"),
    KeyBinding(
      action: .pageDown, keys: [.pageDown], help: "scroll the task down a page", context: .textField,
      group: "scroll the task down / up"),
    KeyBinding(
      action: .pageUp, keys: [.pageUp], help: "scroll the task up a page", context: .textField,
      group: "scroll the task down / up"),
    KeyBinding(
      action: .quit, keys: [.ctrl("c")], help: "quit (asks first; what is typed is not saved)", context: .textField,
      hint: "quit"),
  ]

  static let prompt: [KeyBinding] = [
    KeyBinding(action: .promptAccept, keys: [.enter], help: "done: search / keep it", context: .prompt, hint: "done"),
    KeyBinding(action: .promptCancel, keys: [.escape], help: "cancel", context: .prompt, hint: "cancel"),
    KeyBinding(action: .promptDeleteBack, keys: [.backspace], help: "delete the last character", context: .prompt),
    KeyBinding(action: .promptClear, keys: [.ctrl("u")], help: "clear what is typed", context: .prompt),
    KeyBinding(
      action: .promptWhom, keys: [.tab], help: "sending back: to all its annotators or to one (cycles)",
      context: .prompt, hint: "whom"),
    KeyBinding(action: .quit, keys: [.ctrl("c")], help: "quit", context: .prompt),
  ]

  static let dialogs: [KeyBinding] = [
    KeyBinding(
      action: .confirmYes, keys: [.char("y"), .char("Y"), .enter, .ctrl("c")], help: "yes, quit",
      context: .confirmQuit, hint: "quit"),
    KeyBinding(
      action: .confirmNo, keys: [.char("n"), .char("N"), .escape], help: "no, keep labeling", context: .confirmQuit,
      hint: "keep labeling"),
    KeyBinding(
      action: .continueOn, keys: [.enter], help: "continue (a pause: once its time is up)", context: .pause,
      hint: "continue"),
    KeyBinding(
      action: .close, keys: [.escape], help: "close the feedback (a pause stays)", context: .pause),
  ]

  /// Shift-digits pick annotator 1–9 (`!` is Shift-1 on most keyboards); a key's place is the annotator's.
  public static let pickKeys: [Character] = ["!", "@", "#", "$", "%", "^", "&", "*", "("]

  static let review: [KeyBinding] = [
    KeyBinding(
      action: .acceptAggregate, keys: [.enter], help: "accept the aggregate as the final answer", context: .review,
      hint: "accept"),
    KeyBinding(
      action: .pickAnnotator, keys: pickKeys.map { .char($0) }, help: "pick annotator N's answer (⇧1 … ⇧9)",
      context: .review, hint: "pick"),
    KeyBinding(
      action: .editAnswer, keys: [.char("e")],
      help: "answer it yourself on the labeling screen (every kind: spans, text, …); Enter there makes it final",
      context: .review, hint: "edit"),
    KeyBinding(
      action: .comment, keys: [.char("c")], help: "comment (kept with the next decision)", context: .review,
      hint: "comment"),
    KeyBinding(
      action: .sendBack, keys: [.char("b")], help: "send back to its annotators (or one) with a reason",
      context: .review, hint: "send back"),
    KeyBinding(
      action: .nextTask, keys: [.char("n"), .right], help: "next task", context: .review,
      group: "next / previous task", hint: "next"),
    KeyBinding(
      action: .previousTask, keys: [.char("p"), .left], help: "previous task", context: .review,
      group: "next / previous task", hint: "back"),
    KeyBinding(
      action: .nextQueue, keys: [.tab], help: "next queue (disagreements, flagged, sample, …)", context: .review,
      group: "next / previous queue", hint: "queue"),
    KeyBinding(
      action: .previousQueue, keys: [.backTab], help: "previous queue", context: .review,
      group: "next / previous queue"),
    KeyBinding(
      action: .scrollDown, keys: [.down, .char("j")], help: "scroll down a line", context: .review,
      group: "scroll down / up"),
    KeyBinding(
      action: .scrollUp, keys: [.up, .char("k")], help: "scroll up a line", context: .review,
      group: "scroll down / up"),
    KeyBinding(
      action: .guidelines, keys: [.char("g")], help: "open or close the guidelines", context: .review,
      hint: "guide"),
    KeyBinding(
      action: .search, keys: [.char("/")], help: "search the guidelines, or the task text when they are closed",
      context: .review, hint: "search"),
    KeyBinding(
      action: .nextHit, keys: [.char("N")], help: "next search match", context: .review, hint: "next match"),
    KeyBinding(action: .close, keys: [.escape], help: "close the guidelines or the keys", context: .review),
    KeyBinding(action: .help, keys: [.char("?")], help: "this list of keys", context: .review, hint: "keys"),
    KeyBinding(
      action: .quit, keys: [.char("q"), .ctrl("c")], help: "quit (every decision is saved as it is made)",
      context: .review, hint: "quit"),
  ]

  private static func table(_ contexts: Set<KeyContext>) -> [Key: Action] {
    var table: [Key: Action] = [:]
    for binding in bindings where contexts.contains(binding.context) {
      for key in binding.keys where table[key] == nil { table[key] = binding.action }
    }
    return table
  }

  private static let general = table([.labeling, .guidelines, .anywhere])
  private static let tables: [KeyContext: [Key: Action]] = Dictionary(
    uniqueKeysWithValues: KeyContext.allCases.map { ($0, table([$0])) })

  /// The action bound to a key. Without a context: the labeling screen's. With a span or side-by-side context,
  /// its own bindings win over the labeling ones; the other contexts (typing, dialogs, review) have only their
  /// own.
  public static func action(for key: Key, in context: KeyContext? = nil) -> Action? {
    switch context {
    case nil, .labeling?, .guidelines?, .anywhere?: return general[key]
    case .spans?, .compare?:
      if let context, let action = tables[context]?[key] { return action }
      return general[key]
    case let context?: return tables[context]?[key]
    }
  }

  /// The binding of an action in a context (the labeling contexts count as one).
  public static func binding(_ action: Action, in context: KeyContext? = nil) -> KeyBinding? {
    let general: Set<KeyContext> = [.labeling, .guidelines, .anywhere]
    if let context, !general.contains(context) {
      return bindings.first { $0.action == action && $0.context == context }
    }
    return bindings.first { $0.action == action && general.contains($0.context) }
  }

  /// The keys bound to an action, as shown in help ("← u").
  public static func keyLabels(_ action: Action, in context: KeyContext? = nil) -> String {
    binding(action, in: context)?.keys.map(\.label).joined(separator: " ") ?? ""
  }

  /// One key of an action's binding, as hint lines show it: the first (`last: false`) or the last.
  public static func key(_ action: Action, in context: KeyContext? = nil, last: Bool = false) -> String {
    guard let keys = binding(action, in: context)?.keys else { return "" }
    return (last ? keys.last : keys.first)?.label ?? ""
  }

  /// A hint line item for an action: its first key and its hint word ("s skip"); with `allKeys`, every key.
  public static func hint(_ action: Action, in context: KeyContext? = nil, allKeys: Bool = false) -> String {
    guard let binding = binding(action, in: context) else { return "" }
    let keys = allKeys ? binding.keys.map(\.label).joined(separator: " ") : binding.keys.first?.hintLabel ?? ""
    return "\(keys) \(binding.hint ?? binding.help)"
  }

  /// The one-character keys bound in these contexts: what an option's hotkey may not take there.
  public static func characters(in contexts: Set<KeyContext>) -> Set<Character> {
    var result = Set<Character>()
    for binding in bindings where contexts.contains(binding.context) {
      for key in binding.keys { if case .char(let c) = key { result.insert(c) } }
    }
    return result
  }
}
