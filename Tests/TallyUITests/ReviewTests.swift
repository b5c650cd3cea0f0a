import TallyCore
import TallyJSON
import Testing

@testable import TallyUI

/// The review program: decisions as effects, the keymap's dispatch, and the screen for each kind of question,
/// compared as text.
@Suite struct ReviewTests {
  static let rating = Question(
    name: "stars", prompt: "Stars?", kind: .rating,
    options: (1...5).map { AnswerOption(name: "\($0)") })
  static let note = Question(name: "note", prompt: "Note?", kind: .text, options: [])

  func answer(_ who: String, _ a: Answer?, seconds: Double = 4, flags: [QualityFlag] = [], left: String? = nil)
    -> ReviewedAnswer
  {
    ReviewedAnswer(
      annotator: who, recordID: "\(who)-1", answer: a, flags: flags, activeSeconds: seconds, submittedAt: 1,
      shownLeft: left)
  }

  func state(
    _ question: Question, _ answers: [ReviewedAnswer], aggregate: Answer?, confidence: Double, text: String,
    blind: Bool = false, width: Int = 80, height: Int = 24
  ) -> ReviewState {
    let item = ReviewItem(task: "t1", order: 0, answers: answers, aggregate: aggregate, confidence: confidence)
    var s = ReviewState(
      question: question, items: [item, item], queue: [0, 1], queueName: "disagreements", reviewer: "rev", blind: blind,
      width: width, height: height)
    s.texts[0] = text
    s.accuracy = ["ana": 0.91, "ben": 0.62]
    return s
  }

  func render(_ s: ReviewState) -> Screen {
    var screen = Screen(width: s.width, height: s.height)
    ReviewRenderer.render(s, into: &screen)
    return screen
  }

  var choice: ReviewState {
    state(
      Fixture.sentiment,
      [
        answer("ana", .choice("pos")), answer("ben", .choice("neg"), seconds: 0.4, flags: [.tooFast]),
        answer("cy", .choice("pos")),
      ],
      aggregate: .choice("pos"), confidence: 0.67, text: "The soup was wonderful, the service slow.")
  }

  @Test func enterAcceptsTheAggregateAndTheScreenMovesOnOnlyOnceItIsWritten() {
    var s = choice
    _ = ReviewApp.start(&s, now: 0)
    let effects = ReviewApp.update(&s, .key(.enter), now: 5)
    guard case .write(let draft)? = effects.first else {
      Issue.record("no write: \(effects)")
      return
    }
    #expect(draft.decision == .acceptAggregate && draft.answer == .choice("pos") && draft.activeSeconds == 5)
    #expect(draft.resolves == ["ana-1", "ben-1", "cy-1"])
    // Keys wait while the record is written; then the next task.
    #expect(ReviewApp.update(&s, .key(.char("n")), now: 6).isEmpty && s.position == 0)
    _ = ReviewApp.update(&s, .written(item: 0), now: 6)
    #expect(s.position == 1 && s.decided[0] == .acceptAggregate)
    #expect(s.message == "Saved: the aggregate (Positive).")
  }

  @Test func pickOverrideCommentAndSendBack() {
    var s = choice
    // Shift-2 picks ben.
    guard case .write(let pick)? = ReviewApp.update(&s, .key(.char("@")), now: 1).first else { return }
    #expect(pick.decision == .chose && pick.chose == "ben" && pick.answer == .choice("neg"))
    _ = ReviewApp.update(&s, .writeFailed("disk full"), now: 1)
    #expect(s.message?.hasPrefix("Not saved: disk full") == true && s.position == 0)
    // A comment, then an override with the question's own key 3 (neu).
    _ = ReviewApp.update(&s, .key(.char("c")), now: 1)
    for c in "too mixed" { _ = ReviewApp.update(&s, .key(.char(c)), now: 1) }
    _ = ReviewApp.update(&s, .key(.enter), now: 1)
    #expect(s.pendingComment == "too mixed" && s.mode == .deciding)
    guard case .write(let override)? = ReviewApp.update(&s, .key(.char("3")), now: 2).first else { return }
    #expect(override.decision == .override && override.answer == .choice("neu") && override.comment == "too mixed")
    _ = ReviewApp.update(&s, .written(item: 0), now: 2)
    // Send back to one annotator (Tab, Tab: ben) with a reason; an empty reason is refused.
    _ = ReviewApp.update(&s, .key(.char("b")), now: 3)
    #expect(ReviewApp.update(&s, .key(.enter), now: 3).isEmpty)
    _ = ReviewApp.update(&s, .key(.tab), now: 3)
    _ = ReviewApp.update(&s, .key(.tab), now: 3)
    for c in "see §2" { _ = ReviewApp.update(&s, .key(.char(c)), now: 3) }
    guard case .write(let back)? = ReviewApp.update(&s, .key(.enter), now: 3).first else { return }
    #expect(back.decision == .sendBack && back.sentTo == ["ben"] && back.reason == "see §2" && back.answer == nil)
  }

