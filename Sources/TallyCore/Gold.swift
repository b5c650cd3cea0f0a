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

  /// Whether `given` matches on every question the gold answer covers, by `Answer.matches` (the typed answers
  /// agreement and aggregation use too).
  public func isMatched(by given: JSONObject, questions: [Question], spanOverlap: Double) -> Bool {
    for (name, value) in answers.entries {
      guard let question = questions.first(where: { $0.name == name }) else { continue }
      guard let expected = Answer(json: value, question: question, strength: answers[question.strengthName]),
        let answer = Answer(answers: given, question: question)
      else { return false }
      if !answer.matches(expected, spanOverlap: spanOverlap) { return false }
    }
    return true
  }

  /// The expected answers as a short line for the feedback screen (display names where the question has
  /// them).
  public func summary(questions: [Question]) -> [String] {
    questions.compactMap { question -> String? in
      guard let value = answers[question.name], let answer = Answer(json: value, question: question) else {
        return nil
      }
      return "\(question.prompt): \(answer.display(question))"
    }
  }
}
