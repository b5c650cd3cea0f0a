import Testing

@testable import TallyCore

/// The review queues and the final-dataset rule on fixed items.
@Suite struct ReviewQueueTests {
  func answer(_ who: String, _ label: String?, at time: Double = 10, flags: [QualityFlag] = []) -> ReviewedAnswer {
    ReviewedAnswer(
      annotator: who, recordID: "\(who)-\(time)", answer: label.map { .choice($0) }, flags: flags, submittedAt: time)
  }

  func item(_ task: String, _ order: Int, _ labels: [(String, String)], confidence: Double = 0.5) -> ReviewItem {
    ReviewItem(
      task: task, order: order, answers: labels.map { answer($0.0, $0.1) },
      aggregate: labels.first.map { .choice($0.1) }, confidence: confidence)
  }

  var items: [ReviewItem] {
    [
      item("t1", 0, [("ana", "x"), ("ben", "x"), ("cy", "x")], confidence: 1),  // unanimous
      item("t2", 1, [("ana", "x"), ("ben", "y"), ("cy", "x")], confidence: 0.67),  // 2 vs 1
      item("t3", 2, [("ana", "x"), ("ben", "y"), ("cy", "z")], confidence: 0.34),  // three ways
      item("t4", 3, [("ana", "y")], confidence: 1),  // single
      item("t5", 4, [("ana", "x"), ("ben", "y")], confidence: 0.5),  // 1 vs 1
    ]
  }

  @Test func disagreementsMostUncertainFirst() {
    let order = ReviewQueue.disagreements.order(items).map { items[$0].task }
    #expect(order == ["t3", "t5", "t2"])
  }

  @Test func settledTasksLeaveTheQueueUntilAnAnnotatorAnswersAgain() {
    var list = items
    list[2].reviews = [
      PastReview(reviewer: "rev", recordID: "r1", decision: .override, answer: .choice("z"), submittedAt: 20)
    ]
    #expect(ReviewQueue.disagreements.order(list).map { list[$0].task } == ["t5", "t2"])
    #expect(ReviewQueue.disagreements.order(list, again: true).map { list[$0].task } == ["t3", "t5", "t2"])
    // Sent back: still open.
    list[1].reviews = [
      PastReview(
        reviewer: "rev", recordID: "r2", decision: .sendBack, answer: nil, sentTo: ["ben"], reason: "read §2",
        submittedAt: 20)
    ]
    #expect(ReviewQueue.disagreements.order(list).contains(1))
    // ben answered again after the review: the task is back in the queue, and the old review no longer stands.
    list[2].answers[1].submittedAt = 30
    #expect(list[2].standingReview == nil && !list[2].settled)
    #expect(ReviewQueue.disagreements.order(list).contains(2))
  }

  @Test func flaggedAnnotatorModelAndAll() {
    var list = items
    list[0].answers[1].flags = [.tooFast]
    list[3].answers[0].concurrent = true
    #expect(ReviewQueue.flagged.order(list).map { list[$0].task } == ["t1", "t4"])
    #expect(ReviewQueue.annotator("cy").order(list).map { list[$0].task } == ["t1", "t2", "t3"])
    list[1].prediction = .choice("y")
    list[0].prediction = .choice("x")
    #expect(ReviewQueue.model.order(list).map { list[$0].task } == ["t2"])
    #expect(ReviewQueue.all.order(list).count == 5)
  }

  @Test func theSampleIsSeededAndItsRateHolds() {
    let many = (0..<4000).map { i in
      item("t\(i)", i, [("ana", "x"), ("ben", i % 3 == 0 ? "y" : "x")], confidence: 1)
    }
    let a = ReviewQueue.sample(rate: 0.1, seed: 1).order(many)
    #expect(a == ReviewQueue.sample(rate: 0.1, seed: 1).order(many))
    #expect(a != ReviewQueue.sample(rate: 0.1, seed: 2).order(many))
    // Each (annotator, task) is drawn at 10%: a task is in the sample if either annotator's draw is, ≈ 19%.
    let share = Double(a.count) / 4000
    #expect(abs(share - 0.19) < 0.025, "\(share)")
    // Unanimous tasks are sampled too.
    #expect(a.contains { many[$0].tally.count == 1 })
    // Every annotator is audited about as often.
    for who in ["ana", "ben"] {
      let mine = many.indices.filter {
        ReviewQueue.draw(seed: 1, annotator: who, task: many[$0].task) < UInt64(0.1 * Double(UInt64.max))
      }
      #expect(abs(Double(mine.count) / 4000 - 0.1) < 0.02)
    }
  }

  @Test func queuesParseFromTheCommandLine() {
    #expect(ReviewQueue.parse("annotator ana", rate: 0.1, seed: 1) == .annotator("ana"))
    #expect(ReviewQueue.parse("annotator:ana", rate: 0.1, seed: 1) == .annotator("ana"))
    #expect(ReviewQueue.parse("sample", rate: 0.2, seed: 3) == .sample(rate: 0.2, seed: 3))
    #expect(ReviewQueue.parse("nope", rate: 0.1, seed: 1) == nil)
  }

  @Test func theFinalAnswerRule() {
    let list = items
    #expect(FinalAnswer.resolve(list[0])?.source == .unanimous)
    #expect(FinalAnswer.resolve(list[3])?.source == .single)
    let aggregate = FinalAnswer.resolve(list[1])
    #expect(aggregate?.source == .aggregate && aggregate?.confidence == 0.67 && aggregate?.answer == .choice("x"))
    var reviewed = list[2]
    reviewed.reviews = [
      PastReview(
        reviewer: "rev", recordID: "r1", decision: .chose, answer: .choice("y"), chose: "ben", submittedAt: 15),
      PastReview(reviewer: "lee", recordID: "r2", decision: .override, answer: .choice("z"), submittedAt: 16),
    ]
    let final = FinalAnswer.resolve(reviewed)
    // Two reviewers: the later stands.
    #expect(final?.source == .review && final?.answer == .choice("z") && final?.reviewer == "lee")
    // A send-back does not settle: the aggregate until the annotator answers again.
    reviewed.reviews.append(
      PastReview(reviewer: "rev", recordID: "r3", decision: .sendBack, answer: nil, sentTo: ["cy"], submittedAt: 17))
    #expect(FinalAnswer.resolve(reviewed)?.source == .aggregate)
    #expect(FinalAnswer.resolve(ReviewItem(task: "e", order: 0, answers: [], aggregate: nil, confidence: 0)) == nil)
  }
}
