import TallyCore
import TallyJSON
import TallyStats

/// A measured agreement figure with the items it rests on.
public struct AgreementFigure: Sendable {
  public var name: String
  /// nil where undefined (every answer the same, nothing to compare).
  public var value: Double?
  public var interval: (low: Double, high: Double)?
  public var items: Int
  public var leftOut: Int

  public init(name: String, value: Double?, interval: (low: Double, high: Double)? = nil, items: Int, leftOut: Int) {
    self.name = name
    self.value = value.flatMap { $0.isNaN ? nil : $0 }
    self.interval = interval
    self.items = items
    self.leftOut = leftOut
  }
}

/// Agreement on one question (or a judgments file): Krippendorff's α in the metrics that suit the answers, per
/// label, Fleiss' κ by ratings per item, Cohen's κ for every pair, percent agreement; for taxonomies agreement
/// at each depth; for spans pairwise F1 (exact and overlap) and token-level κ. Every figure says how many items
/// it used and how many it left out.
public struct AgreementReport: Sendable {
  public var items: Int
  public var annotators: Int
  public var labels: [String] = []
  /// α by metric: `nominal`, `ordinal`, `interval`, `masi`, `jaccard`.
  public var alpha: [AgreementFigure] = []
  public var alphaPerLabel: [AgreementFigure] = []
  public var fleiss: [FleissKappa] = []
  public var cohen: [(a: String, b: String, shared: Int, kappa: Double?)] = []
  public var percent: AgreementFigure?
  /// Taxonomy: α and percent agreement on the paths cut at each depth.
  public var depths: [(depth: Int, alpha: AgreementFigure, percent: AgreementFigure)] = []
  /// Spans: mean pairwise F1 with exact matching and with overlap matching, and mean token-level Cohen's κ.
  public var spanFigures: [AgreementFigure] = []
  public var notes: [String] = []
  public var problems: [Diagnostic] = []

  /// The mean of the defined pairwise κ.
  public var cohenMean: Double? {
    let defined = cohen.compactMap(\.kappa)
    return defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
  }
}

/// Computes agreement reports.
public enum Agreement {
  /// Rounds of the bootstrap behind α's interval, and its seed.
  public static let bootstrapRounds = 1000

  /// Nominal agreement on a categorical table (a judgments file, or a question's categories).
  public static func categorical(_ table: CategoricalTable, seed: UInt64 = 1) -> AgreementReport {
    let data = table.data
    var report = AgreementReport(items: data.taskCount, annotators: data.workerCount, labels: table.labels)
    let units = self.units(data)
    let used = units.filter { $0.count >= 2 }.count
    let alpha = Krippendorff.alphaWithInterval(
      units: units, valueCount: data.classCount, rounds: bootstrapRounds, seed: seed)
    report.alpha.append(
      AgreementFigure(
        name: "nominal", value: alpha.alpha, interval: alpha.interval, items: used, leftOut: units.count - used))
    report.alphaPerLabel = zip(table.labels, Krippendorff.perValue(units: units, valueCount: data.classCount)).map {
      AgreementFigure(name: $0, value: $1.alpha, items: $1.units, leftOut: $1.unitsLeftOut)
    }
    report.fleiss = Kappa.fleissByRatings(data)
    report.cohen = Kappa.cohenAllPairs(data).map {
      (table.annotators[$0.a], table.annotators[$0.b], $0.shared, $0.kappa)
    }
    let percent = Kappa.percentAgreement(data)
    report.percent = AgreementFigure(
      name: "percent", value: percent.agreement, items: percent.tasks, leftOut: data.taskCount - percent.tasks)
    report.notes.append(
      "α: items with fewer than two answers contribute nothing; its interval is a \(bootstrapRounds)-round bootstrap over items (seed \(seed))"
    )
    return report
  }

  /// Per units (tasks), the label codes given.
  static func units(_ data: CategoricalJudgments) -> [[Int32]] {
    let byTask = data.byTask()
    return (0..<data.taskCount).map { t in byTask.items(of: t).map { data.labels[Int($0)] } }
  }

