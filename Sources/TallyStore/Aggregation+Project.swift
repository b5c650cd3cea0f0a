import TallyCore
import TallyJSON
import TallyStats

extension Aggregation {
  /// Prefix of gold tasks' names in tables (kept apart from data tasks of the same id, never output).
  static let goldPrefix = "\u{1}gold:"

  /// A project's current answers to one question (gold and training/exam answers kept out of the output; the
  /// project's gold tasks clamp Dawid–Skene).
  public static func project(
    _ project: Project, store: LabelStore, question: Question, options: AggregationOptions
  ) -> AggregationResult {
    let answers = QuestionAnswers.load(project: project, store: store, question: question)
    var result: AggregationResult
    switch question.kind {
    case .single:
      result = nominal(answers, options: options, labelOrder: question.options.map(\.name)) { .string($0) }
    case .comparison where options.method == .bt:
      result = ranking(comparisonTable(answers, project: project), options: options)
    case .comparison:
      result = nominal(answers, options: options, labelOrder: Verdict.allCases.map(\.rawValue)) { .string($0) }
    case .taxonomy:
      result = nominal(answers, options: options) { .array($0.split(separator: "/").map { .string(String($0)) }) }
      addAgreedDepth(&result, answers)
    case .multi:
      result = multiChoice(answers, options: options)
    case .rating:
      result = rating(answers, options: options)
    case .spans:
      result = spans(answers, options: options)
    case .text:
      result = freeText(answers)
    }
    if answers.leftOut > 0 {
      result.notes.append("\(answers.leftOut) current record(s) left out: skips, or no answer to `\(question.name)`")
    }
    return result
  }

  /// Single choice, comparison verdicts and taxonomy paths: one category per answer.
  static func nominal(
    _ answers: QuestionAnswers, options: AggregationOptions, labelOrder: [String]? = nil,
    value: (String) -> JSONValue
  ) -> AggregationResult {
    let (table, gold, _) = answers.table(labelOrder: labelOrder, includeGold: options.method == .ds) { $0.category }
    var result = categorical(table, gold: gold, options: options) { table.tasks[$0].hasPrefix(goldPrefix) }
    for i in result.tasks.indices {
      if let name = result.tasks[i].label.stringValue { result.tasks[i].label = value(name) }
    }
    return result
  }

  /// The deepest level of the taxonomy on which a majority of a task's annotators agree.
  static func addAgreedDepth(_ result: inout AggregationResult, _ answers: QuestionAnswers) {
    var index: [String: Int] = [:]
    for (t, name) in answers.tasks.enumerated() { index[name] = t }
    for i in result.tasks.indices {
      guard let t = index[result.tasks[i].task] else { continue }
      let list = answers.answers[t]
      var depth = 0
      let maxDepth =
        list.compactMap { if case .path(let p) = $0.answer { return p.count } else { return nil } }.max() ?? 0
      for d in stride(from: 1, through: maxDepth, by: 1) {
        var votes: [[String]: Int] = [:]
        for (_, answer) in list { if let prefix = answer.path(toDepth: d) { votes[prefix, default: 0] += 1 } }
        if let top = votes.values.max(), 2 * top > list.count { depth = d } else { break }
      }
      result.tasks[i].extra["agreed_depth"] = .number(Double(depth))
    }
  }

  /// Multi-choice: each option present or absent, aggregated on its own; the answer is the options more likely
  /// present than not.
  static func multiChoice(_ answers: QuestionAnswers, options: AggregationOptions) -> AggregationResult {
    var result = AggregationResult(method: options.method)
    let names = answers.question.options.map(\.name)
    result.labels = names
    var perOption: [[String: Double]] = []
    var notes: [String] = []
    var accuracies: [String: [Double]] = [:]
    for option in names {
      let (table, gold, _) = answers.table(labelOrder: ["absent", "present"], includeGold: options.method == .ds) {
        $0.optionSet.map { $0.contains(option) ? "present" : "absent" }
      }
      let fit = categorical(table, gold: gold, options: options) { table.tasks[$0].hasPrefix(goldPrefix) }
      var present: [String: Double] = [:]
      for task in fit.tasks {
        present[task.task] = task.posterior.first { $0.label == "present" }?.probability ?? 0
      }
      perOption.append(present)
      if let note = fit.notes.first { notes.append("\(option): \(note)") }
      for estimate in fit.annotators {
        if let a = estimate.accuracy { accuracies[estimate.annotator, default: []].append(a) }
      }
    }
    for (t, task) in answers.tasks.enumerated() {
      let shares = names.indices.map { perOption[$0][task] ?? 0 }
      let chosen = names.indices.filter { shares[$0] > 0.5 }.map { JSONValue.string(names[$0]) }
      let confidence = shares.reduce(1.0) { $0 * max($1, 1 - $1) }
      result.tasks.append(
        AggregatedTask(
          task: task, label: .array(chosen), confidence: confidence,
          posterior: names.indices.map { (names[$0], shares[$0]) }, annotators: answers.answers[t].count))
    }
    result.annotators = answers.annotators.map { name in
      let list = accuracies[name] ?? []
      return AnnotatorEstimate(
        annotator: name,
        judgments: answers.answers.reduce(0) { $0 + $1.filter { answers.annotators[$0.annotator] == name }.count },
        accuracy: list.isEmpty ? nil : list.reduce(0, +) / Double(list.count), confusion: nil)
    }
    result.notes = ["each option aggregated as present or absent"] + notes
    return result
  }

