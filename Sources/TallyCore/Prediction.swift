import TallyJSON

/// Reads a data record's prediction as answers to the project's questions.
public enum Prediction {
  /// The answers a task's prediction stands for: an option name (or list, or taxonomy path) for the first
  /// question, or an object keyed by question name.
  /// Span questions also read the record's `spans` field (`[{"start", "end", "label"}]`).
  public static func answers(for task: LabelTask, questions: [Question]) -> JSONObject {
    var result = JSONObject()
    if let prediction = task.prediction, let first = questions.first {
      if case .object(let byQuestion) = prediction {
        for question in questions {
          if let value = byQuestion[question.name], let answer = answer(from: value, for: question, task: task) {
            result[question.name] = answer
          }
        }
      } else if let answer = answer(from: prediction, for: first, task: task) {
        result[first.name] = answer
      }
    }
    if let spans = task.fields[spansField],
      let question = questions.first(where: { $0.kind == .spans && result[$0.name] == nil }),
      let answer = answer(from: spans, for: question, task: task)
    {
      result[question.name] = answer
    }
    return result
  }

  /// The data field holding predicted spans.
  public static let spansField = "spans"

  /// Predicted spans with known labels and offsets inside the text; their text is taken from the task
  /// (a prediction whose stored text disagrees with its offsets is dropped). Overlaps are dropped unless allowed.
  static func spans(from value: JSONValue, for question: Question, task: LabelTask) -> JSONValue? {
    guard let items = value.arrayValue else { return nil }
    let text = CodePointText(task.text)
    let labels = Set(question.options.map(\.name))
    var spans: [Span] = []
    for item in items {
      guard let span = Span(json: item), span.end <= text.count, labels.contains(span.label) else { continue }
      let covered = text.slice(span.start, span.end)
      if let stored = item.objectValue?["text"]?.stringValue, stored != covered { continue }
      let candidate = Span(start: span.start, end: span.end, label: span.label, text: covered)
      if !question.allowOverlap && spans.contains(where: { $0.overlaps(candidate) }) { continue }
      if !spans.contains(candidate) { spans.append(candidate) }
    }
    return spans.isEmpty ? nil : Span.answer(spans)
  }

  /// A taxonomy path is an answer if it ends at a leaf, or anywhere when branches may be answers.
  static func isAnswer(_ path: [Int], _ question: Question) -> Bool {
    !path.isEmpty && (!question.leafOnly || question.options(at: path)?.isEmpty == true)
  }

  static func answer(from value: JSONValue, for question: Question, task: LabelTask) -> JSONValue? {
    switch question.kind {
    case .spans:
      return spans(from: value, for: question, task: task)
    case .comparison:
      guard let name = value.stringValue, ["a", "b", "tie", "both_bad"].contains(name) else { return nil }
      if name == "both_bad" && !question.options.contains(where: { $0.name == "both_bad" }) { return nil }
      return .string(name)
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
