import TallyJSON

/// The verdict of a comparison question, stored as `a`, `b`, `tie` or `both_bad`, never as screen sides.
public enum Verdict: String, Sendable, Hashable, CaseIterable {
  case a, b, tie
  case bothBad = "both_bad"
}

/// A typed answer to one question: what each question kind's answer is, converted to and from JSON only at the
/// edges (the label log, the export), with the text it is shown as and the comparisons the statistics and
/// gold scoring need.
public enum Answer: Sendable, Hashable {
  /// Single choice: an option's name (nominal).
  case choice(String)
  /// Multi-choice: option names, in option order, none twice (a set: Jaccard / MASI).
  case choices([String])
  /// Taxonomy: the names from the root down (exact, or agreement at each depth).
  case path([String])
  /// Rating: the value on the scale (ordinal or interval).
  case rating(Double)
  /// Free text (compared normalised: case and runs of white space ignored).
  case text(String)
  /// Spans, in document order (exact or overlap matching).
  case spans([Span])
  /// Comparison: the verdict, and for a or b the strength (`slightly`/`clearly`) when asked.
  case comparison(Verdict, strength: String?)
}

extension Answer {
  /// The answer to `question` among a record's answers, or nil when it is absent or not of the question's kind.
  public init?(answers: JSONObject, question: Question) {
    guard let value = answers[question.name] else { return nil }
    self.init(json: value, question: question, strength: answers[question.strengthName])
  }

  /// Reads one answer value as stored in the log.
  public init?(json value: JSONValue, question: Question, strength: JSONValue? = nil) {
    switch question.kind {
    case .single:
      guard let name = value.stringValue else { return nil }
      self = .choice(name)
    case .multi:
      guard let items = value.arrayValue else { return nil }
      let names = items.compactMap(\.stringValue)
      guard names.count == items.count else { return nil }
      let order = question.options.map(\.name)
      var unique: [String] = []
      for name in names where !unique.contains(name) { unique.append(name) }
      self = .choices(
        unique.sorted { (order.firstIndex(of: $0) ?? Int.max, $0) < (order.firstIndex(of: $1) ?? Int.max, $1) })
    case .taxonomy:
      if let items = value.arrayValue {
        let names = items.compactMap(\.stringValue)
        guard names.count == items.count, !names.isEmpty else { return nil }
        self = .path(names)
      } else if let name = value.stringValue {
        self = .path(name.split(separator: "/").map(String.init))
      } else {
        return nil
      }
    case .rating:
      guard let number = value.doubleValue ?? value.stringValue.flatMap(Double.init) else { return nil }
      self = .rating(number)
    case .text:
      guard let text = value.stringValue else { return nil }
      self = .text(text)
    case .spans:
      guard let items = value.arrayValue else { return nil }
      let spans = items.compactMap(Span.init(json:))
      guard spans.count == items.count else { return nil }
      self = .spans(Span.sorted(spans))
    case .comparison:
      guard let raw = value.stringValue, let verdict = Verdict(rawValue: raw) else { return nil }
      self = .comparison(verdict, strength: verdict == .a || verdict == .b ? strength?.stringValue : nil)
    }
  }

  /// The value stored in a record's `answers` under the question's name (a comparison's strength is stored
  /// beside it, see `strengthJSON`).
  public var json: JSONValue {
    switch self {
    case .choice(let name): return .string(name)
    case .choices(let names): return .array(names.map(JSONValue.string))
    case .path(let names): return .array(names.map(JSONValue.string))
    case .rating(let value): return .number(value)
    case .text(let text): return .string(text)
    case .spans(let spans): return Span.answer(spans)
    case .comparison(let verdict, _): return .string(verdict.rawValue)
    }
  }

  /// A comparison's strength, stored as `<name>_strength`.
  public var strengthJSON: JSONValue? {
    if case .comparison(_, let strength?) = self { return .string(strength) }
    return nil
  }

  /// The answer as text for people: display names of options, a taxonomy path with `›`, a quoted text, spans
  /// with their labels.
  public func display(_ question: Question) -> String {
    func name(_ option: String) -> String { question.options.first { $0.name == option }?.display ?? option }
    switch self {
    case .choice(let option): return name(option)
    case .choices(let options): return options.isEmpty ? "none" : options.map(name).joined(separator: ", ")
    case .path(let names):
      guard let path = question.indices(of: names) else { return names.joined(separator: " › ") }
      return (1...max(1, path.count)).compactMap { question.option(at: Array(path.prefix($0)))?.display }
        .joined(separator: " › ")
    case .rating(let value): return JSONValue.format(number: value)
    case .text(let text): return "“\(text)”"
    case .spans(let spans):
      return spans.isEmpty ? "no spans" : spans.map { "\($0.label) “\($0.text)”" }.joined(separator: ", ")
    case .comparison(let verdict, let strength):
      let base: String
      switch verdict {
      case .a: base = "response A"
      case .b: base = "response B"
      case .tie: base = "a tie"
      case .bothBad: base = "both bad"
      }
      return strength.map { "\(base) (\($0))" } ?? base
    }
  }

