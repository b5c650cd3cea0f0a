/// Reads a data record's prediction as answers to the project's questions.
public enum Prediction {
  /// The answers a task's prediction stands for: an option name (or list, or taxonomy path) for the first
  /// question, or an object keyed by question name.
  public static func answers(for task: LabelTask, questions: [Question]) -> JSONObject {
    guard let prediction = task.prediction, let first = questions.first else { return JSONObject() }
    var result = JSONObject()
    if case .object(let byQuestion) = prediction {
      for question in questions {
        if let value = byQuestion[question.name], let answer = answer(from: value, for: question) {
          result[question.name] = answer
        }
      }
    } else if let answer = answer(from: prediction, for: first) {
      result[first.name] = answer
    }
    return result
  }

  /// A taxonomy path is an answer if it ends at a leaf, or anywhere when branches may be answers.
  static func isAnswer(_ path: [Int], _ question: Question) -> Bool {
    !path.isEmpty && (!question.leafOnly || question.options(at: path)?.isEmpty == true)
  }

  static func answer(from value: JSONValue, for question: Question) -> JSONValue? {
    switch question.kind {
    case .text:
      return value.stringValue.map(JSONValue.string)
    case .rating:
      let number = value.doubleValue ?? value.stringValue.flatMap(Double.init)
      guard let number, number == number.rounded(), number >= 1, number <= Double(question.options.count) else {
        return nil
      }
      return .number(number)
    case .single:
      guard let name = value.stringValue ?? value.arrayValue?.first?.stringValue,
        question.options.contains(where: { $0.name == name })
      else { return nil }
      return .string(name)
    case .multi:
      let names =
        value.arrayValue?.compactMap(\.stringValue)
        ?? value.stringValue.map { $0.split(separator: ",").map { String($0).trimming(" ") } } ?? []
      let valid = question.options.map(\.name).filter(names.contains)
      return valid.isEmpty ? nil : .array(valid.map(JSONValue.string))
    case .taxonomy:
      if let names = value.arrayValue?.compactMap(\.stringValue), let path = question.indices(of: names),
        isAnswer(path, question)
      {
        return .array(names.map(JSONValue.string))
      }
      if let name = value.stringValue {
        let parts = name.split(separator: "/").map(String.init)
        if parts.count > 1, let path = question.indices(of: parts), isAnswer(path, question) {
          return .array(parts.map(JSONValue.string))
        }
        if let path = question.path(toNamed: name), isAnswer(path, question),
          let names = question.names(at: path)
        {
          return .array(names.map(JSONValue.string))
        }
      }
      return nil
    }
  }

}
