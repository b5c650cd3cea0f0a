import Testing

@testable import TallyCore
@testable import TallyJSON

@Suite struct ProjectConfigParserTests {
  @Test func aFullProjectFileParses() throws {
    let yaml = """
      name: topics
      data: tickets.csv
      id_field: ticket_id
      show_fields: [channel]
      guidelines: ../../Guidelines/topics.md
      order: shuffle
      seed: 7
      questions:
        - name: topic
          prompt: What is the ticket about?
          type: taxonomy
          options:
            - name: billing
              display: Billing
              key: b
              children:
                - name: refunds
                  children:
                    - name: partial
                    - name: full
                - invoices
            - name: other
        - name: urgency
          type: single
          required: false
          options: [low, normal, urgent]
      """
    let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    #expect(diagnostics.isEmpty)
    let project = try #require(config)
    #expect(project.format == .csv)
    #expect(project.idField == "ticket_id")
    #expect(project.order == .shuffle(seed: 7))
    #expect(project.showFields == ["channel"])
    #expect(project.questions.map(\.name) == ["topic", "urgency"])
    let topic = project.questions[0]
    #expect(topic.kind == .taxonomy)
    #expect(topic.options[0].key == "b")
    #expect(topic.options(at: [0, 0])?.map(\.name) == ["partial", "full"])
    #expect(topic.names(at: [0, 0, 1]) == ["billing", "refunds", "full"])
    #expect(topic.path(toNamed: "invoices") == [0, 1])
    #expect(project.questions[1].required == false)
    #expect(project.questions[1].options.map(\.display) == ["low", "normal", "urgent"])
  }

  @Test func unknownKeysAreErrorsWithLineAndSuggestion() {
    let yaml = """
      data: d.jsonl
      text_feild: body
      questions:
        - name: label
          type: single
          optoins: [a, b]
      """
    let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "p/tally.yaml")
    #expect(config == nil)
    let messages = diagnostics.map(\.description)
    #expect(
      messages.contains("p/tally.yaml:2: error: unknown project key `text_feild`\n  fix: did you mean `text_field`?"))
    #expect(messages.contains("p/tally.yaml:6: error: unknown question key `optoins`\n  fix: did you mean `options`?"))
    #expect(messages.contains { $0.hasPrefix("p/tally.yaml:4: error: question `label` has no `options`") })
  }

  @Test func everyProblemIsReportedNotJustTheFirst() {
    let yaml = """
      data: d.unknown
      order: sideways
      seed: -3
      questions:
        - name: bad name
          type: choice
          options:
            - name: a
              key: q
            - name: a
              children: [x]
      """
    let (_, diagnostics) = ProjectConfigParser.parse(yaml, file: "t.yaml")
    let text = diagnostics.map(\.description).joined(separator: "\n")
    #expect(text.contains("t.yaml:1: error: cannot tell the format of `d.unknown`"))
    #expect(text.contains("t.yaml:2: error: unknown order `sideways`"))
    #expect(text.contains("t.yaml:3: error: `seed` must be a whole number"))
    #expect(text.contains("t.yaml:5: error: question name `bad name` must be letters"))
    #expect(text.contains("t.yaml:6: error: unknown question type `choice`"))
    #expect(text.contains("t.yaml:9: error: hotkey `q` is not allowed"))
    #expect(text.contains("t.yaml:10: error: option `a` appears twice"))
    #expect(text.contains("t.yaml:11: error: only taxonomy questions have `children`"))
    #expect(diagnostics.count == 8)
  }

  @Test func yamlSyntaxErrorsNameTheLine() {
    let (config, diagnostics) = ProjectConfigParser.parse(
      "data: x.jsonl\nquestions:\n  - name: [unclosed\n", file: "y.yaml")
    #expect(config == nil)
    #expect(diagnostics.count == 1)
    #expect(diagnostics[0].line != nil)
    #expect(diagnostics[0].message.hasPrefix("YAML syntax:"))
  }

  @Test func missingRequiredKeys() {
    let (_, diagnostics) = ProjectConfigParser.parse("name: x\n", file: "m.yaml")
    #expect(diagnostics.map(\.message) == ["missing required key `data`", "missing required key `questions`"])
  }

  @Test func templateIsValidAndRoundTrips() throws {
    let labels = ["pos", "neg", "yes"].map { QuickStartLabel(name: $0, display: $0) }
    let yaml = ProjectTemplate.yaml(
      name: "reviews", dataPath: "../reviews.jsonl", format: .jsonl, question: .labels(labels, multi: true))
    let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    #expect(diagnostics.isEmpty)
    let project = try #require(config)
    #expect(project.data == "../reviews.jsonl")
    #expect(project.questions.count == 1)
    #expect(project.questions[0].name == "label")
    #expect(project.questions[0].kind == .multi)
    #expect(project.questions[0].options.map(\.name) == ["pos", "neg", "yes"])
    #expect(yaml.contains("# The questions asked of each task."))
  }

  @Test func suggestionsUseEditDistance() {
    #expect(Suggest.distance("kitten", "sitting") == 3)
    #expect(Suggest.nearest(to: "questons", in: ProjectConfigParser.topLevelKeys) == "questions")
    #expect(Suggest.nearest(to: "zzzz", in: ProjectConfigParser.topLevelKeys) == nil)
  }
}