  /// Ratings: the median (with the mean beside it) by majority vote's method, or the values as classes for the
  /// models (a Dawid–Skene "ordinal option": each annotator's confusion over the scale).
  static func rating(_ answers: QuestionAnswers, options: AggregationOptions) -> AggregationResult {
    let scale = answers.question.options.map(\.name)
    if options.method != .mv {
      var result = nominal(answers, options: options, labelOrder: scale) { .number(Double($0) ?? 0) }
      addMeanAndMedian(&result, answers)
      return result
    }
    var result = nominal(answers, options: options, labelOrder: scale) { .number(Double($0) ?? 0) }
    addMeanAndMedian(&result, answers)
    for i in result.tasks.indices {
      if let median = result.tasks[i].extra["median"] { result.tasks[i].label = median }
    }
    result.notes.append("the label is the median rating (the mean is beside it); the posterior is the vote share")
    return result
  }

  static func addMeanAndMedian(_ result: inout AggregationResult, _ answers: QuestionAnswers) {
    var index: [String: Int] = [:]
    for (t, name) in answers.tasks.enumerated() { index[name] = t }
    for i in result.tasks.indices {
      guard let t = index[result.tasks[i].task] else { continue }
      let values = answers.answers[t].compactMap(\.answer.number).sorted()
      guard !values.isEmpty else { continue }
      let middle = values.count / 2
      let median = values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
      result.tasks[i].extra["mean"] = .number(values.reduce(0, +) / Double(values.count))
      result.tasks[i].extra["median"] = .number(median)
    }
  }

