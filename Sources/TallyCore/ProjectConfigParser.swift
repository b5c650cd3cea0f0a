import TallyJSON
import Yams

/// Reads `tally.yaml` text into a `ProjectConfig`, collecting every problem with its line and a fix.
/// Unknown keys are errors, with the nearest known key suggested.
public enum ProjectConfigParser {
  public static let topLevelKeys = [
    "name", "data", "format", "text_field", "id_field", "prediction_field", "show_fields", "guidelines", "order",
    "seed", "questions", "layout", "compare", "quality", "signing_keys", "assignment", "reviewers",
  ]
  public static let assignmentKeys = ["annotators", "overlap", "max_overlap", "min_confidence"]
  public static let questionKeys = [
    "name", "prompt", "type", "options", "required", "leaf_only", "scale", "low", "high", "multiline", "min_length",
    "max_length", "allow_overlap", "both_bad", "strength", "require_scroll", "require_guidelines",
  ]
  public static let compareKeys = [
    "prompt_field", "response_a_field", "response_b_field", "model_a_field", "model_b_field", "show_models",
    "randomize_sides", "require_scroll", "markdown",
  ]
  public static let qualityKeys = [
    "idle_seconds", "min_seconds", "chars_per_second", "too_fast_count", "too_fast_window", "pause_seconds",
    "same_answer_run", "same_answer_chance", "gold", "gold_rate", "gold_feedback", "gold_span_overlap",
    "gold_window", "gold_min_accuracy", "training", "exam", "exam_pass_mark", "exam_required",
  ]
  /// Keys a span question uses to move and select; its labels' hotkeys may not take them (from the keymap).
  public static let spanCommandKeys: Set<Character> = Keymap.characters(in: [.spans]).filter(\.isLetter)
  public static let optionKeys = ["name", "display", "description", "key", "children"]
  /// Letters the labeling screen uses itself; option hotkeys may not take them (from the keymap).
  public static let reservedKeys: Set<Character> = Keymap.characters(in: [.labeling, .guidelines, .anywhere]).filter(
    \.isLetter)
  /// Keys a side-by-side task uses (word diff, raw text, both panes); hotkeys of its questions may not take them
  /// (from the keymap).
  public static let compareCommandKeys: Set<Character> = Keymap.characters(in: [.compare]).filter(\.isLetter)

  /// Parses `yaml` (the contents of `file`). Returns the config when there are no errors, and all diagnostics.
  public static func parse(_ yaml: String, file: String) -> (config: ProjectConfig?, diagnostics: [Diagnostic]) {
    var parser = Parser(file: file)
    let config = parser.parse(yaml)
    return (parser.diagnostics.hasErrors ? nil : config, parser.diagnostics)
  }