@Suite struct TimestampTests {
  @Test func formatsAndParsesISO8601() {
    #expect(Timestamp.iso8601(0) == "1970-01-01T00:00:00.000Z")
    #expect(Timestamp.iso8601(1_795_000_000.25) == "2026-11-18T11:06:40.250Z")
    #expect(Timestamp.parse("2026-11-18T11:06:40.250Z") == 1_795_000_000.25)
    #expect(Timestamp.parse("2026-11-18T13:06:40+02:00") == 1_795_000_000)
    #expect(Timestamp.parse("2026-13-18T08:26:40Z") == nil)
    #expect(Timestamp.parse("yesterday") == nil)
    #expect(Timestamp.iso8601(-1) == "1969-12-31T23:59:59.000Z")
  }

  @Test func recordsRoundTripThroughJSON() throws {
    let record = LabelRecord(
      id: "0190-x", type: .answer, task: "t1", line: 3, annotator: "ana", answers: JSONObject([("q", ["a", "b"])]),
      shownAt: 1_795_000_000, submittedAt: 1_795_000_003.5, activeSeconds: 3.5, guidelinesVersion: "sha256:ab",
      tool: "tally 0.1.0", supersedes: "0190-w", acceptedPrediction: false)
    let line = record.jsonLine
    #expect(
      line.hasPrefix(
        #"{"v":1,"id":"0190-x","type":"answer","task":"t1","line":3,"annotator":"ana","answers":{"q":["a","b"]}"#))
    #expect(try LabelRecord(json: JSONParser.parse(line.utf8)) == record)
  }
}

@Suite struct PredictionTests {
  let topics = Question(
    name: "topic", kind: .taxonomy,
    options: [
      AnswerOption(name: "billing", children: [AnswerOption(name: "refunds", children: [AnswerOption(name: "full")])]),
      AnswerOption(name: "other"),
    ])

  func task(_ prediction: JSONValue) -> LabelTask {
    LabelTask(id: "t", line: 1, fields: JSONObject(), text: "x", prediction: prediction)
  }

  @Test func taxonomyPredictionsAsPathLeafNameOrSlashes() {
    #expect(
      Prediction.answers(for: task(["billing", "refunds", "full"]), questions: [topics])["topic"] == [
        "billing", "refunds", "full",
      ])
    #expect(Prediction.answers(for: task("full"), questions: [topics])["topic"] == ["billing", "refunds", "full"])
    #expect(
      Prediction.answers(for: task("billing/refunds/full"), questions: [topics])["topic"] == [
        "billing", "refunds", "full",
      ])
    // A branch is only an answer when the question allows branches.
    #expect(Prediction.answers(for: task("refunds"), questions: [topics]).isEmpty)
    var branches = topics
    branches.leafOnly = false
    #expect(Prediction.answers(for: task("refunds"), questions: [branches])["topic"] == ["billing", "refunds"])
  }

  @Test func predictionsKeyedByQuestion() {
    let urgency = Question(
      name: "urgency", kind: .single, options: [AnswerOption(name: "low"), AnswerOption(name: "high")])
    let prediction: JSONValue = .object(JSONObject([("urgency", "high"), ("topic", "other"), ("nope", "x")]))
    #expect(
      Prediction.answers(for: task(prediction), questions: [topics, urgency])
        == JSONObject([("topic", ["other"]), ("urgency", "high")]))
  }
}

@Suite struct RatingConfigTests {
  @Test func aRatingBecomesOneOptionPerValueWithLabelledEnds() throws {
    let yaml =
      "data: d.jsonl\nquestions:\n  - name: quality\n    type: rating\n    scale: 10\n    low: Poor\n    high: Excellent\n"
    let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "t.yaml")
    #expect(diagnostics.isEmpty)
    let question = try #require(config?.questions.first)
    #expect(question.kind == .rating)
    #expect(question.options.map(\.name) == (1...10).map(String.init))
    #expect(question.options.first?.display == "1 — Poor")
    #expect(question.options.last?.display == "10 — Excellent")
    #expect(OptionKeys.assign(question.options) == Array("1234567890"))
  }

  @Test func aRatingNeedsAScaleFromTwoToTen() {
    let (_, missing) = ProjectConfigParser.parse(
      "data: d.jsonl\nquestions:\n  - name: q\n    type: rating\n", file: "t.yaml")
    #expect(
      missing.map(\.description) == ["t.yaml:3: error: rating `q` needs a `scale`\n  fix: add `scale: 5` (2 to 10)"])
    let (_, big) = ProjectConfigParser.parse(
      "data: d.jsonl\nquestions:\n  - name: q\n    type: rating\n    scale: 11\n", file: "t.yaml")
    #expect(big.map(\.message) == ["`scale` must be a whole number from 2 to 10"])
  }

  @Test func quickStartRatingTemplateIsValid() throws {
    let yaml = ProjectTemplate.yaml(name: "r", dataPath: "../r.txt", format: .text, question: .rating(5))
    let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    #expect(diagnostics.isEmpty)
    #expect(config?.questions.first?.kind == .rating)
    #expect(config?.questions.first?.name == "label")
    #expect(config?.questions.first?.options.count == 5)
  }
}
