import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

@Suite struct CompareTests {
  static let long = (1...80).map { "Line \($0) of a long answer." }.joined(separator: "\n")

  func state(
    _ questions: [Question] = [Fixture.comparison()], requireScroll: Bool = false, randomize: Bool = true,
    a: String = "Paris is the capital of France.", b: String = "Lyon is the capital of France.", width: Int = 100,
    height: Int = 30, seed: UInt64 = 0, previous: LabelRecord? = nil
  ) -> AppState {
    Fixture.state(
      questions, task: Fixture.pair("p1", prompt: "What is the capital of France?", a: a, b: b), width: width,
      height: height, previous: previous,
      layout: Fixture.compareLayout(requireScroll: requireScroll, randomize: randomize),
      seed: seed)
  }

  func submitted(_ effects: [Effect]) -> LabelRecord? {
    if case .append(let record) = effects.first { return record }
    return nil
  }

  @Test func sidesComeFromTheSeedAndAnswersAreStoredAsAOrB() throws {
    // Find one seed that puts a on the left and one that puts b there.
    let seeds = (0..<64).map { UInt64($0) }
    let aLeft = try #require(seeds.first { CompareSides.leftIsA(taskID: "p1", seed: $0, randomize: true) })
    let bLeft = try #require(seeds.first { !CompareSides.leftIsA(taskID: "p1", seed: $0, randomize: true) })
    var state = state(seed: bLeft)
    #expect(!state.compare.leftIsA)
    #expect(state.compare.texts[1].hasPrefix("Lyon"))
    let record = try #require(submitted(state.press(.char("1"), id: "r1")))
    #expect(record.answers["overall"] == "b")
    #expect(record.shownLeft == "b")
    var other = self.state(seed: aLeft)
    let second = try #require(submitted(other.press(.char("1"), id: "r2")))
    #expect(second.answers["overall"] == "a")
    #expect(second.shownLeft == "a")
    var tie = self.state(seed: aLeft)
    #expect(submitted(tie.press(.char("3"), id: "r3"))?.answers["overall"] == "tie")
    var bad = self.state(seed: aLeft)
    #expect(submitted(bad.press(.char("4"), id: "r4"))?.answers["overall"] == "both_bad")
  }

  @Test func sidesAreBalancedAcrossTasks() {
    let left = (0..<1000).filter { CompareSides.leftIsA(taskID: "task-\($0)", seed: 7, randomize: true) }.count
    #expect(left > 440 && left < 560)
    #expect(CompareSides.leftIsA(taskID: "x", seed: 1, randomize: false))
  }

  @Test func aRecordedSideWinsOverTheSeed() {
    let previous = LabelRecord(
      id: "old", type: .answer, task: "p1", annotator: "ana", answers: JSONObject([("overall", "a")]),
      submittedAt: 999, tool: "t", shownLeftForTest: "b")
    let state = state(randomize: false, previous: previous)
    #expect(!state.compare.leftIsA)
    #expect(QuestionView.lines(state, width: 90).map(\.plainText).joined().contains("(•) Right better"))
  }

  @Test func strengthIsAskedAfterAWinnerButNotAfterATie() throws {
    var state = state([Fixture.comparison(strength: true)], randomize: false)
    #expect(state.press(.char("2")) == [])
    #expect(state.draft.askingStrength)
    #expect(state.draft.answers["overall"] == "b")
    #expect(state.press(.enter) == [])
    #expect(state.message == "How much better? 1 slightly, 2 clearly.")
    let record = try #require(submitted(state.press(.char("2"), id: "r1")))
    #expect(record.answers["overall"] == "b")
    #expect(record.answers["overall_strength"] == "clearly")
    var tie = self.state([Fixture.comparison(strength: true)], randomize: false)
    let tieRecord = try #require(submitted(tie.press(.char("3"), id: "r2")))
    #expect(tieRecord.answers["overall_strength"] == nil)
  }

  @Test func criteriaAreFurtherComparisonQuestions() throws {
    var state = state([Fixture.comparison(), Fixture.comparison("correctness")], randomize: false)
    #expect(state.press(.char("1")) == [])
    #expect(state.draft.activeQuestion == 1)
    let record = try #require(submitted(state.press(.char("2"), id: "r1")))
    #expect(record.answers["overall"] == "a")
    #expect(record.answers["correctness"] == "b")
  }

  @Test func requiredScrollingRefusesAnswersUntilBothEndsWereSeen() throws {
    var state = state(requireScroll: true, randomize: false, a: Self.long, b: "Short.", height: 24)
    #expect(state.compare.seenEnd == [false, true])
    #expect(state.press(.char("1")) == [])
    #expect(state.message?.contains("the left response") == true)
    #expect(state.draft.answers["overall"] == nil)
    for _ in 0..<20 { state.press(.pageDown) }
    #expect(state.compare.seenEnd == [true, true])
    #expect(submitted(state.press(.char("1"), id: "r1"))?.answers["overall"] == "a")
  }

  @Test func panesScrollAloneOrTogetherAndFocusMoves() {
    var state = state(a: Self.long, b: Self.long, height: 24)
    state.press(.char("j"))
    #expect(state.compare.scroll == [0, 1, 0])
    state.press(.char("J"))
    #expect(state.compare.scroll == [0, 2, 1])
    state.press(.char("]"))
    #expect(state.compare.focus == .right)
    state.press(.char("k"))
    #expect(state.compare.scroll == [0, 2, 0])
    state.press(.left)
    #expect(state.compare.focus == .right, "← goes back a task, it does not move the focus")
  }

  @Test func wordDiffMarksTheWordsThatDiffer() {
    var state = state(randomize: false)
    state.press(.char("w"))
    #expect(state.compare.showDiff)
    let diff = state.compare.diff ?? []
    #expect(diff.count == 2)
    let left = CodePointText(state.compare.texts[1])
    let right = CodePointText(state.compare.texts[2])
    #expect(diff[0].map { left.slice($0.lowerBound, $0.upperBound) } == ["Paris"])
    #expect(diff[1].map { right.slice($0.lowerBound, $0.upperBound) } == ["Lyon"])
  }
}

extension LabelRecord {
  init(
    id: String, type: RecordType, task: String, annotator: String, answers: JSONObject, submittedAt: Double,
    tool: String, shownLeftForTest: String
  ) {
    self.init(
      id: id, type: type, task: task, annotator: annotator, answers: answers, submittedAt: submittedAt, tool: tool)
    shownLeft = shownLeftForTest
  }
}