  fileprivate struct Parser {
    let file: String
    var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    mutating func error(_ node: Node?, _ message: String, fix: String? = nil) {
      diagnostics.append(Diagnostic(.error, file: file, line: node?.mark?.line, message, fix: fix))
    }

    mutating func parse(_ yaml: String) -> ProjectConfig? {
      let root: Node?
      do {
        root = try Yams.compose(yaml: yaml)
      } catch let error as YamlError {
        diagnostics.append(Self.diagnostic(for: error, file: file))
        return nil
      } catch {
        diagnostics.append(Diagnostic(file: file, "cannot read YAML: \(error)"))
        return nil
      }
      guard let root, case .mapping(let mapping) = root else {
        diagnostics.append(
          Diagnostic(
            file: file, line: root?.mark?.line, "the project file must be a mapping of keys to values",
            fix: "start with `data: data.jsonl` and a `questions:` list (run `tally init` for a commented example)"))
        return nil
      }
      let fields = checkKeys(mapping, allowed: ProjectConfigParser.topLevelKeys, context: "project")

      let name = string(fields["name"], key: "name") ?? "project"
      let data = string(fields["data"], key: "data")
      if data == nil && fields["data"] == nil {
        error(root, "missing required key `data`", fix: "add `data: <path to your .jsonl, .csv, .tsv or .txt file>`")
      }
      var format: DataFormat?
      if let node = fields["format"], let raw = string(node, key: "format") {
        format = DataFormat(rawValue: raw)
        if format == nil {
          error(node, "unknown format `\(raw)`", fix: "use one of: jsonl, csv, tsv, text")
        }
      } else if let data, DataFormat.inferred(fromPath: data) == nil {
        error(
          fields["data"], "cannot tell the format of `\(data)` from its name",
          fix: "add `format: jsonl` (or csv, tsv, text)")
      }
      let textField = string(fields["text_field"], key: "text_field") ?? "text"
      let idField = string(fields["id_field"], key: "id_field") ?? "id"
      let predictionField: String? =
        fields["prediction_field"].map { node in string(node, key: "prediction_field") ?? "" } ?? "prediction"
      let showFields = stringList(fields["show_fields"], key: "show_fields") ?? []
      let guidelines = string(fields["guidelines"], key: "guidelines")

      var order = QueueOrder.file
      var seed: UInt64 = 0
      if let node = fields["seed"] {
        if let raw = string(node, key: "seed"), let value = UInt64(raw) {
          seed = value
        } else {
          error(node, "`seed` must be a whole number ≥ 0", fix: "for example `seed: 7`")
        }
      }
      if let node = fields["order"], let raw = string(node, key: "order") {
        switch raw {
        case "file": order = .file
        case "shuffle", "random": order = .shuffle(seed: seed)
        default: error(node, "unknown order `\(raw)`", fix: "use `order: file` or `order: shuffle` (with `seed: N`)")
        }
      }

      var layout = TaskLayout.text
      if let node = fields["layout"], let raw = string(node, key: "layout") {
        switch raw {
        case "text": break
        case "compare", "side_by_side", "pair": layout = .compare(parseCompare(fields["compare"]))
        default: error(node, "unknown layout `\(raw)`", fix: "use `layout: text` or `layout: compare`")
        }
      }
      if layout.compare == nil, let node = fields["compare"] {
        error(node, "`compare` settings apply only with `layout: compare`", fix: "add `layout: compare`")
      }

      var questions: [Question] = []
      if let node = fields["questions"] {
        if case .sequence(let sequence) = node {
          for item in sequence {
            if let question = parseQuestion(item) { questions.append(question) }
          }
          if sequence.isEmpty { error(node, "`questions` is empty", fix: "add at least one question") }
        } else {
          error(node, "`questions` must be a list", fix: "write each question as `- name: …` under `questions:`")
        }
      } else {
        error(root, "missing required key `questions`", fix: "add a `questions:` list (see `tally init`)")
      }
      var seen: Set<String> = []
      for (question, node) in zip(questions, questionNodes) where !seen.insert(question.name).inserted {
        error(node, "question name `\(question.name)` is used twice", fix: "give each question its own name")
      }

      for (question, node) in zip(questions, questionNodes) {
        if layout.compare != nil {
          for key in question.allOptionKeys where ProjectConfigParser.compareCommandKeys.contains(key) {
            let taken = ProjectConfigParser.compareCommandKeys.sorted().map(String.init).joined(separator: " ")
            error(
              node, "hotkey `\(key)` is a side-by-side command (see the keys with ?)",
              fix: "use a letter other than: \(taken)")
          }
        }
        if question.kind == .comparison && layout.compare == nil {
          error(
            node, "a comparison question needs the side-by-side layout", fix: "add `layout: compare` to the project")
        }
        if question.kind == .comparison && question.strength
          && questions.contains(where: { $0.name == question.strengthName })
        {
          error(
            node, "`\(question.strengthName)` is where this question's strength is stored",
            fix: "rename the other question")
        }
      }

      guard let data else { return nil }
      var config = ProjectConfig(
        name: name, data: data, format: format, textField: textField, idField: idField,
        predictionField: (predictionField?.isEmpty ?? true) ? nil : predictionField, showFields: showFields,
        guidelines: guidelines, order: order, questions: questions)
      config.layout = layout
      config.seed = seed
      config.quality = parseQuality(fields["quality"])
      config.signingKeys = parseSigningKeys(fields["signing_keys"])
      config.assignment = parseAssignment(fields["assignment"])
      config.reviewers = stringList(fields["reviewers"], key: "reviewers")
      if let compare = layout.compare { config.textField = compare.promptField }
      return config
    }

    /// `signing_keys:`: annotator → Ed25519 public key (base64, as `tally key` prints it).
    mutating func parseSigningKeys(_ node: Node?) -> [String: String] {
      guard let node else { return [:] }
      guard case .mapping(let mapping) = node else {
        error(node, "`signing_keys` must be a mapping", fix: "for example `signing_keys:` then `  ana: <key>` indented")
        return [:]
      }
      var keys: [String: String] = [:]
      for (k, v) in mapping {
        guard let name = k.string, let key = string(v, key: "signing_keys.\(k.string ?? "")") else { continue }
        if Base64.decode(key)?.count != 32 {
          error(v, "`\(name)`'s signing key is not an Ed25519 public key", fix: "paste the key `tally key` printed")
          continue
        }
        keys[name] = key
      }
      return keys
    }

    /// `assignment:`: who labels what (`annotators`, `overlap`, optionally `max_overlap` and `min_confidence`).
    mutating func parseAssignment(_ node: Node?) -> AssignmentConfig? {
      guard
        let fields = section(node, "assignment", allowed: ProjectConfigParser.assignmentKeys, example: "overlap: 3")
      else { return nil }
      let annotators = stringList(fields["annotators"], key: "annotators") ?? []
      if annotators.isEmpty {
        error(node, "`assignment` needs `annotators`", fix: "for example `annotators: [ana, ben, cy]`")
        return nil
      }
      if Set(annotators).count != annotators.count { error(fields["annotators"], "an annotator is listed twice") }
      var config = AssignmentConfig(annotators: annotators, overlap: count(fields["overlap"], key: "overlap") ?? 1)
      if config.overlap < 1 || config.overlap > annotators.count {
        error(
          fields["overlap"], "`overlap` must be between 1 and the number of annotators (\(annotators.count))")
        config.overlap = max(1, min(config.overlap, annotators.count))
      }
      if let m = count(fields["max_overlap"], key: "max_overlap") {
        if m < config.overlap || m > annotators.count {
          error(fields["max_overlap"], "`max_overlap` must be between `overlap` and the number of annotators")
        } else {
          config.maxOverlap = m
        }
      }
      config.minConfidence =
        number(fields["min_confidence"], key: "min_confidence", in: 0...1) ?? config.minConfidence
      return config
    }

    /// The `compare:` mapping of a side-by-side project (all keys optional).
    mutating func parseCompare(_ node: Node?) -> CompareSpec {
      var spec = CompareSpec()
      guard
        let fields = section(node, "compare", allowed: ProjectConfigParser.compareKeys, example: "prompt_field: prompt")
      else { return spec }
      spec.promptField = string(fields["prompt_field"], key: "prompt_field") ?? spec.promptField
      spec.responseAField = string(fields["response_a_field"], key: "response_a_field") ?? spec.responseAField
      spec.responseBField = string(fields["response_b_field"], key: "response_b_field") ?? spec.responseBField
      if let node = fields["model_a_field"] { spec.modelAField = string(node, key: "model_a_field") }
      if let node = fields["model_b_field"] { spec.modelBField = string(node, key: "model_b_field") }
      spec.showModels = flag(fields["show_models"], key: "show_models") ?? spec.showModels
      spec.randomizeSides = flag(fields["randomize_sides"], key: "randomize_sides") ?? spec.randomizeSides
      spec.requireScroll = flag(fields["require_scroll"], key: "require_scroll") ?? spec.requireScroll
      spec.markdown = flag(fields["markdown"], key: "markdown") ?? spec.markdown
      if spec.responseAField == spec.responseBField {
        error(fields["response_b_field"], "both responses read the same field `\(spec.responseAField)`")
      }
      return spec
    }

    /// The keys of a settings section such as `compare:` or `quality:`; nil when it is absent or not a mapping
    /// (which is reported).
    mutating func section(_ node: Node?, _ name: String, allowed: [String], example: String) -> [String: Node]? {
      guard let node else { return nil }
      guard case .mapping(let mapping) = node else {
        error(node, "`\(name)` must be a mapping", fix: "for example `\(name):` then `  \(example)` indented")
        return nil
      }
      return checkKeys(mapping, allowed: allowed, context: name)
    }

    /// The `quality:` mapping (all keys optional).
    mutating func parseQuality(_ node: Node?) -> QualityConfig {
      var quality = QualityConfig()
      guard let fields = section(node, "quality", allowed: ProjectConfigParser.qualityKeys, example: "min_seconds: 2")
      else { return quality }
      quality.idleSeconds = number(fields["idle_seconds"], key: "idle_seconds", in: 1...86_400) ?? quality.idleSeconds
      quality.minSeconds = number(fields["min_seconds"], key: "min_seconds", in: 0...3_600) ?? quality.minSeconds
      quality.charsPerSecond =
        number(fields["chars_per_second"], key: "chars_per_second", in: 0...100_000) ?? quality.charsPerSecond
      quality.tooFastCount = count(fields["too_fast_count"], key: "too_fast_count") ?? quality.tooFastCount
      quality.tooFastWindow = count(fields["too_fast_window"], key: "too_fast_window") ?? quality.tooFastWindow
      if quality.tooFastCount > quality.tooFastWindow {
        error(
          fields["too_fast_count"] ?? fields["too_fast_window"],
          "`too_fast_count` (\(quality.tooFastCount)) is more than `too_fast_window` (\(quality.tooFastWindow))",
          fix: "for example `too_fast_count: 3` with `too_fast_window: 5`; 0 turns the pause off")
      }
      if fields["too_fast_count"] == nil, let window = fields["too_fast_window"] {
        diagnostics.append(
          Diagnostic(
            .warning, file: file, line: window.mark?.line,
            "`too_fast_window` has no effect: the slow-down pause is off until `too_fast_count` is set",
            fix: "add `too_fast_count: \(QualityConfig.suggestedTooFastCount)` under `quality:` (or remove the window)")
        )
      }
      quality.pauseSeconds =
        number(fields["pause_seconds"], key: "pause_seconds", in: 0...3_600) ?? quality.pauseSeconds
      quality.sameAnswerRun = count(fields["same_answer_run"], key: "same_answer_run") ?? quality.sameAnswerRun
      if quality.sameAnswerRun == 1 {
        error(fields["same_answer_run"], "`same_answer_run` must be at least 2 (or 0 to turn the check off)")
      }
      quality.sameAnswerChance =
        number(fields["same_answer_chance"], key: "same_answer_chance", in: 0...1) ?? quality.sameAnswerChance
      quality.gold = string(fields["gold"], key: "gold")
      quality.goldRate = number(fields["gold_rate"], key: "gold_rate", in: 0...0.5) ?? quality.goldRate
      if let feedbackNode = fields["gold_feedback"], let raw = string(feedbackNode, key: "gold_feedback") {
        if let feedback = GoldFeedback(rawValue: raw) {
          quality.goldFeedback = feedback
        } else {
          error(feedbackNode, "unknown gold feedback `\(raw)`", fix: "use `silent` or `explain`")
        }
      }
      quality.goldSpanOverlap =
        number(fields["gold_span_overlap"], key: "gold_span_overlap", in: 0.01...1) ?? quality.goldSpanOverlap
      quality.goldWindow = count(fields["gold_window"], key: "gold_window") ?? quality.goldWindow
      if quality.goldWindow == 0 { error(fields["gold_window"], "`gold_window` must be at least 1") }
      quality.goldMinAccuracy =
        number(fields["gold_min_accuracy"], key: "gold_min_accuracy", in: 0...1) ?? quality.goldMinAccuracy
      quality.training = string(fields["training"], key: "training")
      quality.exam = string(fields["exam"], key: "exam")
      quality.examPassMark = number(fields["exam_pass_mark"], key: "exam_pass_mark", in: 0...1) ?? quality.examPassMark
      quality.examRequired = flag(fields["exam_required"], key: "exam_required") ?? quality.examRequired
      if quality.examRequired && quality.exam == nil {
        error(fields["exam_required"], "`exam_required` needs an exam", fix: "add `exam: exam.jsonl` under `quality:`")
      }
      if fields["gold"] == nil {
        for key in ["gold_rate", "gold_feedback", "gold_span_overlap", "gold_window", "gold_min_accuracy"] {
          if let extra = fields[key] {
            error(extra, "`\(key)` applies only with gold tasks", fix: "add `gold: gold.jsonl` under `quality:`")
          }
        }
      }
      return quality
    }

    /// A number in `range`; reports anything else.
    mutating func number(_ node: Node?, key: String, in range: ClosedRange<Double>) -> Double? {
      guard let node else { return nil }
      if let raw = string(node, key: key), let value = Double(raw), value.isFinite, range.contains(value) {
        return value
      }
      let (low, high) = (JSONValue.format(number: range.lowerBound), JSONValue.format(number: range.upperBound))
      error(node, "`\(key)` must be a number from \(low) to \(high)")
      return nil
    }

    var questionNodes: [Node] = []

    mutating func parseQuestion(_ node: Node) -> Question? {
      guard case .mapping(let mapping) = node else {
        error(node, "a question must be a mapping", fix: "write `- name: label` with `type:` and `options:` under it")
        return nil
      }
      let fields = checkKeys(mapping, allowed: ProjectConfigParser.questionKeys, context: "question")
      guard let name = string(fields["name"], key: "name") else {
        if fields["name"] == nil { error(node, "a question needs a `name`", fix: "add `name: label`") }
        return nil
      }
      checkIdentifier(name, node: fields["name"], what: "question name")
      var kind = QuestionKind.single
      if let typeNode = fields["type"], let raw = string(typeNode, key: "type") {
        if let parsed = QuestionKind(rawValue: raw) {
          kind = parsed
        } else {
          error(
            typeNode, "unknown question type `\(raw)`",
            fix: "use one of: \(QuestionKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
      }
      // Multi-choice may be left empty (none applies) unless it says `required: true`.
      let required = flag(fields["required"], key: "required") ?? (kind != .multi)
      let leafOnly = flag(fields["leaf_only"], key: "leaf_only") ?? true
      if let leafNode = fields["leaf_only"], kind != .taxonomy {
        error(leafNode, "`leaf_only` applies to taxonomy questions only")
      }
      let prompt = string(fields["prompt"], key: "prompt")
      var options: [AnswerOption] = []
      var textLimits: (multiline: Bool, min: Int?, max: Int?) = (false, nil, nil)
      if kind == .text {
        if let optionsNode = fields["options"] {
          error(optionsNode, "a free-text question has no `options`", fix: "remove `options`")
        }
        textLimits.multiline = flag(fields["multiline"], key: "multiline") ?? false
        textLimits.min = count(fields["min_length"], key: "min_length")
        textLimits.max = count(fields["max_length"], key: "max_length")
        if let low = textLimits.min, let high = textLimits.max, low > high {
          error(fields["min_length"], "`min_length` is more than `max_length`")
        }
      } else {
        for key in ["multiline", "min_length", "max_length"] {
          if let extra = fields[key] { error(extra, "`\(key)` applies to free-text questions only (type: text)") }
        }
      }
      let allowOverlap = flag(fields["allow_overlap"], key: "allow_overlap") ?? false
      if let extra = fields["allow_overlap"], kind != .spans {
        error(extra, "`allow_overlap` applies to span questions only (type: spans)")
      }
      let bothBad = flag(fields["both_bad"], key: "both_bad") ?? false
      let strength = flag(fields["strength"], key: "strength") ?? false
      for key in ["both_bad", "strength"] where kind != .comparison {
        if let extra = fields[key] { error(extra, "`\(key)` applies to comparison questions only (type: comparison)") }
      }
      if kind == .text {
        // No options.
      } else if kind == .comparison {
        if let optionsNode = fields["options"] {
          error(
            optionsNode, "a comparison's options are fixed (left, right, tie, and both bad with `both_bad: true`)",
            fix: "remove `options`")
        }
        options = Question.comparisonOptions(bothBad: bothBad)
      } else if kind == .rating {
        options = parseRating(fields, node: node, name: name)
      } else if let optionsNode = fields["options"] {
        options = parseOptions(optionsNode, kind: kind, depth: 0)
        if options.isEmpty { error(optionsNode, "question `\(name)` has no options", fix: "list at least two options") }
      } else {
        error(node, "question `\(name)` has no `options`", fix: "add `options: [yes, no]` or a list of mappings")
      }
      questionNodes.append(node)
      var question = Question(
        name: name, prompt: prompt, kind: kind, options: options, required: required, leafOnly: leafOnly)
      question.multiline = textLimits.multiline
      question.minLength = textLimits.min
      question.maxLength = textLimits.max
      question.allowOverlap = allowOverlap
      question.strength = strength
      question.requireScroll = flag(fields["require_scroll"], key: "require_scroll") ?? false
      question.requireGuidelines = flag(fields["require_guidelines"], key: "require_guidelines") ?? false
      if kind == .spans {
        for (option, optionNode) in zip(options, optionNodes(fields["options"])) {
          if let key = option.key, ProjectConfigParser.spanCommandKeys.contains(key) {
            let taken = ProjectConfigParser.spanCommandKeys.sorted().map(String.init).joined(separator: " ")
            error(
              optionNode, "hotkey `\(key)` moves or selects in span questions", fix: "use a letter other than: \(taken)"
            )
          }
        }
      }
      return question
    }

    /// The item nodes of an `options` list (for messages about one option).
    func optionNodes(_ node: Node?) -> [Node] {
      if case .sequence(let sequence) = node { return Array(sequence) }
      return []
    }

    /// A rating's values become options named "1"…"N" (keys 1–9, and 0 for 10); `low`/`high` label the ends.
    mutating func parseRating(_ fields: [String: Node], node: Node, name: String) -> [AnswerOption] {
      if let optionsNode = fields["options"] {
        error(optionsNode, "a rating has a `scale`, not `options`", fix: "write `scale: 5` (2 to 10)")
      }
      guard let scaleNode = fields["scale"] else {
        error(node, "rating `\(name)` needs a `scale`", fix: "add `scale: 5` (2 to 10)")
        return []
      }
      guard let raw = string(scaleNode, key: "scale"), let scale = Int(raw), (2...10).contains(scale) else {
        error(scaleNode, "`scale` must be a whole number from 2 to 10")
        return []
      }
      let low = string(fields["low"], key: "low")
      let high = string(fields["high"], key: "high")
      return (1...scale).map { value in
        var display = String(value)
        if value == 1, let low { display += " — " + low }
        if value == scale, let high { display += " — " + high }
        return AnswerOption(name: String(value), display: display, key: value == 10 ? "0" : nil)
      }
    }

    mutating func parseOptions(_ node: Node, kind: QuestionKind, depth: Int) -> [AnswerOption] {
      guard case .sequence(let sequence) = node else {
        error(node, "`options` must be a list", fix: "write each option on its own `- ` line")
        return []
      }
      var options: [AnswerOption] = []
      var names: Set<String> = []
      var keys: Set<Character> = []
      for item in sequence {
        guard let option = parseOption(item, kind: kind, depth: depth) else { continue }
        if !names.insert(option.name).inserted {
          error(item, "option `\(option.name)` appears twice", fix: "option names must be unique within a list")
        }
        if let key = option.key, !keys.insert(key).inserted {
          error(item, "hotkey `\(key)` is used by two options", fix: "give each option its own `key`")
        }
        options.append(option)
      }
      if options.count > 26 {
        diagnostics.append(
          Diagnostic(
            .warning, file: file, line: node.mark?.line,
            "\(options.count) options in one list: more than fit on a screen or on single keys",
            fix: "group them into a taxonomy (type: taxonomy, with children)"))
      }
      return options
    }

    mutating func parseOption(_ node: Node, kind: QuestionKind, depth: Int) -> AnswerOption? {
      if case .scalar(let scalar) = node {
        checkIdentifier(scalar.string, node: node, what: "option name")
        return AnswerOption(name: scalar.string)
      }
      guard case .mapping(let mapping) = node else {
        error(node, "an option must be a name or a mapping", fix: "write `- positive` or `- name: positive`")
        return nil
      }
      let fields = checkKeys(mapping, allowed: ProjectConfigParser.optionKeys, context: "option")
      guard let name = string(fields["name"], key: "name") else {
        if fields["name"] == nil { error(node, "an option needs a `name`", fix: "add `name: <identifier>`") }
        return nil
      }
      checkIdentifier(name, node: fields["name"], what: "option name")
      var key: Character?
      if let keyNode = fields["key"], let raw = string(keyNode, key: "key") {
        if raw.count == 1, let character = raw.first, character.isLetter, character.isASCII,
          !ProjectConfigParser.reservedKeys.contains(character)
        {
          key = character
        } else {
          let reserved = ProjectConfigParser.reservedKeys.sorted().map(String.init).joined(separator: " ")
          error(keyNode, "hotkey `\(raw)` is not allowed", fix: "use one ASCII letter other than: \(reserved)")
        }
      }
      var children: [AnswerOption] = []
      if let childrenNode = fields["children"] {
        if kind != .taxonomy {
          error(childrenNode, "only taxonomy questions have `children`", fix: "set `type: taxonomy` on the question")
        } else if depth > 32 {
          error(childrenNode, "taxonomy is deeper than 32 levels")
        } else {
          children = parseOptions(childrenNode, kind: kind, depth: depth + 1)
        }
      }
      return AnswerOption(
        name: name, display: string(fields["display"], key: "display"),
        description: string(fields["description"], key: "description"), key: key, children: children)
    }

    /// Returns the mapping as a dictionary of key → value node, reporting unknown and duplicate keys.
    mutating func checkKeys(_ mapping: Node.Mapping, allowed: [String], context: String) -> [String: Node] {
      var fields: [String: Node] = [:]
      for (keyNode, value) in mapping {
        guard let key = keyNode.string else {
          error(keyNode, "keys must be plain words")
          continue
        }
        if !allowed.contains(key) {
          let suggestion = Suggest.nearest(to: key, in: allowed)
          let fix =
            suggestion.map { "did you mean `\($0)`?" }
            ?? "known \(context) keys: \(allowed.joined(separator: ", "))"
          error(keyNode, "unknown \(context) key `\(key)`", fix: fix)
          continue
        }
        if fields[key] != nil { error(keyNode, "key `\(key)` appears twice", fix: "keep one of them") }
        fields[key] = value
      }
      return fields
    }

    mutating func string(_ node: Node?, key: String) -> String? {
      guard let node else { return nil }
      if case .scalar(let scalar) = node { return scalar.string }
      error(node, "`\(key)` must be a single value, not a list or mapping")
      return nil
    }

    mutating func stringList(_ node: Node?, key: String) -> [String]? {
      guard let node else { return nil }
      switch node {
      case .scalar(let scalar):
        return scalar.string.split(separator: ",").map { String($0).trimming(" ") }
      case .sequence(let sequence):
        return sequence.compactMap { item in string(item, key: key) }
      default:
        error(node, "`\(key)` must be a list", fix: "for example `\(key): [lang, source]`")
        return nil
      }
    }

    mutating func checkIdentifier(_ name: String, node: Node?, what: String) {
      let ok =
        !name.isEmpty
        && name.unicodeScalars.allSatisfy { scalar in
          scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            || "_-.".unicodeScalars.contains(scalar)
        }
      if !ok {
        error(
          node, "\(what) `\(name)` must be letters, digits, `_`, `-` or `.`",
          fix: "put free text in `display:` and keep `name:` an identifier")
      }
    }

    /// A whole number ≥ 0; reports anything else.
    mutating func count(_ node: Node?, key: String) -> Int? {
      guard let node else { return nil }
      if let raw = string(node, key: key), let value = Int(raw), value >= 0 { return value }
      error(node, "`\(key)` must be a whole number ≥ 0")
      return nil
    }

    /// A true/false value; reports anything else.
    mutating func flag(_ node: Node?, key: String) -> Bool? {
      guard let node else { return nil }
      if let raw = string(node, key: key), let value = Self.bool(raw) { return value }
      error(node, "`\(key)` must be true or false")
      return nil
    }

    static func bool(_ raw: String) -> Bool? {
      switch raw.lowercased() {
      case "true", "yes", "on": return true
      case "false", "no", "off": return false
      default: return nil
      }
    }

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        return Diagnostic(
          file: file, line: mark.line, "YAML syntax: \(problem) (column \(mark.column))",
          fix: "check indentation (spaces, not tabs) and quote values containing `:` or `#`")
      case .duplicatedKeysInMapping(let duplicates, let context):
        return Diagnostic(
          file: file, line: context.mark.line, "key appears twice: \(duplicates.joined(separator: ", "))",
          fix: "keep one of them")
      default:
        return Diagnostic(file: file, "cannot read YAML: \(error)")
      }
    }
  }
}

extension String {
  func trimming(_ set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s.removeFirst() }
    while s.last == set { s.removeLast() }
    return String(s)
  }
}

/// "Did you mean" suggestions by edit distance.
public enum Suggest {
  /// The closest candidate within a small edit distance, if any.
  public static func nearest(to word: String, in candidates: [String]) -> String? {
    let limit = max(1, word.count / 3)
    var best: (String, Int)?
    for candidate in candidates {
      let d = distance(word.lowercased(), candidate.lowercased())
      if d <= limit && d < (best?.1 ?? .max) { best = (candidate, d) }
    }
    return best?.0
  }

  /// Levenshtein distance over characters.
  public static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