  /// Free text: the normalised text a majority of the task's annotators gave, or none.
  static func freeText(_ answers: QuestionAnswers) -> AggregationResult {
    var result = AggregationResult(method: .mv)
    for (t, task) in answers.tasks.enumerated() {
      let list = answers.answers[t]
      var votes: [String: (count: Int, first: String)] = [:]
      for (_, answer) in list {
        guard case .text(let text) = answer else { continue }
        let key = Answer.normalised(text)
        votes[key] = ((votes[key]?.count ?? 0) + 1, votes[key]?.first ?? text)
      }
      let top = votes.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }
      let majority = top.map { 2 * $0.value.count > list.count } ?? false
      result.tasks.append(
        AggregatedTask(
          task: task, label: majority ? .string(top?.value.first ?? "") : .null,
          confidence: Double(top?.value.count ?? 0) / Double(max(1, list.count)),
          posterior: votes.sorted { $0.value.count > $1.value.count }.map {
            ($0.value.first, Double($0.value.count) / Double(list.count))
          },
          annotators: list.count))
    }
    result.notes.append("free text: the normalised text a majority gave (case and spacing ignored), else none")
    return result
  }

  /// Spans: annotators' spans matched across annotators (same label, overlap ≥ the threshold); a group a
  /// majority of the task's annotators marked is kept, as the characters a majority covers, with the mean
  /// character-level vote as its confidence.
  static func spans(_ answers: QuestionAnswers, options: AggregationOptions) -> AggregationResult {
    var result = AggregationResult(method: .mv)
    result.labels = answers.question.options.map(\.name)
    for (t, task) in answers.tasks.enumerated() {
      let list = answers.answers[t]
      let n = list.count
      var groups: [[(annotator: Int, span: Span)]] = []
      for (who, answer) in list {
        guard case .spans(let spans) = answer else { continue }
        for span in spans {
          // Join the group whose first span this one matches best, if that group has no span of this annotator.
          var best: (Int, Double)?
          for (g, group) in groups.enumerated()
          where group[0].span.label == span.label && !group.contains(where: { $0.annotator == who }) {
            let overlap = SpanMatching.intersectionOverUnion(group[0].span, span)
            if overlap >= options.spanOverlap, overlap > (best?.1 ?? -1) { best = (g, overlap) }
          }
          if let (g, _) = best { groups[g].append((who, span)) } else { groups.append([(who, span)]) }
        }
      }
      var kept: [(span: Span, confidence: Double)] = []
      for group in groups where 2 * group.count > n {
        let low = group.map(\.span.start).min() ?? 0
        let high = group.map(\.span.end).max() ?? 0
        // Characters covered by a majority, and the vote on each.
        var covered: [Int] = []
        var votes: [Double] = []
        for offset in low..<high {
          let count = group.filter { $0.span.contains(offset) }.count
          if 2 * count > n {
            covered.append(offset)
            votes.append(Double(count) / Double(n))
          }
        }
        guard let start = covered.first, let end = covered.last.map({ $0 + 1 }) else { continue }
        // The covered text, pieced together from the members' own texts (each knows its code points).
        var scalars: [Int: Unicode.Scalar] = [:]
        for member in group {
          for (i, scalar) in member.span.text.unicodeScalars.enumerated() { scalars[member.span.start + i] = scalar }
        }
        var text = String.UnicodeScalarView()
        for offset in start..<end { if let scalar = scalars[offset] { text.append(scalar) } }
        kept.append(
          (
            Span(start: start, end: end, label: group[0].span.label, text: String(text)),
            votes.reduce(0, +) / Double(votes.count)
          ))
      }
      let spans = Span.sorted(kept.map(\.span))
      var extra = JSONObject()
      extra["span_confidence"] = .array(
        spans.map { span in .number(kept.first { $0.span == span }?.confidence ?? 0) })
      result.tasks.append(
        AggregatedTask(
          task: task, label: Span.answer(spans),
          confidence: kept.isEmpty ? 1 : kept.map(\.confidence).reduce(0, +) / Double(kept.count), posterior: [],
          annotators: n, extra: extra))
    }
    result.notes.append(
      "spans: matched across annotators (same label, overlap ≥ \(options.spanOverlap)); kept where a majority marked "
        + "them, as the characters a majority covers; confidence: the mean character-level vote")
    return result
  }

  /// Side-by-side answers as comparisons of the systems shown (`model_a`/`model_b` in the data; the responses
  /// `a`/`b` when the data names no systems). `both_bad` counts as a tie.
  static func comparisonTable(_ answers: QuestionAnswers, project: Project) -> ComparisonTable {
    let spec = project.config.layout.compare ?? CompareSpec()
    var models: [String: (String, String)] = [:]
    if let dataset = try? Dataset(path: project.dataPath, spec: DataSpec(project.config)) {
      let wanted = Set(answers.tasks)
      for i in 0..<dataset.count {
        guard case .success(let task) = dataset.task(at: i), wanted.contains(task.id) else { continue }
        let a = spec.modelAField.flatMap { task.fields[$0]?.displayText }.flatMap { $0.isEmpty ? nil : $0 } ?? "a"
        let b = spec.modelBField.flatMap { task.fields[$0]?.displayText }.flatMap { $0.isEmpty ? nil : $0 } ?? "b"
        models[task.id] = (a, b)
      }
    }
    var items: [String] = []
    var itemIndex: [String: Int32] = [:]
    func item(_ name: String) -> Int32 {
      if let i = itemIndex[name] { return i }
      itemIndex[name] = Int32(items.count)
      items.append(name)
      return Int32(items.count - 1)
    }
    var comparisons: [Comparison] = []
    for (t, task) in answers.tasks.enumerated() {
      let (a, b) = models[task] ?? ("a", "b")
      for (who, answer) in answers.answers[t] {
        guard case .comparison(let verdict, _) = answer else { continue }
        let leftIsA = answers.shownLeft[t][who] != "b"
        let (left, right) = leftIsA ? (a, b) : (b, a)
        let outcome: Comparison.Outcome
        switch verdict {
        case .a: outcome = leftIsA ? .left : .right
        case .b: outcome = leftIsA ? .right : .left
        case .tie, .bothBad: outcome = .tie
        }
        comparisons.append(Comparison(left: item(left), right: item(right), outcome: outcome, judge: Int32(who)))
      }
    }
    return ComparisonTable(items: items, annotators: answers.annotators, comparisons: comparisons)
  }
}