  /// One string that two answers share exactly when they are the same category: the unit of nominal
  /// agreement and of voting (a comparison's strength is left out: the verdict is the category).
  public var category: String {
    switch self {
    case .choice(let name): return name
    case .choices(let names): return names.joined(separator: "|")
    case .path(let names): return names.joined(separator: "/")
    case .rating(let value): return JSONValue.format(number: value)
    case .text(let text): return Answer.normalised(text)
    case .spans(let spans): return spans.map { "\($0.start)-\($0.end):\($0.label)" }.joined(separator: ",")
    case .comparison(let verdict, _): return verdict.rawValue
    }
  }

  /// Free text as compared: lower-cased, runs of white space as one space, none at the ends.
  public static func normalised(_ text: String) -> String {
    String(text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " "))
  }

  /// A rating's value.
  public var number: Double? {
    if case .rating(let value) = self { return value }
    return nil
  }

  /// A multi-choice answer's options.
  public var optionSet: Set<String>? {
    if case .choices(let names) = self { return Set(names) }
    return nil
  }

  /// A taxonomy path cut to `depth` levels (nil when it is not that deep).
  public func path(toDepth depth: Int) -> [String]? {
    guard case .path(let names) = self, names.count >= depth else { return nil }
    return Array(names.prefix(depth))
  }

  /// Jaccard distance between two multi-choice answers: 1 − |A∩B| / |A∪B| (0 for two empty answers).
  public func jaccardDistance(to other: Answer) -> Double? {
    guard let a = optionSet, let b = other.optionSet else { return nil }
    let union = a.union(b).count
    return union == 0 ? 0 : 1 - Double(a.intersection(b).count) / Double(union)
  }

  /// Whether this answer is the `expected` one, as gold scoring judges it: choices and taxonomy paths exactly, a
  /// multi-choice as a set, a rating by value, free text normalised, a comparison by its verdict (whichever side
  /// it was shown on), spans one to one by label at an intersection over union of at least `spanOverlap`.
  public func matches(_ expected: Answer, spanOverlap: Double) -> Bool {
    switch (self, expected) {
    case (.choices(let a), .choices(let b)): return Set(a) == Set(b)
    case (.text(let a), .text(let b)): return Answer.normalised(a) == Answer.normalised(b)
    case (.rating(let a), .rating(let b)): return a == b
    case (.spans(let given), .spans(let wanted)):
      return SpanMatching.pairs(given, wanted, threshold: spanOverlap).count == wanted.count
        && given.count == wanted.count
    case (.comparison(let a, _), .comparison(let b, _)): return a == b
    default: return self == expected
    }
  }
}

/// Matching two sets of spans, for gold scoring and span agreement.
public enum SpanMatching {
  /// Code points shared over code points covered by either.
  public static func intersectionOverUnion(_ a: Span, _ b: Span) -> Double {
    let shared = max(0, min(a.end, b.end) - max(a.start, b.start))
    let union = max(a.end, b.end) - min(a.start, b.start)
    return union > 0 ? Double(shared) / Double(union) : 0
  }

  /// Pairs (index in `a`, index in `b`) of spans with the same label overlapping by at least `threshold`
  /// (intersection over union; 1 is exact), matched one to one, best overlap first.
  public static func pairs(_ a: [Span], _ b: [Span], threshold: Double) -> [(Int, Int)] {
    var candidates: [(overlap: Double, i: Int, j: Int)] = []
    for (i, x) in a.enumerated() {
      for (j, y) in b.enumerated() where x.label == y.label && x.overlaps(y) {
        let overlap = intersectionOverUnion(x, y)
        if overlap >= threshold - 1e-12 { candidates.append((overlap, i, j)) }
      }
    }
    candidates.sort { ($0.overlap, -$0.i, -$0.j) > ($1.overlap, -$1.i, -$1.j) }
    var usedA = Set<Int>()
    var usedB = Set<Int>()
    var result: [(Int, Int)] = []
    for c in candidates where !usedA.contains(c.i) && !usedB.contains(c.j) {
      usedA.insert(c.i)
      usedB.insert(c.j)
      result.append((c.i, c.j))
    }
    return result.sorted { $0 < $1 }
  }

  /// F1 of two annotators' spans: matched pairs over the mean count (1 when both marked nothing).
  public static func f1(_ a: [Span], _ b: [Span], threshold: Double) -> Double {
    if a.isEmpty && b.isEmpty { return 1 }
    let matched = Double(pairs(a, b, threshold: threshold).count)
    return 2 * matched / Double(a.count + b.count)
  }
}
