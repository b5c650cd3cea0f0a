import TallyJSON

/// Quality settings given on the quick-start command line (`--gold`, `--gold-rate`, `--min-seconds`).
public struct QuickStartQuality: Sendable, Equatable {
  /// The gold file, relative to the project folder.
  public var gold: String?
  public var goldRate: Double?
  public var minSeconds: Double?

  public init(gold: String? = nil, goldRate: Double? = nil, minSeconds: Double? = nil) {
    self.gold = gold
    self.goldRate = goldRate
    self.minSeconds = minSeconds
  }

  public var isEmpty: Bool { gold == nil && goldRate == nil && minSeconds == nil }

  /// True when a project's settings already say what these do.
  public func matches(_ config: QualityConfig) -> Bool {
    (gold == nil || gold == config.gold) && (goldRate == nil || goldRate == config.goldRate)
      && (minSeconds == nil || minSeconds == config.minSeconds)
  }
}

/// The one question a quick start asks (always named `label`).
public enum QuickStartQuestion: Sendable, Equatable {
  /// `--labels a,b,c` (with `--multi`).
  case labels([QuickStartLabel], multi: Bool)
  /// `--rating N`.
  case rating(Int)
  /// `--free-text`.
  case freeText
  /// `--spans PER,ORG,LOC`.
  case spans([QuickStartLabel])
  /// `--compare`: prompt, response_a, response_b side by side.
  case compare

  /// The command-line options that ask for this question.
  public var options: String {
    switch self {
    case .labels(let labels, let multi):
      return "--labels \(labels.map(\.display).joined(separator: ","))\(multi ? " --multi" : "")"
    case .rating(let n): return "--rating \(n)"
    case .freeText: return "--free-text"
    case .spans(let labels): return "--spans \(labels.map(\.display).joined(separator: ","))"
    case .compare: return "--compare"
    }
  }

  /// True when a project's first question is what this quick start asks.
  public func matches(_ config: ProjectConfig) -> Bool {
    guard let question = config.questions.first else { return false }
    let names = question.options.map(\.name)
    switch self {
    case .labels(let labels, let multi):
      return question.kind == (multi ? .multi : .single) && names == labels.map(\.name)
    case .rating(let n): return question.kind == .rating && names.count == n
    case .freeText: return question.kind == .text
    case .spans(let labels): return question.kind == .spans && names == labels.map(\.name)
    case .compare: return question.kind == .comparison && config.layout.compare != nil
    }
  }
}

/// Writes a commented `tally.yaml` for a data file and a list of labels (`tally init`, quick start).
public enum ProjectTemplate {
  /// The YAML text. `dataPath` is written as given (relative to the project folder).
  public static func yaml(
    name: String, dataPath: String, format: DataFormat, question: QuickStartQuestion, textField: String = "text",
    idField: String = "id", guidelines: String? = nil, quality: QuickStartQuality = QuickStartQuality()
  ) -> String {
    body(
      name: name, dataPath: dataPath, format: format, question: question, textField: textField, idField: idField,
      guidelines: guidelines)
      + qualitySection(quality)
  }

  /// The `quality:` section: the settings given, or every default commented out so it can be found.
  public static func qualitySection(_ quality: QuickStartQuality) -> String {
    let defaults = QualityConfig()
    if quality.isEmpty {
      return """

        # Quality control (see the README's "Quality control"). Active time and too-fast flags are on with
        # these defaults; the slow-down pause is off until `too_fast_count` is set (3 pauses after 3 too-fast
        # answers among the last 5). Uncomment to change them, or add gold tasks, training and an exam.
        # quality:
        #   idle_seconds: \(format(defaults.idleSeconds))
        #   min_seconds: \(format(defaults.minSeconds))
        #   chars_per_second: \(format(defaults.charsPerSecond))
        #   too_fast_count: \(QualityConfig.suggestedTooFastCount)
        #   too_fast_window: \(defaults.tooFastWindow)
        #   pause_seconds: \(format(defaults.pauseSeconds))
        #   same_answer_run: \(defaults.sameAnswerRun)
        #   gold: gold.jsonl
        #   gold_rate: \(format(defaults.goldRate))
        #   gold_feedback: silent
        #   training: training.jsonl
        #   exam: exam.jsonl
        #   exam_required: false

        """
    }
    var out = "\n# Quality control (see the README's \"Quality control\").\nquality:\n"
    if let minSeconds = quality.minSeconds {
      // Asking for a speed minimum asks for the slow-down pause too.
      out += "  min_seconds: \(format(minSeconds))\n"
      out += "  too_fast_count: \(QualityConfig.suggestedTooFastCount)\n"
      out += "  too_fast_window: \(QualityConfig().tooFastWindow)\n"
    }
    if let gold = quality.gold {
      out += "  gold: \(quote(gold))\n"
      out += "  gold_rate: \(format(quality.goldRate ?? defaults.goldRate))\n"
    }
    return out
  }