  /// Agreement on a project's question, in the metrics that suit its answers.
  public static func project(_ project: Project, store: LabelStore, question: Question) -> AgreementReport {
    let answers = QuestionAnswers.load(project: project, store: store, question: question)
    switch question.kind {
    case .single, .comparison:
      let order = question.kind == .comparison ? Verdict.allCases.map(\.rawValue) : question.options.map(\.name)
      return categorical(answers.table(labelOrder: order) { $0.category }.table)
    case .rating:
      let scale = question.options.map(\.name)
      let (table, _, _) = answers.table(labelOrder: scale) { $0.category }
      var report = categorical(table)
      let units = self.units(table.data)
      let used = units.filter { $0.count >= 2 }.count
      let numbers = table.labels.map { Double($0) ?? 0 }
      for metric in [AlphaMetric.ordinal, .interval] {
        let alpha = Krippendorff.alphaWithInterval(
          units: units, valueCount: table.labels.count, metric: metric, numbers: numbers, rounds: bootstrapRounds)
        report.alpha.append(
          AgreementFigure(
            name: metric == .ordinal ? "ordinal" : "interval", value: alpha.alpha, interval: alpha.interval,
            items: used, leftOut: units.count - used))
      }
      return report
    case .taxonomy:
      var report = categorical(answers.table { $0.category }.table)
      let depth =
        answers.answers.flatMap { $0.compactMap { if case .path(let p) = $0.answer { p.count } else { nil } } }
        .max() ?? 0
      for d in stride(from: 1, through: depth, by: 1) {
        let (table, _, _) = answers.table { $0.path(toDepth: d)?.joined(separator: "/") }
        let units = self.units(table.data)
        let used = units.filter { $0.count >= 2 }.count
        let alpha = Krippendorff.alpha(units: units, valueCount: table.labels.count)
        let percent = Kappa.percentAgreement(table.data)
        report.depths.append(
          (
            d, AgreementFigure(name: "alpha", value: alpha.alpha, items: used, leftOut: units.count - used),
            AgreementFigure(
              name: "percent", value: percent.agreement, items: percent.tasks, leftOut: units.count - percent.tasks)
          ))
      }
      report.notes.append(
        "taxonomy: agreement at each depth compares the paths cut to that depth (shorter paths left out)")
      return report
    case .multi:
      return multiChoice(answers)
    case .spans:
      return spans(answers)
    case .text:
      var report = categorical(answers.table { $0.category }.table)
      report.notes.append("free text: answers compared normalised (case and spacing ignored)")
      return report
    }
  }

  /// Multi-choice: α over the answer sets with the MASI and Jaccard distances, and per option (present or
  /// absent) nominal α.
  static func multiChoice(_ answers: QuestionAnswers) -> AgreementReport {
    let options = answers.question.options.map(\.name)
    // Distinct sets as values.
    var setCodes: [[String]: Int32] = [:]
    var sets: [Set<Int>] = []
    var units: [[Int32]] = []
    for list in answers.answers {
      units.append(
        list.compactMap { entry in
          guard case .choices(let names) = entry.answer else { return nil }
          if let code = setCodes[names] { return code }
          let code = Int32(sets.count)
          setCodes[names] = code
          sets.append(Set(names.compactMap { options.firstIndex(of: $0) }))
          return code
        })
    }
    var report = AgreementReport(items: answers.tasks.count, annotators: answers.annotators.count, labels: options)
    let used = units.filter { $0.count >= 2 }.count
    for (name, distance) in [("masi", SetDistance.masi), ("jaccard", SetDistance.jaccard)] {
      var matrix = [Double](repeating: 0, count: sets.count * sets.count)
      for i in sets.indices { for j in sets.indices { matrix[i * sets.count + j] = distance(sets[i], sets[j]) } }
      let alpha = Krippendorff.alphaWithInterval(
        units: units, valueCount: sets.count, metric: .custom(matrix), rounds: bootstrapRounds)
      report.alpha.append(
        AgreementFigure(
          name: name, value: alpha.alpha, interval: alpha.interval, items: used, leftOut: units.count - used))
    }
    for option in options {
      let (table, _, _) = answers.table(labelOrder: ["absent", "present"]) {
        $0.optionSet.map { $0.contains(option) ? "present" : "absent" }
      }
      let alpha = Krippendorff.alpha(units: self.units(table.data), valueCount: table.labels.count)
      report.alphaPerLabel.append(
        AgreementFigure(name: option, value: alpha.alpha, items: alpha.units, leftOut: alpha.unitsLeftOut))
    }
    let (table, _, _) = answers.table { $0.category }
    report.cohen = Kappa.cohenAllPairs(table.data).map {
      (table.annotators[$0.a], table.annotators[$0.b], $0.shared, $0.kappa)
    }
    let percent = Kappa.percentAgreement(table.data)
    report.percent = AgreementFigure(
      name: "percent", value: percent.agreement, items: percent.tasks, leftOut: table.data.taskCount - percent.tasks)
    report.notes.append(
      "multi-choice: α over whole answer sets (MASI, Jaccard distances); per option: present or absent")
    return report
  }

