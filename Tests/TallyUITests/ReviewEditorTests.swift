import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

/// A reviewer answers any kind of question themselves on the labeling screen (run inside review), searches the
/// queue and the guidelines, and switches queues; all through the one keymap.
@Suite struct ReviewEditorTests {
  func answer(_ who: String, _ a: Answer?) -> ReviewedAnswer {
    ReviewedAnswer(annotator: who, recordID: "\(who)-1", answer: a, activeSeconds: 3, submittedAt: 1)
  }

  func state(_ question: Question, _ items: [ReviewItem], text: String = "Angela Merkel visited Berlin.")
    -> ReviewState
  {
    var s = ReviewState(
      question: question, items: items, queue: Array(items.indices), queueName: "all", reviewer: "rev", blind: false,
      width: 100, height: 30)
    s.editorSession = Fixture.session([question], total: 1)
    for i in items.indices {
      _ = ReviewApp.update(
        &s, .textLoaded(item: i, text: text, task: Fixture.task(items[i].task, text)), now: 0)
    }
    return s
  }

  func press(_ s: inout ReviewState, _ keys: [Key], now: Double = 10) -> [ReviewEffect] {
    var effects: [ReviewEffect] = []
    for key in keys { effects += ReviewApp.update(&s, .key(key), now: now, freshID: "id-\(key.label)") }
    return effects
  }

  func draft(_ effects: [ReviewEffect]) -> ReviewDraft? {
    for case .write(let draft) in effects { return draft }
    return nil
  }

  @Test func aMultiChoiceKeyOpensTheLabelingScreenWithTheAggregateAndEnterMakesItFinal() {
    let item = ReviewItem(
      task: "t1", order: 0, answers: [answer("ana", .choices(["food", "price"])), answer("ben", .choices(["food"]))],
      aggregate: .choices(["food"]), confidence: 0.5)
    var s = state(Fixture.tags, [item])
    #expect(press(&s, [.char("3")]).isEmpty)
    #expect(s.mode == .editing && s.editor != nil)
    // The labeling screen, the aggregate already toggled on and the key applied: food + price.
    var screen = Screen(width: 100, height: 30)
    ReviewApp.render(s, into: &screen)
    #expect(screen.text.contains("Review of t1: Enter final, q back"))
    let effects = press(&s, [.char("2"), .enter], now: 12)
    guard let d = draft(effects) else {
      Issue.record("no decision: \(effects)")
      return
    }
    #expect(d.decision == .override && d.answer == .choices(["food", "service", "price"]))
    #expect(d.resolves == ["ana-1", "ben-1"] && s.mode == .deciding && s.editor == nil)
  }

  @Test func spansAreEditedFromTheMergedMajority() {
    let merkel = Span(start: 0, end: 13, label: "PER", text: "Angela Merkel")
    let berlin = Span(start: 22, end: 28, label: "LOC", text: "Berlin")
    let sets: [[Span]] = [
      [merkel, berlin], [merkel], [merkel, berlin, Span(start: 7, end: 13, label: "PER", text: "Merkel")],
    ]
    #expect(Span.majority(sets) == [merkel, berlin])
    let item = ReviewItem(
      task: "t1", order: 0, answers: sets.enumerated().map { answer("a\($0.offset)", .spans($0.element)) },
      aggregate: .spans(Span.majority(sets)), confidence: 0.34)
    var s = state(Fixture.entities, [item])
    var screen = Screen(width: 100, height: 30)
    ReviewApp.render(s, into: &screen)
    // The merged spans drawn in the text, tagged.
    #expect(screen.text.contains("Angela Merkel‹PER› visited Berlin‹LOC›."))
    // e: the labeling screen; x removes the span under the cursor (Angela Merkel), Enter decides.
    _ = press(&s, [.char("e")])
    #expect(s.mode == .editing)
    let effects = press(&s, [.char("x"), .enter])
    #expect(draft(effects)?.answer == .spans([berlin]))
  }

