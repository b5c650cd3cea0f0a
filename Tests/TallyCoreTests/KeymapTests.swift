import TallyCore
import Testing

/// The keymap is the one source of keys: no key does two things in one mode, and the keys `tally.yaml` may
/// not give to options are exactly the letters the keymap binds.
@Suite struct KeymapTests {
  @Test func noKeyIsBoundTwiceInOneContext() {
    for context in KeyContext.allCases {
      var seen: [Key: Action] = [:]
      for binding in Keymap.bindings where binding.context == context {
        for key in binding.keys {
          #expect(seen[key] == nil, "\(key.label) is bound twice in \(context.rawValue)")
          seen[key] = binding.action
        }
      }
    }
  }

  @Test func everyBoundLetterOfTheLabelingScreenIsRefusedAsAHotkey() {
    let labeling = Keymap.characters(in: [.labeling, .guidelines, .anywhere]).filter(\.isLetter)
    #expect(ProjectConfigParser.reservedKeys == labeling)
    #expect(ProjectConfigParser.spanCommandKeys == Keymap.characters(in: [.spans]).filter(\.isLetter))
    #expect(ProjectConfigParser.compareCommandKeys == Keymap.characters(in: [.compare]).filter(\.isLetter))
    for letter in labeling {
      let yaml = """
        name: t
        data: d.jsonl
        questions:
          - name: q
            type: single
            options:
              - name: a
                key: \(letter)
              - b
        """
      let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
      #expect(config == nil, "hotkey \(letter) was accepted")
      #expect(diagnostics.map(\.description).joined().contains("hotkey `\(letter)` is not allowed"))
    }
    // A free letter is accepted.
    let free = Set("abcefhilmoptvwxyz").subtracting(labeling).sorted().first ?? "z"
    let yaml =
      "name: t\ndata: d.jsonl\nquestions:\n  - name: q\n    type: single\n    options:\n      - name: a\n        key: \(free)\n      - b\n"
    #expect(ProjectConfigParser.parse(yaml, file: "tally.yaml").config != nil)
  }

  @Test func spanAndSideBySideLettersAreRefusedWhereTheyApply() {
    for letter in ProjectConfigParser.spanCommandKeys.subtracting(ProjectConfigParser.reservedKeys) {
      let yaml =
        "name: t\ndata: d.jsonl\nquestions:\n  - name: q\n    type: spans\n    options:\n      - name: PER\n        key: \(letter)\n"
      let (config, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
      #expect(
        config == nil && diagnostics.map(\.description).joined().contains("moves or selects"), "span hotkey \(letter)")
    }
  }
}
