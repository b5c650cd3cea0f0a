import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore
@testable import TallyText

@Suite struct SpanCoreTests {
  @Test func codePointSlicesAndWordSnapping() {
    let text = CodePointText("👩‍💻 Dr. Ångström's café  in 東京.")
    #expect(text.count == 31)
    #expect(text.slice(0, 3) == "👩‍💻")
    #expect(text.slice(8, 16) == "Ångström")
    // A selection inside a word takes the whole word; spaces at the ends are trimmed.
    #expect(text.snapToWords(10, 12) == (8, 16))
    #expect(text.snapToWords(3, 5) == (4, 6))
    #expect(text.trimmed(23, 26) == (25, 26))
    // Combining marks are part of the word.
    let combined = CodePointText("cafe\u{301} ok")
    #expect(combined.snapToWords(1, 2) == (0, 5))
  }

  @Test func spansRoundTripAndSortInDocumentOrder() {
    let spans = [
      Span(start: 9, end: 12, label: "LOC", text: "Rom"), Span(start: 0, end: 4, label: "PER", text: "Anna"),
    ]
    let answer = Span.answer(spans)
    #expect(
      answer.serialized()
        == #"[{"start":0,"end":4,"label":"PER","text":"Anna"},{"start":9,"end":12,"label":"LOC","text":"Rom"}]"#)
    #expect(Span.list(answer) == Span.sorted(spans))
    #expect(Span(json: .object(JSONObject([("start", 3), ("end", 3), ("label", "X")]))) == nil)
    #expect(Span(start: 0, end: 4, label: "A", text: "").overlaps(Span(start: 3, end: 5, label: "B", text: "")))
    #expect(!Span(start: 0, end: 4, label: "A", text: "").overlaps(Span(start: 4, end: 5, label: "B", text: "")))
  }

  @Test func bioTagsTokensAndReportsOverlaps() {
    let text = "Ms. Anna Berg-Lund visited New York."
    let spans = [
      Span(start: 4, end: 18, label: "PER", text: "Anna Berg-Lund"),
      Span(start: 27, end: 35, label: "LOC", text: "New York"),
    ]
    let (out, overlapping) = BIO.tag(text: text, spans: spans)
    #expect(!overlapping)
    #expect(
      out.split(separator: "\n").map(String.init) == [
        "Ms\tO", ".\tO", "Anna\tB-PER", "Berg\tI-PER", "-\tI-PER", "Lund\tI-PER", "visited\tO", "New\tB-LOC",
        "York\tI-LOC", ".\tO",
      ])
    // Two adjacent spans of one label start two entities.
    let twice = BIO.tag(
      text: "Anna Berg",
      spans: [
        Span(start: 0, end: 4, label: "PER", text: "Anna"), Span(start: 5, end: 9, label: "PER", text: "Berg"),
      ])
    #expect(twice.0 == "Anna\tB-PER\nBerg\tB-PER\n")
    #expect(
      BIO.tag(
        text: "ab cd",
        spans: [
          Span(start: 0, end: 5, label: "A", text: "ab cd"), Span(start: 3, end: 5, label: "B", text: "cd"),
        ]
      ).overlapping)
  }

  @Test func wordDiffFindsTheChangedWords() {
    let changes = WordDiff.changes("The cat sat on the mat.", "The dog sat on the mat today.")
    let a = CodePointText("The cat sat on the mat.")
    let b = CodePointText("The dog sat on the mat today.")
    #expect(changes.a.map { a.slice($0.lowerBound, $0.upperBound) } == ["cat", "mat."])
    #expect(changes.b.map { b.slice($0.lowerBound, $0.upperBound) } == ["dog", "mat", "today."])
    #expect(WordDiff.changes("same words", "same  words").a.isEmpty)
  }

  @Test func spanAndCompareSettingsAreValidated() {
    let yaml = """
      data: d.jsonl
      layout: compare
      compare:
        prompt_feild: q
        require_scroll: yes
      questions:
        - name: overall
          type: comparison
          strength: true
          both_bad: true
        - name: ents
          type: spans
          allow_overlap: true
          options:
            - name: PER
              key: v
      """
    let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "t.yaml")
    #expect(config == nil)
    #expect(
      diagnostics.map(\.message) == [
        "unknown compare key `prompt_feild`", "hotkey `v` moves or selects in span questions",
      ])
    #expect(diagnostics.first?.fix == "did you mean `prompt_field`?")

    let good = """
      data: d.jsonl
      layout: compare
      compare:
        require_scroll: true
        show_models: true
      seed: 9
      questions:
        - name: overall
          type: comparison
          strength: true
      """
    let (parsed, problems) = ProjectConfigParser.parse(good, file: "t.yaml")
    #expect(problems.isEmpty)
    #expect(parsed?.layout.compare?.requireScroll == true)
    #expect(parsed?.layout.compare?.showModels == true)
    #expect(parsed?.textField == "prompt")
    #expect(parsed?.seed == 9)
    #expect(parsed?.questions.first?.options.map(\.name) == ["left", "right", "tie"])

    let wrongLayout = ProjectConfigParser.parse(
      "data: d.jsonl\nquestions:\n  - name: x\n    type: comparison\n    allow_overlap: true\n", file: "w.yaml")
    #expect(
      wrongLayout.diagnostics.map(\.message) == [
        "`allow_overlap` applies to span questions only (type: spans)",
        "a comparison question needs the side-by-side layout",
      ])
  }

  @Test func quickStartTemplatesParse() {
    func labels(_ names: String...) -> [QuickStartLabel] { names.map { QuickStartLabel(name: $0, display: $0) } }
    let questions: [QuickStartQuestion] = [
      .spans(labels("PER", "ORG")), .compare, .freeText, .rating(4), .labels(labels("a"), multi: true),
    ]
    for question in questions {
      let yaml = ProjectTemplate.yaml(name: "q", dataPath: "../q.jsonl", format: .jsonl, question: question)
      let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
      #expect(diagnostics.isEmpty, "\(question): \(diagnostics)")
      #expect(config.map(question.matches) == true, "\(question)")
      #expect(config?.questions.first?.name == "label")
    }
  }
}