  static func format(_ value: Double) -> String { JSONValue.format(number: value) }

  static func body(
    name: String, dataPath: String, format: DataFormat, question: QuickStartQuestion, textField: String,
    idField: String, guidelines: String?
  ) -> String {
    var out = """
      # Tally project file. Every key is checked: run `tally validate <folder>` after editing.
      name: \(quote(name))

      # The data to label, relative to this file. jsonl, csv, tsv (with a header row) or text (one task per line).
      data: \(quote(dataPath))
      format: \(format.rawValue)

      # Which field holds the text shown, and which holds the task id (a hash of the record is used when absent).
      text_field: \(quote(textField))
      id_field: \(quote(idField))

      # A field with a model's guess, shown preselected and accepted with Enter.
      prediction_field: prediction

      # Other fields shown above the text, e.g. [lang, source].
      show_fields: []

      # Guidelines in Markdown, opened with `g` (and before the first task when they change).

      """
    if let guidelines {
      out += "guidelines: \(quote(guidelines))\n"
    } else {
      out += "# guidelines: guidelines.md\n"
    }
    out += """

      # Queue order: `file`, or `shuffle` with a seed (the same seed gives the same order).
      order: file
      seed: 1

      """
    if question == .compare {
      out += """

        # Side by side: a prompt on top and two responses in columns. Which response is on the left is
        # random per task (from the seed) and recorded as `shown_left`; answers are always a, b, tie, both_bad.
        layout: compare
        compare:
          prompt_field: prompt
          response_a_field: response_a
          response_b_field: response_b
          model_a_field: model_a
          model_b_field: model_b
          show_models: false
          randomize_sides: true
          require_scroll: false
          markdown: true               # render Markdown in the texts (m shows them as stored)

        """
    }
    out += """

      # The questions asked of each task. type: single (one option), multi (several, Enter submits),
      # taxonomy (options with `children:`, any depth), rating (scale: N), text (free text),
      # spans (label parts of the text; options are the labels) or comparison (layout: compare).
      # Options may set `display`, `description`, `key`.
      questions:

      """
    var labels: [QuickStartLabel] = []
    var multi = false
    switch question {
    case .freeText:
      out += """
          - name: label
            prompt: Your answer
            type: text
            multiline: false

        """
      return out
    case .rating(let rating):
      out += """
          - name: label
            prompt: How would you rate it?
            type: rating
            scale: \(rating)
            low: worst
            high: best

        """
      return out
    case .compare:
      out += """
          - name: label
            prompt: Which response is better?
            type: comparison
            both_bad: true
            strength: false

        """
      return out
    case .spans(let list):
      out += """
          - name: label
            prompt: Mark the spans
            type: spans
            allow_overlap: false
            options:

        """
      out += optionLines(list)
      return out
    case .labels(let list, let isMulti):
      labels = list
      multi = isMulti
    }
    out += """
        - name: label
          prompt: Which label fits?
          type: \(multi ? "multi" : "single")
          options:

      """
    out += optionLines(labels)
    return out
  }

  /// One `- name:` per label, with `display:` when the stored name differs from the text given.
  static func optionLines(_ labels: [QuickStartLabel]) -> String {
    var out = ""
    for label in labels {
      out += "      - name: \(quote(label.name))\n"
      if label.display != label.name { out += "        display: \(quote(label.display))\n" }
    }
    return out
  }

  /// Quotes a YAML scalar when it needs it.
  public static func quote(_ value: String) -> String {
    let plain = value.unicodeScalars.allSatisfy { scalar in
      scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-/".unicodeScalars.contains(scalar)
    }
    if plain && !value.isEmpty && !["true", "false", "yes", "no", "null", "on", "off"].contains(value.lowercased()) {
      return value
    }
    var escaped = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped + "\""
  }
}
