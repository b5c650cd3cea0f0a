import TallyCore
import TallyJSON

@testable import TallyUI

/// Builders for app states in tests.
enum Fixture {
  static let sentiment = Question(
    name: "sentiment", prompt: "Sentiment?", kind: .single,
    options: [
      AnswerOption(name: "pos", display: "Positive", description: "The writer is pleased."),
      AnswerOption(name: "neg", display: "Negative", description: "The writer is unhappy."),
      AnswerOption(name: "neu", display: "Neutral"),
    ])

  static let topics = Question(
    name: "topic", prompt: "Topic?", kind: .taxonomy,
    options: [
      AnswerOption(
        name: "billing", display: "Billing", key: "b",
        children: [
          AnswerOption(
            name: "refunds", display: "Refunds",
            children: [
              AnswerOption(name: "partial", display: "Partial refund"),
              AnswerOption(name: "full", display: "Full refund"),
            ]),
          AnswerOption(name: "invoices", display: "Invoices"),
        ]),
      AnswerOption(name: "other", display: "Other", key: "o"),
    ])

  static let tags = Question(
    name: "tags", prompt: "Tags?", kind: .multi,
    options: [AnswerOption(name: "food"), AnswerOption(name: "service"), AnswerOption(name: "price")])

  static let entities = Question(
    name: "entities", prompt: "Mark the entities", kind: .spans,
    options: [
      AnswerOption(name: "PER", display: "Person"), AnswerOption(name: "ORG", display: "Organisation"),
      AnswerOption(name: "LOC", display: "Location"),
    ])

  static func comparison(_ name: String = "overall", strength: Bool = false, bothBad: Bool = true) -> Question {
    var question = Question(
      name: name, prompt: "Which is better (\(name))?", kind: .comparison,
      options: Question.comparisonOptions(bothBad: bothBad))
    question.strength = strength
    return question
  }

  /// A side-by-side task: prompt, two responses and model names.
  static func pair(_ id: String, prompt: String, a: String, b: String) -> LabelTask {
    LabelTask(
      id: id, line: 1,
      fields: JSONObject([
        ("id", .string(id)), ("prompt", .string(prompt)), ("response_a", .string(a)), ("response_b", .string(b)),
        ("model_a", "atlas"), ("model_b", "borealis"),
      ]), text: prompt)
  }

  static func compareLayout(requireScroll: Bool = false, randomize: Bool = true) -> TaskLayout {
    var spec = CompareSpec()
    spec.requireScroll = requireScroll
    spec.randomizeSides = randomize
    return .compare(spec)
  }

  static func session(_ questions: [Question], total: Int = 3, guidelines: String? = "# Guide\n\nBe careful.\n")
    -> SessionInfo
  {
    SessionInfo(
      projectName: "demo", projectFolder: "demo", questions: questions, showFields: ["lang"], annotator: "ana",
      guidelines: guidelines, guidelinesVersion: guidelines.map { _ in "sha256:v1" }, toolVersion: "tally test",
      total: total)
  }

  static func task(_ id: String, _ text: String, prediction: JSONValue? = nil, lang: String = "en") -> LabelTask {
    LabelTask(
      id: id, line: 1, fields: JSONObject([("id", .string(id)), ("text", .string(text)), ("lang", .string(lang))]),
      text: text, prediction: prediction)
  }

  /// A state showing `task` at `position`, 80×24 unless told otherwise.
  static func state(
    _ questions: [Question] = [sentiment], task: LabelTask = task("t1", "The soup was wonderful."), position: Int = 0,
    total: Int = 3, width: Int = 80, height: Int = 24, previous: LabelRecord? = nil,
    handled: [TaskKey: HandledTask] = [:], guidelines: String? = "# Guide\n\nBe careful.\n",
    layout: TaskLayout = .text, seed: UInt64 = 0
  ) -> AppState {
    var info = session(questions, total: total, guidelines: guidelines)
    info.layout = layout
    info.seed = seed
    var state = AppState(session: info, width: width, height: height, handled: handled, now: 1000)
    _ = App.update(&state, Input(.loaded(LoadedTask(position: position, task: task, previous: previous)), time: 1000))
    state.message = nil
    return state
  }
}

extension AppState {
  /// Sends a key at a time and returns the effects.
  @discardableResult
  mutating func press(_ key: Key, at time: Double = 1001, id: String = "r-new") -> [Effect] {
    App.update(&self, Input(.key(key), time: time, freshID: id))
  }
}