  /// Spans: pairwise F1 of annotators' spans (exact, and overlapping by at least half), and token-level κ.
  static func spans(_ answers: QuestionAnswers) -> AgreementReport {
    var report = AgreementReport(items: answers.tasks.count, annotators: answers.annotators.count)
    var exact: [Double] = []
    var overlap: [Double] = []
    var pairItems = 0
    // Token labels per (annotator pair): pooled over their shared tasks.
    var tokenPairs: [Int64: (a: [String], b: [String])] = [:]
    for (t, list) in answers.answers.enumerated() {
      let spans = list.map { entry -> [Span] in if case .spans(let s) = entry.answer { return s } else { return [] } }
      guard list.count >= 2 else { continue }
      pairItems += 1
      let tokens = t < answers.texts.count ? BIO.tokens(CodePointText(answers.texts[t])) : []
      let labels = spans.map { BIO.tokenLabels(tokens, spans: $0) }
      for x in 0..<list.count {
        for y in (x + 1)..<list.count {
          exact.append(SpanMatching.f1(spans[x], spans[y], threshold: 1))
          overlap.append(SpanMatching.f1(spans[x], spans[y], threshold: 0.5))
          let (a, b) = (list[x].annotator, list[y].annotator)
          let key = Int64(min(a, b)) << 32 | Int64(max(a, b))
          var pooled = tokenPairs[key] ?? ([], [])
          pooled.a += a < b ? labels[x] : labels[y]
          pooled.b += a < b ? labels[y] : labels[x]
          tokenPairs[key] = pooled
        }
      }
    }
    let leftOut = answers.tasks.count - pairItems
    func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    report.spanFigures.append(AgreementFigure(name: "f1_exact", value: mean(exact), items: pairItems, leftOut: leftOut))
    report.spanFigures.append(
      AgreementFigure(name: "f1_overlap", value: mean(overlap), items: pairItems, leftOut: leftOut))
    var kappas: [Double] = []
    for (key, pooled) in tokenPairs.sorted(by: { $0.key < $1.key }) where !pooled.a.isEmpty {
      let table = CategoricalTable(
        judgments: pooled.a.indices.flatMap { i in [("\(i)", "a", pooled.a[i]), ("\(i)", "b", pooled.b[i])] })
      let pair = Kappa.cohenAllPairs(table.data)
      let (a, b) = (Int(key >> 32), Int(key & 0xFFFF_FFFF))
      report.cohen.append((answers.annotators[a], answers.annotators[b], pair.first?.shared ?? 0, pair.first?.kappa))
      if let k = pair.first?.kappa { kappas.append(k) }
    }
    report.spanFigures.append(
      AgreementFigure(name: "token_kappa", value: mean(kappas), items: pairItems, leftOut: leftOut))
    report.notes.append(
      "spans: F1 between each pair of annotators per task (exact: same offsets and label; overlap: same label, "
        + "intersection over union ≥ 0.5), averaged; token κ: Cohen's κ on each token's label (or O), per pair, averaged"
    )
    return report
  }
}