  @Test func freeTextAndComparisonsAreAnsweredOnTheLabelingScreen() {
    let note = Question(name: "note", prompt: "Note?", kind: .text, options: [])
    var s = state(
      note,
      [ReviewItem(task: "t1", order: 0, answers: [answer("ana", .text("ok"))], aggregate: .text("ok"), confidence: 1)])
    _ = press(&s, [.char("e")])
    #expect(s.editor?.draft.editing == true)  // a free-text answer takes the keys at once
    let typed = press(&s, Array("!!").map { Key.char($0) } + [.enter])
    #expect(draft(typed)?.answer == .text("ok!!"))

    var c = state(
      Fixture.comparison(),
      [
        ReviewItem(
          task: "t1", order: 0, answers: [answer("ana", .comparison(.a, strength: nil))],
          aggregate: .comparison(.a, strength: nil), confidence: 1)
      ])
    let effects = press(&c, [.char("e"), .char("3")])
    #expect(draft(effects)?.answer == .comparison(.tie, strength: nil))
  }

  @Test func quittingTheLabelingScreenDecidesNothing() {
    let item = ReviewItem(
      task: "t1", order: 0, answers: [answer("ana", .choices(["food"]))], aggregate: .choices(["food"]),
      confidence: 1)
    var s = state(Fixture.tags, [item])
    _ = press(&s, [.char("2")])
    #expect(press(&s, [.char("q")]).isEmpty)
    #expect(s.mode == .deciding && s.editor == nil && s.pending == nil)
    #expect(s.message == "Back to the review; your answer was not saved.")
    // Skipping is not a review decision: the screen says so and stays.
    _ = press(&s, [.char("e"), .char("s"), .enter])
    #expect(s.mode == .editing && s.pending == nil)
  }

  @Test func searchFindsTasksAndTabSwitchesQueues() {
    let a = ReviewItem(
      task: "t1", order: 0, answers: [answer("ana", .choice("pos")), answer("ben", .choice("neg"))],
      aggregate: .choice("pos"), confidence: 0.5)
    let b = ReviewItem(
      task: "t2", order: 1, answers: [answer("ana", .choice("pos")), answer("cy", .choice("pos"))],
      aggregate: .choice("pos"), confidence: 1)
    var s = state(Fixture.sentiment, [a, b])
    s.queues = [.disagreements, .all, .annotator("cy")]
    s.queue = ReviewQueue.disagreements.order(s.summaries)
    s.queueName = "disagreements"
    // `/`: typed words never decide; Enter asks the runner to search the queue after this position.
    let effects = press(&s, [.char("/")] + Array("soup").map { Key.char($0) } + [.enter])
    #expect(effects == [.find(query: "soup", after: 0)])
    _ = ReviewApp.update(&s, .found(query: "soup", position: nil), now: 11)
    #expect(s.message == "No task in the disagreements queue matches “soup”.")
    // Tab: the next queue, with its own order.
    _ = press(&s, [.tab])
    #expect(s.queueName == "all" && s.queue == [0, 1] && s.position == 0)
    _ = press(&s, [.tab])
    #expect(s.queueName == "annotator cy" && s.queue == [1])
    _ = press(&s, [.backTab, .backTab])
    #expect(s.queueName == "disagreements")
    // The found position is shown.
    s.queue = [0, 1]
    _ = ReviewApp.update(&s, .found(query: "ben", position: 1), now: 12)
    #expect(s.position == 1 && s.current == 1)
  }

  @Test func theGuidelinesScrollAndAreSearched() {
    var s = state(
      Fixture.sentiment,
      [
        ReviewItem(
          task: "t1", order: 0, answers: [answer("ana", .choice("pos"))], aggregate: .choice("pos"), confidence: 1)
      ])
    s.guidelines = "# Guide\n\nOne.\n\nTwo.\n\n## Sarcasm\n\nRead it twice.\n"
    _ = press(&s, [.char("g")])
    #expect(s.mode == .guidelines)
    _ = press(&s, [.char("/")] + Array("sarcasm").map { Key.char($0) } + [.enter])
    #expect(s.mode == .guidelines && s.message == "“sarcasm” in the guidelines.")
    var screen = Screen(width: 100, height: 30)
    ReviewApp.render(s, into: &screen)
    let lines = screen.text.split(separator: "\n")
    #expect(lines.count > 1 && lines[1].contains("Sarcasm"))
    _ = press(&s, [.escape])
    #expect(s.mode == .deciding)
  }
}
