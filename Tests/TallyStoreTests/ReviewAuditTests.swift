import TallyJSON
import Testing

@testable import TallyCore
@testable import TallyStore

/// The review audit figures on fixed items.
@Suite struct ReviewAuditTests {
  func answer(_ who: String, _ label: String) -> ReviewedAnswer {
    ReviewedAnswer(annotator: who, recordID: "\(who)-r", answer: .choice(label), submittedAt: 1)
  }

  @Test func upheldOverturnedSentBackAndReviewers() {
    let items = [
      // rev upholds ana, overturns ben.
      ReviewItem(
        task: "t1", order: 0, answers: [answer("ana", "x"), answer("ben", "y")], aggregate: .choice("x"),
        confidence: 0.5,
        reviews: [
          PastReview(
            reviewer: "rev", recordID: "v1", decision: .chose, answer: .choice("x"), chose: "ana", submittedAt: 10,
            activeSeconds: 4, resolves: ["ana-r", "ben-r"])
        ]),
      // rev overrides both; lee later changes it (a second reviewer disagreeing).
      ReviewItem(
        task: "t2", order: 1, answers: [answer("ana", "x"), answer("ben", "x")], aggregate: .choice("x"), confidence: 1,
        reviews: [
          PastReview(
            reviewer: "rev", recordID: "v2", decision: .override, answer: .choice("z"), submittedAt: 11,
            activeSeconds: 6,
            resolves: ["ana-r", "ben-r"]),
          PastReview(
            reviewer: "lee", recordID: "v3", decision: .acceptAggregate, answer: .choice("x"), submittedAt: 12,
            activeSeconds: 2, resolves: ["ana-r", "ben-r"]),
        ]),
      // sent back to ben.
      ReviewItem(
        task: "t3", order: 2, answers: [answer("ana", "y"), answer("ben", "x")], aggregate: .choice("x"),
        confidence: 0.5,
        reviews: [
          PastReview(
            reviewer: "rev", recordID: "v4", decision: .sendBack, answer: nil, sentTo: ["ben"], reason: "see §2",
            submittedAt: 13, activeSeconds: 3)
        ]),
    ]
    let audit = ReviewAudit.make(items: items)
    let ana = audit.annotators.first { $0.annotator == "ana" }
    let ben = audit.annotators.first { $0.annotator == "ben" }
    // t1 (upheld) and t2 (lee's acceptance stands: upheld) for ana; ben overturned on t1, upheld on t2.
    #expect(ana?.reviewed == 2 && ana?.upheld == 2 && ana?.overturned == 0)
    #expect(ben?.reviewed == 2 && ben?.upheld == 1 && ben?.overturned == 1 && ben?.sentBack == 1)
    #expect(ben?.overturnedShare == 0.5)
    let rev = audit.reviewers.first { $0.reviewer == "rev" }
    #expect(rev?.settled == 2 && rev?.sentBack == 1 && rev?.changedByAnother == 1 && rev?.medianSeconds == 4)
    #expect(audit.reviewers.first { $0.reviewer == "lee" }?.changedByAnother == 0)
    #expect(audit.confusions.count == 1 && audit.confusions[0].said == "y" && audit.confusions[0].review == "x")
    #expect(audit.json.objectValue?["annotators"]?.arrayValue?.count == 2)
  }
}

/// The final dataset of a span question as spaCy JSONL and CoNLL: the final spans, and where they came from.
@Suite struct FinalSpanExportTests {
  @Test func spacyAndConllCarryTheFinalSpansAndTheirSource() throws {
    let question = Question(
      name: "entities", prompt: "Entities", kind: .spans,
      options: [AnswerOption(name: "PER"), AnswerOption(name: "LOC")])
    let text = "🙂 Anna flew to Oslo"
    let anna = Span(start: 2, end: 6, label: "PER", text: "Anna")
    let oslo = Span(start: 15, end: 19, label: "LOC", text: "Oslo")
    let rows = [
      FinalExport.Row(
        task: "t1", answer: .spans([oslo, anna]), source: .review, confidence: 1, reviewer: "rev",
        annotators: [("ana", .spans([anna]))], uncertain: false, data: nil, text: text),
      FinalExport.Row(
        task: "t2", answer: .spans([]), source: .aggregate, confidence: 0.5, reviewer: nil,
        annotators: [("ana", .spans([])), ("ben", .spans([anna]))], uncertain: true, data: nil, text: "Nothing here"),
    ]
    let lines = FinalExport.spacy(rows, question: question).split(separator: "\n")
    #expect(lines.count == 2)
    let first = try JSONParser.parse(Array(lines[0].utf8)).objectValue
    #expect(first?["text"]?.stringValue == text && first?["source"]?.stringValue == "review")
    #expect(first?["reviewer"]?.stringValue == "rev")
    let spans = first?["spans"]?.arrayValue?.compactMap { $0.objectValue?["label"]?.stringValue }
    #expect(spans == ["PER", "LOC"])  // in text order
    #expect(lines[1].contains("\"uncertain\":true") && lines[1].contains("\"spans\":[]"))
    let (conll, overlapping) = FinalExport.conll(rows, question: question)
    #expect(overlapping.isEmpty)
    #expect(conll.hasPrefix("# id: t1 source: review confidence: 1 reviewer: rev\n"))
    #expect(conll.contains("Anna\tB-PER\n") && conll.contains("Oslo\tB-LOC\n") && conll.contains("flew\tO\n"))
    #expect(conll.contains("# id: t2 source: aggregate confidence: 0.5 uncertain\nNothing\tO\nhere\tO\n"))
  }
}