  @Test func thePredictionComesWithTheTextAndIsShown() {
    var s = choice
    _ = ReviewApp.update(&s, .textLoaded(item: 0, text: "Soup.", prediction: .choice("neg")), now: 0)
    #expect(s.items[0]?.prediction == .choice("neg"))
    #expect(render(s).text.contains("predicted  Negative"))
  }

  @Test func typedWordsInACommentNeverDecide() {
    var s = choice
    _ = ReviewApp.update(&s, .key(.char("c")), now: 1)
    for c in "b1n!q@3" { #expect(ReviewApp.update(&s, .key(.char(c)), now: 1).isEmpty) }
    #expect(s.pending == nil && s.position == 0)
  }

  @Test func theKeymapIsTheOneSourceOfTheKeys() {
    let optionKeys = ReviewApp.optionKeys(Fixture.sentiment)
    #expect(optionKeys == ["1", "2", "3"])
    #expect(Set(optionKeys).isDisjoint(with: ReviewKeymap.reservedCharacters))
    // Every review binding dispatches to its action, and shows in the `?` rows.
    let rows = ReviewKeymap.helpRows()
    for binding in Keymap.bindings where binding.context == .review {
      for key in binding.keys {
        #expect(ReviewKeymap.action(for: key, optionKeys: optionKeys) != nil, "\(key) does nothing")
      }
      #expect(rows.contains { $0.help == binding.helpText }, "\(binding.action) is not on the ? screen")
    }
    #expect(ReviewKeymap.action(for: .char("#"), optionKeys: optionKeys) == .pick(3))
    #expect(ReviewKeymap.action(for: .char("e"), optionKeys: optionKeys) == .edit)
    #expect(ReviewKeymap.action(for: .tab, optionKeys: optionKeys) == .nextQueue)
    #expect(ReviewKeymap.hint(width: 80).hasPrefix("Enter accept · ⇧1–9 pick · e edit · c comment"))
    #expect(ReviewKeymap.hint(width: 80).hasSuffix("? keys · q quit") && ReviewKeymap.hint(width: 80).count <= 80)
  }

  @Test func theScreenForEachKindNamedAndBlind() {
    let cases: [(String, ReviewState)] = [
      ("review-choice", choice),
      (
        "review-choice-blind",
        state(
          Fixture.sentiment, [answer("ana", .choice("pos")), answer("ben", .choice("neg"))], aggregate: .choice("pos"),
          confidence: 0.5, text: "Fine.", blind: true)
      ),
      (
        "review-multi",
        state(
          Fixture.tags, [answer("ana", .choices(["food", "price"])), answer("ben", .choices(["food"]))],
          aggregate: .choices(["food"]), confidence: 0.5, text: "Cheap and tasty.")
      ),
      (
        "review-taxonomy",
        state(
          Fixture.topics, [answer("ana", .path(["billing", "refunds", "partial"])), answer("ben", .path(["other"]))],
          aggregate: .path(["billing", "refunds", "partial"]), confidence: 0.5, text: "I want half my money back.")
      ),
      (
        "review-rating",
        state(
          Self.rating, [answer("ana", .rating(4)), answer("ben", .rating(2)), answer("cy", nil)], aggregate: .rating(4),
          confidence: 0.5, text: "Decent.")
      ),
      (
        "review-text",
        state(
          Self.note, [answer("ana", .text("late delivery")), answer("ben", .text("Late  delivery"))],
          aggregate: .text("late delivery"), confidence: 1, text: "It came a week late.")
      ),
      (
        "review-spans",
        state(
          Fixture.entities,
          [
            answer("ana", .spans([Span(start: 0, end: 13, label: "PER", text: "Angela Merkel")])),
            answer(
              "ben",
              .spans([
                Span(start: 0, end: 6, label: "PER", text: "Angela"),
                Span(start: 18, end: 24, label: "LOC", text: "Berlin"),
              ])),
            answer(
              "cy",
              .spans([
                Span(start: 0, end: 13, label: "PER", text: "Angela Merkel"),
                Span(start: 18, end: 24, label: "LOC", text: "Berlin"),
              ])),
          ],
          aggregate: .spans([
            Span(start: 0, end: 13, label: "PER", text: "Angela Merkel"),
            Span(start: 18, end: 24, label: "LOC", text: "Berlin"),
          ]),
          confidence: 0.67, text: "Angela Merkel in Berlin.")
      ),
      (
        "review-compare",
        state(
          Fixture.comparison(),
          [
            answer("ana", .comparison(.a, strength: nil), left: "b"),
            answer("ben", .comparison(.b, strength: nil), left: "a"),
          ],
          aggregate: .comparison(.a, strength: nil), confidence: 0.5, text: "Which answer explains recursion better?")
      ),
      (
        "review-choice-wide",
        {
          var s = choice; s.width = 120; s.height = 30; return s
        }()
      ),
    ]
    for (name, s) in cases {
      let expected = Self.expected[name] ?? ""
      expectScreen(render(s), expected, name: name)
    }
  }

  static let expected: [String: String] = [
    "review-choice-blind": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      Fine.

    sentiment: 2 annotators, 1 of 2 agree
      ⇧1 A1        Positive  4 s  est. 91%
      ⇧2 A2        Negative  4 s  est. 62%
      aggregate  Positive  50%
      your answer: 1 Positive · 2 Negative · 3 Neutral















    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
    "review-choice-wide": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      The soup was wonderful, the service slow.

    sentiment: 3 annotators, 2 of 3 agree
      ⇧1 ana       Positive  4 s  est. 91%
      ⇧2 ben       Negative  0.4 s  est. 62%  ⚑ too_fast
      ⇧3 cy        Positive  4 s
      aggregate  Positive  67%
      your answer: 1 Positive · 2 Negative · 3 Neutral




















    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · n next · p back · Tab queue · / search · ? keys · q quit
    """,
    "review-choice": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      The soup was wonderful, the service slow.

    sentiment: 3 annotators, 2 of 3 agree
      ⇧1 ana       Positive  4 s  est. 91%
      ⇧2 ben       Negative  0.4 s  est. 62%  ⚑ too_fast
      ⇧3 cy        Positive  4 s
      aggregate  Positive  67%
      your answer: 1 Positive · 2 Negative · 3 Neutral














    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
    "review-compare": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      Which answer explains recursion better?

    overall: 2 annotators, 1 of 2 agree
      ⇧1 ana       response A  (b on the left)  4 s  est. 91%
      ⇧2 ben       response B  (a on the left)  4 s  est. 62%
      aggregate  response A  50%
















    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
    "review-multi": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      Cheap and tasty.

    tags: 2 annotators, 1 of 2 agree
      ⇧1 ana       food, price  4 s  est. 91%
      ⇧2 ben       food  4 s  est. 62%
      aggregate  food  50%
      your answer: 1 food · 2 service · 3 price (on the labeling screen)















    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
    "review-rating": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      Decent.

    stars: 3 annotators, 1 of 2 agree
      ⇧1 ana       4  4 s  est. 91%
      ⇧2 ben       2  4 s  est. 62%
      ⇧3 cy        skipped  4 s
      aggregate  4  50%
      your answer: 1 1 · 2 2 · 3 3 · 4 4 · 5 5














    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
    "review-spans": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      Angela Merkel‹PER› in Berlin.‹LOC›

    entities: 3 annotators, 1 of 3 agree
      ⇧1 ana       PER “Angela Merkel”  4 s  est. 91%
      ⇧2 ben       PER “Angela”, LOC “Berlin”  4 s  est. 62%
      ⇧3 cy        PER “Angela Merkel”, LOC “Berlin”  4 s
      majority   PER “Angela Merkel”, LOC “Berlin”  67%















    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
    "review-taxonomy": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      I want half my money back.

    topic: 2 annotators, 1 of 2 agree
      ⇧1 ana       Billing › Refunds › Partial refund  4 s  est. 91%
      ⇧2 ben       Other  4 s  est. 62%
      aggregate  Billing › Refunds › Partial refund  50%
      your answer: b Billing · o Other (on the labeling screen)















    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
    "review-text": """
     Review · disagreements · 1/2 · task t1 · 0 decided
      It came a week late.

    note: 2 annotators, 2 of 2 agree
      ⇧1 ana       “late delivery”  4 s  est. 91%
      ⇧2 ben       “Late  delivery”  4 s  est. 62%
      aggregate  “late delivery”  100%
















    Enter accept · ⇧1–9 pick · e edit · c comment · b send back · ? keys · q quit
    """,
  ]
}

/// Review over summaries only, as `tally review` opens a large project: a task's full item comes with its text
/// when it is shown, nothing is decided before it is there, and a decision settles the task in every queue.
@Suite struct ReviewLazyItemTests {
  func item(_ task: String, order: Int, _ labels: [String]) -> ReviewItem {
    let answers = zip(["ana", "ben", "cy"], labels).map {
      ReviewedAnswer(annotator: $0.0, recordID: "\($0.0)-\(task)", answer: .choice($0.1), submittedAt: 1)
    }
    var built = ReviewItem(task: task, order: order, answers: answers, aggregate: nil, confidence: 0)
    built.aggregate = built.tally.first.map { .choice($0.category) }
    built.confidence = Double(built.agreeing) / Double(answers.count)
    return built
  }

  @Test func itemsArriveWithTheTextAndDecisionsWaitForThem() {
    let items = [item("t1", order: 0, ["pos", "neg", "pos"]), item("t2", order: 1, ["neg", "neg", "pos"])]
    let summaries = items.map(\.summary)
    var s = ReviewState(
      question: Fixture.sentiment, summaries: summaries, queue: ReviewQueue.disagreements.order(summaries),
      queueName: "disagreements", reviewer: "rev", blind: false, width: 80, height: 24)
    s.queues = [.disagreements, .all]
    #expect(ReviewApp.start(&s, now: 0) == [.loadText(0)])
    var screen = Screen(width: 80, height: 24)
    ReviewRenderer.render(s, into: &screen)
    #expect(screen.text.contains("Reading the task…") && screen.text.contains("task t1"))
    // Enter before the item is read decides nothing.
    #expect(ReviewApp.update(&s, .key(.enter), now: 1).isEmpty)
    #expect(s.message == "The task is still loading; try again.")
    _ = ReviewApp.update(&s, .textLoaded(item: 0, text: "Soup.", review: items[0]), now: 1)
    ReviewRenderer.render(s, into: &screen)
    #expect(screen.text.contains("2 of 3 agree"))
    let effects = ReviewApp.update(&s, .key(.enter), now: 2)
    guard case .write(let draft)? = effects.first else {
      Issue.record("no write: \(effects)")
      return
    }
    #expect(draft.resolves == ["ana-t1", "ben-t1", "cy-t1"])
    // Written: the next task is asked for, and t1 has left every queue (Tab to `all` shows t2 only).
    #expect(ReviewApp.update(&s, .written(item: 0), now: 3) == [.loadText(1)])
    #expect(s.summaries[0].settled)
    _ = ReviewApp.update(&s, .key(.tab), now: 4)
    #expect(s.queueName == "all" && s.queue == [1])
  }
}

/// The guidelines in review are laid out for the screen's width, and again when the terminal is resized.
@Suite struct ReviewGuidelinesResizeTests {
  @Test func aResizeLaysTheGuidelinesOutAgain() {
    let answers = [ReviewedAnswer(annotator: "ana", recordID: "a", answer: .choice("pos"), submittedAt: 1)]
    let item = ReviewItem(task: "t1", order: 0, answers: answers, aggregate: .choice("pos"), confidence: 1)
    var s = ReviewState(
      question: Fixture.sentiment, items: [item], queue: [0], queueName: "all", reviewer: "rev", blind: false,
      width: 40, height: 24)
    s.guidelines = "# Sentiment\n\n" + String(repeating: "Positive means the writer liked it overall. ", count: 6)
    _ = ReviewApp.update(&s, .key(.char("g")), now: 0)
    #expect(s.mode == .guidelines && s.guidelinesWidth == 38)
    let narrow = s.guidelinesRendered.count
    _ = ReviewApp.update(&s, .resize(width: 120, height: 30), now: 1)
    #expect(s.guidelinesWidth == 118 && s.guidelinesRendered.count < narrow)
    var screen = Screen(width: 120, height: 30)
    ReviewRenderer.render(s, into: &screen)
    let longest = screen.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces).count }.max() ?? 0
    #expect(longest > 40)
  }
}
