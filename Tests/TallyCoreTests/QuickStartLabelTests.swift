import Testing

@testable import TallyCore

/// Labels as people type them on the command line.
@Suite struct QuickStartLabelTests {
  func parsed(_ raw: String) -> [QuickStartLabel]? {
    if case .success(let labels) = QuickStartLabel.parse(raw, option: "--labels") { return labels }
    return nil
  }

  func failure(_ raw: String) -> QuickStartError? {
    if case .failure(let error) = QuickStartLabel.parse(raw, option: "--labels") { return error }
    return nil
  }

  @Test func spacesEmojiAndPunctuationGetSafeStoredNames() throws {
    let labels = try #require(parsed("very good, bad ,👍,😀 happy,n/a,C++,é-clair,mixed.ok"))
    #expect(labels.map(\.name) == ["very_good", "bad", "thumbs_up_sign", "happy", "n_a", "C", "é-clair", "mixed.ok"])
    #expect(labels.map(\.display) == ["very good", "bad", "👍", "😀 happy", "n/a", "C++", "é-clair", "mixed.ok"])
  }

  @Test func namesThatWouldCollideAreNumbered() throws {
    let labels = try #require(parsed("a b,a_b,a-b"))
    #expect(labels.map(\.name) == ["a_b", "a_b_2", "a-b"])
  }

  @Test func emptyItemsAndRepeatsAreErrorsNotSilentDrops() throws {
    let empty = try #require(failure("a,,b"))
    #expect(empty.message == "--labels a,,b: label 2 of 3 is empty")
    #expect(empty.fix == "remove the extra comma, e.g. --labels a,b")
    #expect(failure("a,b,")?.message == "--labels a,b,: label 3 of 3 is empty")
    #expect(failure(" , ")?.message == "--labels is empty")
    let twice = try #require(failure("yes,no,yes"))
    #expect(twice.message == "--labels: `yes` is given twice")
    // Said about what was typed, never about a line of a generated file.
    #expect(!twice.description.contains("line"))
  }

  @Test func theTemplateKeepsTheTextAsTheDisplayName() throws {
    let labels = try #require(parsed("very good,👎"))
    let yaml = ProjectTemplate.yaml(
      name: "q", dataPath: "../q.jsonl", format: .jsonl, question: .labels(labels, multi: false))
    #expect(yaml.contains("      - name: very_good\n        display: \"very good\"\n"))
    #expect(yaml.contains("      - name: thumbs_down_sign\n        display: \"👎\"\n"))
    let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    #expect(config?.questions.first?.options.map(\.display) == ["very good", "👎"])
    #expect(config.map(QuickStartQuestion.labels(labels, multi: false).matches) == true)
  }

  @Test func thePauseIsOffUnlessAskedFor() throws {
    #expect(QualityConfig().tooFastCount == 0)
    let plain = ProjectTemplate.yaml(name: "q", dataPath: "../q.jsonl", format: .jsonl, question: .freeText)
    let (config, _) = ProjectConfigParser.parse(plain, file: "tally.yaml")
    #expect(config?.quality.tooFastCount == 0)
    let timed = ProjectTemplate.yaml(
      name: "q", dataPath: "../q.jsonl", format: .jsonl, question: .freeText,
      quality: QuickStartQuality(minSeconds: 2))
    let (withPause, _) = ProjectConfigParser.parse(timed, file: "tally.yaml")
    #expect(withPause?.quality.tooFastCount == 3)
    #expect(withPause?.quality.minSeconds == 2)
    // A window without a count does nothing: said so.
    let yaml = "data: d.jsonl\nquestions:\n  - name: q\n    options: [a, b]\nquality:\n  too_fast_window: 4\n"
    let (_, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    #expect(
      diagnostics.map(\.message) == [
        "`too_fast_window` has no effect: the slow-down pause is off until `too_fast_count` is set"
      ])
  }

  @Test func multiChoiceIsOptionalUnlessRequired() throws {
    let yaml =
      "data: d.jsonl\nquestions:\n  - name: m\n    type: multi\n    options: [a, b]\n  - name: r\n    type: multi\n    required: true\n    options: [a, b]\n  - name: s\n    options: [a, b]\n"
    let (config, _) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    #expect(config?.questions.map(\.required) == [false, true, true])
  }

  @Test func sideBySideHotkeysMayNotTakeItsCommands() throws {
    let yaml = """
      data: d.jsonl
      layout: compare
      questions:
        - name: overall
          type: comparison
        - name: flag
          options:
            - name: wrong
              key: w
            - name: fine
              key: f
        - name: more
          options:
            - name: jump
              key: J
      """
    let (_, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    let messages = diagnostics.map(\.message)
    #expect(messages.contains("hotkey `w` is a side-by-side command (see the keys with ?)"))
    #expect(messages.contains("hotkey `J` is not allowed"))
  }
}
