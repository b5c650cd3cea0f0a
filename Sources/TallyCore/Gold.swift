import TallyJSON

/// The known answer of a gold (attention-check), training or exam task, read from its record's `gold`
/// field (shaped like a prediction: a value for the first question, or an object keyed by question name),
/// with an optional `explanation`.
public struct GoldAnswer: Sendable, Equatable {
  /// Question name → expected answer, for the questions the gold record covers.
  public var answers: JSONObject
  public var explanation: String?

  public init(answers: JSONObject, explanation: String? = nil) {
    self.answers = answers
    self.explanation = explanation
  }

  /// The key a gold task's records are indexed under (apart from a data task with the same id).
  public static func handledKey(_ taskID: String) -> String { handledKeyPrefix + taskID }
  public static let handledKeyPrefix = "\u{0}gold\u{0}"

  /// The field holding the expected answer.
  public static let field = "gold"
  /// The field holding the explanation shown with feedback.
  public static let explanationField = "explanation"

  /// Reads a task's gold answer; the reason when it has none the questions can use.
  public static func read(_ task: LabelTask, questions: [Question]) -> Result<GoldAnswer, DataProblem> {
    guard let value = task.fields[field], !value.isNull else {
      return .failure(DataProblem(line: task.line, reason: "no `gold` field with the expected answer"))
    }
    var answers = JSONObject()
    if case .object(let byQuestion) = value, let first = questions.first,
      first.kind != .spans || byQuestion["start"] == nil
    {
      for (name, item) in byQuestion.entries {
        guard let question = questions.first(where: { $0.name == name }) else {
          let known = questions.map(\.name).joined(separator: ", ")
          return .failure(
            DataProblem(line: task.line, reason: "gold answer for unknown question `\(name)` (questions: \(known))"))
        }
        guard let answer = expected(item, for: question, task: task) else {
          return .failure(DataProblem(line: task.line, reason: "gold answer for `\(name)` is not one of its answers"))
        }
        answers[name] = answer
      }
    } else if let first = questions.first {
      guard let answer = expected(value, for: first, task: task) else {
        return .failure(DataProblem(line: task.line, reason: "gold answer is not one of `\(first.name)`'s answers"))
      }
      answers[first.name] = answer
    }
    if answers.isEmpty {
      return .failure(DataProblem(line: task.line, reason: "`gold` names no question's answer"))
    }
    return .success(GoldAnswer(answers: answers, explanation: task.fields[explanationField]?.stringValue))
  }

  /// One expected answer, normalised like a prediction. An empty span list is an answer: nothing to mark.
  static func expected(_ value: JSONValue, for question: Question, task: LabelTask) -> JSONValue? {
    if question.kind == .spans, let items = value.arrayValue, items.isEmpty { return .array([]) }
    return Prediction.answer(from: value, for: question, task: task)
  }

  /// Whether `given` matches on every question the gold answer covers. Choices match exactly (a multi-choice
  /// as a set, a taxonomy as its whole path); a rating by value; free text ignoring case and surrounding
  /// spaces; a comparison by winner (`a`, `b`, `tie`, `both_bad`, whichever side it was shown on); spans when
  /// each expected span has a given span of the same label overlapping it by at least `spanOverlap`
  /// (intersection over union, one to one) and no given span is left over.
  public func isMatched(by given: JSONObject, questions: [Question], spanOverlap: Double) -> Bool {
    for (name, expected) in answers.entries {
      guard let question = questions.first(where: { $0.name == name }) else { continue }
      guard let answer = given[name] else { return false }
      if !Self.matches(answer, expected, question: question, spanOverlap: spanOverlap) { return false }
    }
    return true
  }

  static func matches(_ given: JSONValue, _ expected: JSONValue, question: Question, spanOverlap: Double) -> Bool {
    switch question.kind {
    case .multi:
      return Set(given.arrayValue?.compactMap(\.stringValue) ?? [])
        == Set(expected.arrayValue?.compactMap(\.stringValue) ?? [])
    case .text:
      return normalised(given.stringValue ?? "") == normalised(expected.stringValue ?? "")
    case .rating:
      return given.doubleValue == expected.doubleValue
    case .spans:
      return spansMatch(Span.list(given), Span.list(expected), threshold: spanOverlap)
    case .single, .taxonomy, .comparison:
      return given == expected
    }
  }

  static func normalised(_ text: String) -> String {
    String(text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " "))
  }

  /// Greedy one-to-one matching, best overlap first (spans are few, so the order hardly matters).
  static func spansMatch(_ given: [Span], _ expected: [Span], threshold: Double) -> Bool {
    guard given.count == expected.count else { return false }
    var unused = given
    for want in expected {
      var best: (index: Int, overlap: Double)?
      for (i, span) in unused.enumerated() where span.label == want.label {
        let overlap = intersectionOverUnion(span, want)
        if overlap >= threshold && overlap > (best?.overlap ?? -1) { best = (i, overlap) }
      }
      guard let best else { return false }
      unused.remove(at: best.index)
    }
    return true
  }

  /// Code points shared over code points covered by either.
  public static func intersectionOverUnion(_ a: Span, _ b: Span) -> Double {
    let shared = max(0, min(a.end, b.end) - max(a.start, b.start))
    let union = max(a.end, b.end) - min(a.start, b.start)
    return union > 0 ? Double(shared) / Double(union) : 0
  }

  /// The expected answers as a short line for the feedback screen (display names where the question has
  /// them).
  public func summary(questions: [Question]) -> [String] {
    questions.compactMap { question -> String? in
      guard let value = answers[question.name] else { return nil }
      return "\(question.prompt): \(Self.display(value, question: question))"
    }
  }

  static func display(_ value: JSONValue, question: Question) -> String {
    func name(_ option: String) -> String { question.options.first { $0.name == option }?.display ?? option }
    switch question.kind {
    case .single: return value.stringValue.map(name) ?? value.displayText
    case .multi: return (value.arrayValue?.compactMap(\.stringValue).map(name) ?? []).joined(separator: ", ")
    case .taxonomy:
      let names = value.arrayValue?.compactMap(\.stringValue) ?? []
      guard let path = question.indices(of: names) else { return names.joined(separator: " › ") }
      return (1...max(1, path.count)).compactMap { question.option(at: Array(path.prefix($0)))?.display }
        .joined(separator: " › ")
    case .rating: return value.displayText
    case .text: return "“\(value.stringValue ?? "")”"
    case .comparison:
      switch value.stringValue {
      case "a": return "response A"
      case "b": return "response B"
      case "tie": return "a tie"
      default: return "both bad"
      }
    case .spans:
      let spans = Span.list(value)
      return spans.isEmpty ? "no spans" : spans.map { "\($0.label) “\($0.text)”" }.joined(separator: ", ")
    }
  }
}
