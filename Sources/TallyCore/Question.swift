/// What kind of answer a question asks for.
public enum QuestionKind: String, Sendable, Equatable, CaseIterable {
  /// Exactly one option; picking it answers the question.
  case single
  /// Any number of options, toggled, confirmed with Enter.
  case multi
  /// A path through a tree of options of any depth.
  case taxonomy
  /// A number on a 1–N scale, one key per value.
  case rating
  /// Free text typed into a field (single line: Enter submits; multi-line: Ctrl-S submits).
  case text
  /// Labeled spans of the task text (entities); the options are the labels.
  case spans
  /// Which of two responses is better (side-by-side layout); stored as `a`, `b`, `tie` or `both_bad`.
  case comparison
}

/// One answer option, possibly with children (taxonomies).
public struct AnswerOption: Sendable, Equatable {
  /// Identifier stored in labels.
  public var name: String
  /// Shown on screen.
  public var display: String
  /// One or two sentences reachable from the question (`d`).
  public var description: String?
  /// Hotkey from `tally.yaml`, overriding the option's digit.
  public var key: Character?
  /// Children in a taxonomy.
  public var children: [AnswerOption]

  public init(
    name: String, display: String? = nil, description: String? = nil, key: Character? = nil,
    children: [AnswerOption] = []
  ) {
    self.name = name
    self.display = display ?? name
    self.description = description
    self.key = key
    self.children = children
  }

  public var isLeaf: Bool { children.isEmpty }
}

extension Question {
  /// The name under which a comparison's strength is stored.
  public var strengthName: String { name + "_strength" }

  /// The options of a comparison question, by screen side (their names are mapped to `a`/`b` on answer).
  public static func comparisonOptions(bothBad: Bool) -> [AnswerOption] {
    var options = [
      AnswerOption(name: "left", display: "Left better"),
      AnswerOption(name: "right", display: "Right better"),
      AnswerOption(name: "tie", display: "Tie"),
    ]
    if bothBad { options.append(AnswerOption(name: "both_bad", display: "Both bad")) }
    return options
  }

  /// The options of a comparison's strength step.
  public static let strengthOptions = [
    AnswerOption(name: "slightly", display: "Slightly better"),
    AnswerOption(name: "clearly", display: "Clearly better"),
  ]
}

/// A question asked of every task.
public struct Question: Sendable, Equatable {
  public var name: String
  public var prompt: String
  public var kind: QuestionKind
  public var options: [AnswerOption]
  /// A required question must be answered before the task is submitted.
  public var required: Bool
  /// Taxonomy: only leaves are answers (false: Enter inside a branch answers with the branch).
  public var leafOnly: Bool
  /// Free text: Enter starts a new line instead of submitting.
  public var multiline = false
  /// Free text: the fewest and most characters accepted.
  public var minLength: Int?
  public var maxLength: Int?
  /// Spans: overlapping spans are accepted.
  public var allowOverlap = false
  /// Comparison: after `a` or `b`, ask how much better (slightly or clearly), stored as `<name>_strength`.
  public var strength = false
  /// Refuse answers until the whole task text (side by side: both responses) has been scrolled into view.
  public var requireScroll = false
  /// Refuse answers until the guidelines pane has been opened in this session.
  public var requireGuidelines = false

  public init(
    name: String, prompt: String? = nil, kind: QuestionKind, options: [AnswerOption], required: Bool = true,
    leafOnly: Bool = true
  ) {
    self.name = name
    self.prompt = prompt ?? name
    self.kind = kind
    self.options = options
    self.required = required
    self.leafOnly = leafOnly
  }

  /// The option at a path of indices.
  public func option(at path: [Int]) -> AnswerOption? {
    var level = options
    var found: AnswerOption?
    for index in path {
      guard level.indices.contains(index) else { return nil }
      found = level[index]
      level = level[index].children
    }
    return found
  }

  /// The options shown at a taxonomy path (the top level for an empty path). Nil if the path is invalid.
  public func options(at path: [Int]) -> [AnswerOption]? {
    var level = options
    for index in path {
      guard level.indices.contains(index) else { return nil }
      level = level[index].children
    }
    return level
  }

  /// Names along a path of indices.
  public func names(at path: [Int]) -> [String]? {
    var level = options
    var names: [String] = []
    for index in path {
      guard level.indices.contains(index) else { return nil }
      names.append(level[index].name)
      level = level[index].children
    }
    return names
  }

  /// Indices along a path of names (a taxonomy answer). Nil if a name is not found.
  public func indices(of names: [String]) -> [Int]? {
    var level = options
    var path: [Int] = []
    for name in names {
      guard let index = level.firstIndex(where: { $0.name == name }) else { return nil }
      path.append(index)
      level = level[index].children
    }
    return path
  }

  /// Finds a taxonomy leaf (or any node) by name anywhere in the tree; returns its index path.
  public func path(toNamed name: String) -> [Int]? {
    func search(_ level: [AnswerOption], _ prefix: [Int]) -> [Int]? {
      for (i, option) in level.enumerated() {
        if option.name == name { return prefix + [i] }
        if let found = search(option.children, prefix + [i]) { return found }
      }
      return nil
    }
    return search(options, [])
  }
}

extension Question {
  /// Every hotkey set in `tally.yaml` for this question's options, at any depth.
  public var allOptionKeys: [Character] {
    func keys(_ level: [AnswerOption]) -> [Character] {
      level.flatMap { ($0.key.map { [$0] } ?? []) + keys($0.children) }
    }
    return keys(options)
  }
}
