import TallyCore
import TallyJSON
import TallyStats

/// What one question's labels look like across the team.
public struct QuestionReport: Sendable {
  public var question: Question
  /// Label (category) → count, overall, in label order.
  public var distribution: [(label: String, count: Int)]
  /// Per annotator: label → count, and their total.
  public var perAnnotator: [(annotator: String, counts: [String: Int], total: Int)]
  /// Dawid–Skene's estimated accuracy per annotator (nominal questions).
  public var estimatedAccuracy: [String: Double] = [:]
  public var agreement: AgreementReport
  /// Pairs of labels two annotators gave the same task, most frequent first: where the guidelines need work.
  public var confusedPairs: [(a: String, b: String, count: Int, share: Double)] = []
  /// Comparisons: the Bradley–Terry ranking and the position bias.
  public var ranking: AggregationResult?
  /// An annotator whose label shares are far from everyone else's (the largest gap, in points).
  public var skewed: [(annotator: String, label: String, share: Double, overall: Double)] = []
}

/// The team report: per question the label distribution (overall and per annotator), the annotator × label
/// matrix, estimated and gold accuracy, agreement, the most confused pairs, and for comparisons the ranking.
public struct TeamReport: Sendable {
  public var project: String
  public var tasks: Int
  public var annotators: [String]
  public var records: Int
  public var conflicts: Int
  public var quality: QualityReport
  public var questions: [QuestionReport]
  /// What reviews found (first question), when there are reviews.
  public var reviews: ReviewAudit?

  public static func make(project: Project, store: LabelStore, bootstrapRounds: Int = 200) throws -> TeamReport {
    let quality = try QualityReport.make(project: project).report
    var questions: [QuestionReport] = []
    for question in project.config.questions {
      questions.append(questionReport(project: project, store: store, question: question, bootstrap: bootstrapRounds))
    }
    let current = store.currentRecords()
    var report = TeamReport(
      project: project.config.name, tasks: Set(current.compactMap(\.task)).count,
      annotators: Array(Set(current.map(\.annotator))).sorted(), records: store.count,
      conflicts: store.conflicts.count, quality: quality, questions: questions)
    if let question = project.config.questions.first, store.entries.contains(where: { $0.type == .review }) {
      report.reviews = ReviewAudit.make(
        items: ReviewData.load(project: project, store: store, question: question, dataset: nil).items)
    }
    return report
  }

  static func questionReport(project: Project, store: LabelStore, question: Question, bootstrap: Int) -> QuestionReport
  {
    let answers = QuestionAnswers.load(project: project, store: store, question: question)
    // The categories counted: options of a multi-choice one by one, other answers whole.
    func categories(_ answer: Answer) -> [String] {
      if let set = answer.optionSet { return Array(set) }
      if case .spans(let spans) = answer { return spans.map(\.label) }
      return [answer.category]
    }
    var overall: [String: Int] = [:]
    var per: [String: [String: Int]] = [:]
    var totals: [String: Int] = [:]
    for list in answers.answers {
      for (who, answer) in list {
        let name = answers.annotators[who]
        totals[name, default: 0] += 1
        for c in categories(answer) {
          overall[c, default: 0] += 1
          per[name, default: [:]][c, default: 0] += 1
        }
      }
    }
    let order = question.kind == .comparison ? Verdict.allCases.map(\.rawValue) : question.options.map(\.name)
    let labels = overall.keys.sorted { a, b in
      (order.firstIndex(of: a) ?? Int.max, a) < (order.firstIndex(of: b) ?? Int.max, b)
    }
    var report = QuestionReport(
      question: question, distribution: labels.map { ($0, overall[$0] ?? 0) },
      perAnnotator: per.keys.sorted().map { ($0, per[$0] ?? [:], totals[$0] ?? 0) },
      agreement: Agreement.project(project, store: store, question: question))
    // Skew: an annotator whose share of a label is 20+ points from the median share of the other annotators
    // (the median, so that one extreme annotator does not make everybody else look skewed).
    let eligible = report.perAnnotator.filter { $0.total >= 5 }
    for (name, counts, total) in eligible where eligible.count >= 2 {
      for label in labels {
        let share = Double(counts[label] ?? 0) / Double(total)
        let others = eligible.filter { $0.annotator != name }.map { Double($0.counts[label] ?? 0) / Double($0.total) }
        let median = Percentile.quantile(others, 0.5)
        if abs(share - median) >= 0.2 { report.skewed.append((name, label, share, median)) }
      }
    }
    if question.kind == .single || question.kind == .taxonomy || (question.kind == .comparison) {
      let (table, gold, _) = answers.table(labelOrder: order, includeGold: true) { $0.category }
      if table.data.count > 0 {
        var ds = DawidSkeneOptions()
        ds.gold = gold
        let fit = DawidSkene.fit(table.data, options: ds)
        for (w, name) in table.annotators.enumerated() { report.estimatedAccuracy[name] = fit.accuracy(worker: w) }
      }
      report.confusedPairs = confusedPairs(answers)
    }
    if question.kind == .comparison {
      var options = AggregationOptions()
      options.method = .bt
      options.bootstrapRounds = bootstrap
      report.ranking = Aggregation.ranking(Aggregation.comparisonTable(answers, project: project), options: options)
    }
    return report
  }

