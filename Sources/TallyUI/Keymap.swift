/// Everything a key can ask the labeling screen to do.
public enum Action: String, Sendable, CaseIterable {
  case submit, skip, back, forward, up, nextQuestion, previousQuestion
  case scrollDown, scrollUp, pageDown, pageUp
  case guidelines, describe, help, search, nextHit, previousHit, revisitSkipped, close, quit
}

/// Where a binding applies.
public enum KeyContext: String, Sendable {
  case labeling = "Labeling"
  case guidelines = "Guidelines"
  case anywhere = "Anywhere"
}

/// One row of the key table: the keys, what they do, and where.
public struct KeyBinding: Sendable {
  public var action: Action
  public var keys: [Key]
  public var help: String
  public var context: KeyContext
}

/// The one table that drives key dispatch and the help screen.
public enum Keymap {
  public static let bindings: [KeyBinding] = [
    KeyBinding(action: .submit, keys: [.enter], help: "submit / accept the preselected answer", context: .labeling),
    KeyBinding(action: .skip, keys: [.char("s")], help: "skip the task (asks for an optional reason)", context: .labeling),
    KeyBinding(action: .back, keys: [.left, .char("u")], help: "back to the previous task", context: .labeling),
    KeyBinding(action: .forward, keys: [.right], help: "forward to the next task", context: .labeling),
    KeyBinding(action: .up, keys: [.backspace], help: "taxonomy: up one level", context: .labeling),
    KeyBinding(action: .nextQuestion, keys: [.tab], help: "next question", context: .labeling),
    KeyBinding(action: .previousQuestion, keys: [.backTab], help: "previous question", context: .labeling),
    KeyBinding(action: .describe, keys: [.char("d")], help: "show or hide option descriptions", context: .labeling),
    KeyBinding(action: .revisitSkipped, keys: [.char("r")], help: "at the end: revisit skipped tasks", context: .labeling),
    KeyBinding(action: .scrollDown, keys: [.down, .char("j")], help: "scroll down a line", context: .anywhere),
    KeyBinding(action: .scrollUp, keys: [.up, .char("k")], help: "scroll up a line", context: .anywhere),
    KeyBinding(action: .pageDown, keys: [.pageDown, .char(" ")], help: "scroll down a page", context: .anywhere),
    KeyBinding(action: .pageUp, keys: [.pageUp], help: "scroll up a page", context: .anywhere),
    KeyBinding(action: .guidelines, keys: [.char("g")], help: "open or close the guidelines", context: .anywhere),
    KeyBinding(action: .search, keys: [.char("/")], help: "search the guidelines", context: .guidelines),
    KeyBinding(action: .nextHit, keys: [.char("n")], help: "next search match", context: .guidelines),
    KeyBinding(action: .previousHit, keys: [.char("N")], help: "previous search match", context: .guidelines),
    KeyBinding(action: .close, keys: [.escape], help: "close the pane or dialog", context: .anywhere),
    KeyBinding(action: .help, keys: [.char("?")], help: "this list of keys", context: .anywhere),
    KeyBinding(action: .quit, keys: [.char("q"), .ctrl("c")], help: "quit (every submitted label is already saved)", context: .anywhere),
  ]

  private static let table: [Key: Action] = {
    var table: [Key: Action] = [:]
    for binding in bindings {
      for key in binding.keys where table[key] == nil { table[key] = binding.action }
    }
    return table
  }()

  /// The action bound to a key, if any.
  public static func action(for key: Key) -> Action? { table[key] }

  /// The keys bound to an action, as shown in help ("← u").
  public static func keyLabels(_ action: Action) -> String {
    bindings.first { $0.action == action }?.keys.map(\.label).joined(separator: " ") ?? ""
  }
}
