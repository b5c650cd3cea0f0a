import TallyCore

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
          AnswerOption(name: "refunds", display: "Refunds", children: [AnswerOption(name: "partial", display: "Partial refund"), AnswerOption(name: "full", display: "Full refund")]),
          AnswerOption(name: "invoices", display: "Invoices"),
        ]),
      AnswerOption(name: "other", display: "Other", key: "o"),
    ])

  static let tags = Question(
    name: "tags", prompt: "Tags?", kind: .multi,
    options: [AnswerOption(name: "food"), AnswerOption(name: "service"), AnswerOption(name: "price")])

  static func session(_ questions: [Question], total: Int = 3, guidelines: String? = "# Guide\n\nBe careful.\n") -> SessionInfo {
    SessionInfo(
      projectName: "demo", projectFolder: "demo", questions: questions, showFields: ["lang"], annotator: "ana",
      guidelines: guidelines, guidelinesVersion: guidelines.map { _ in "sha256:v1" }, toolVersion: "tally test",
      total: total)
  }

  static func task(_ id: String, _ text: String, prediction: JSONValue? = nil, lang: String = "en") -> LabelTask {
    LabelTask(id: id, line: 1, fields: JSONObject([("id", .string(id)), ("text", .string(text)), ("lang", .string(lang))]), text: text, prediction: prediction)
  }

  /// A state showing `task` at `position`, 80×24 unless told otherwise.
  static func state(
    _ questions: [Question] = [sentiment], task: LabelTask = task("t1", "The soup was wonderful."), position: Int = 0,
    total: Int = 3, width: Int = 80, height: Int = 24, previous: LabelRecord? = nil,
    handled: [String: HandledTask] = [:], guidelines: String? = "# Guide\n\nBe careful.\n"
  ) -> AppState {
    var state = AppState(
      session: session(questions, total: total, guidelines: guidelines), width: width, height: height,
      handled: handled, now: 1000)
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