  /// Disagreeing pairs of answers on one task, by the pair of labels.
  static func confusedPairs(_ answers: QuestionAnswers) -> [(a: String, b: String, count: Int, share: Double)] {
    var pairs: [[String]: Int] = [:]
    var total = 0
    for list in answers.answers {
      for x in 0..<list.count {
        for y in (x + 1)..<list.count {
          total += 1
          let (a, b) = (list[x].answer.category, list[y].answer.category)
          if a != b { pairs[[min(a, b), max(a, b)], default: 0] += 1 }
        }
      }
    }
    return pairs.sorted { ($1.value, $0.key.joined()) < ($0.value, $1.key.joined()) }.prefix(5).map {
      ($0.key[0], $0.key[1], $0.value, Double($0.value) / Double(max(1, total)))
    }
  }

  /// The report as one JSON document.
  public var json: JSONValue {
    var o = JSONObject()
    o["project"] = .string(project)
    o["tasks"] = .number(Double(tasks))
    o["annotators"] = .array(annotators.map(JSONValue.string))
    o["records"] = .number(Double(records))
    o["conflicts"] = .number(Double(conflicts))
    if let reviews { o["reviews"] = reviews.json }
    o["questions"] = .array(
      questions.map { q in
        var r = JSONObject()
        r["question"] = .string(q.question.name)
        r["type"] = .string(q.question.kind.rawValue)
        var distribution = JSONObject()
        for (label, count) in q.distribution { distribution[label] = .number(Double(count)) }
        r["distribution"] = .object(distribution)
        var per = JSONObject()
        for (name, counts, total) in q.perAnnotator {
          var c = JSONObject()
          for (label, _) in q.distribution { c[label] = .number(Double(counts[label] ?? 0)) }
          per[name] = .object(JSONObject([("total", .number(Double(total))), ("labels", .object(c))]))
        }
        r["by_annotator"] = .object(per)
        var accuracy = JSONObject()
        for (name, a) in q.estimatedAccuracy.sorted(by: { $0.key < $1.key }) { accuracy[name] = .number(a) }
        r["estimated_accuracy"] = .object(accuracy)
        r["agreement"] = q.agreement.json
        r["confused_pairs"] = .array(
          q.confusedPairs.map {
            .object(
              JSONObject([
                ("a", .string($0.a)), ("b", .string($0.b)), ("count", .number(Double($0.count))),
                ("share", .number($0.share)),
              ]))
          })
        r["skewed"] = .array(
          q.skewed.map {
            .object(
              JSONObject([
                ("annotator", .string($0.annotator)), ("label", .string($0.label)), ("share", .number($0.share)),
                ("others", .number($0.overall)),
              ]))
          })
        if let ranking = q.ranking {
          r["ranking"] = .array(
            ranking.jsonLines().split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) })
          if let bias = ranking.positionBias {
            r["position_bias"] = .object(
              JSONObject([
                ("left_share", .number(bias.leftShare)),
                ("ci", .array([.number(bias.interval.low), .number(bias.interval.high)])),
                ("judgments", .number(Double(bias.judgments))), ("log_advantage", .number(bias.logAdvantage)),
              ]))
          }
        }
        return .object(r)
      })
    o["quality"] = quality.json
    return .object(o)
  }
}
