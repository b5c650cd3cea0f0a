import TallyCore
import TallyJSON
import TallyStats

/// How answers are combined.
public enum AggregationMethod: String, Sendable, CaseIterable {
  /// Majority vote (vote shares).
  case mv
  /// Skill-weighted vote, skill = agreement with the majority.
  case wawa
  /// Dawid–Skene: a confusion matrix per annotator, by EM.
  case ds
  /// GLAD: annotator ability and task difficulty.
  case glad
  /// MACE: annotators who know or spam.
  case mace
  /// Bradley–Terry: a ranking of the systems compared side by side.
  case bt
}

/// What `tally aggregate` was asked for.
public struct AggregationOptions: Sendable {
  public var method: AggregationMethod = .ds
  /// Dawid–Skene as crowd-kit 1.4.2 computes it.
  public var crowdKitCompatible = false
  public var smoothing = 0.0
  public var ties = TieHandling.drop
  /// Bootstrap rounds for Bradley–Terry intervals (0: none).
  public var bootstrapRounds = 200
  public var seed: UInt64 = 1
  /// Spans: the least intersection over union for two annotators' spans to count as the same.
  public var spanOverlap = 0.5

  public init() {}
}

/// One task's combined answer.
public struct AggregatedTask: Sendable {
  public var task: String
  /// The answer (as stored: an option name, a list, a number …), or null when none stands.
  public var label: JSONValue
  public var confidence: Double
  /// Label → probability (vote share, or the model's posterior), in label order.
  public var posterior: [(label: String, probability: Double)]
  public var annotators: Int
  /// Further figures of some question kinds (a rating's mean and median, a taxonomy's agreed depth, spans).
  public var extra = JSONObject()
}

/// What a method estimated of one annotator.
public struct AnnotatorEstimate: Sendable {
  public var annotator: String
  /// Judgments given.
  public var judgments: Int
  /// Estimated accuracy (DS: Σ prior·P(c|c); Wawa/MV: agreement with the majority; GLAD: σ(α); MACE:
  /// competence), nil where there is nothing to estimate from.
  public var accuracy: Double?
  /// Dawid–Skene: true label → observed label → probability.
  public var confusion: [(truth: String, observed: [(label: String, probability: Double)])]?
}

/// One system's place in a Bradley–Terry ranking.
public struct RankedItem: Sendable {
  public var item: String
  public var rank: Int
  public var logStrength: Double
  public var strength: Double
  public var interval: (low: Double, high: Double)?
  public var wins: Int
  public var losses: Int
  public var ties: Int
  public var comparisons: Int
}

/// The result of an aggregation, for every output format.
public struct AggregationResult: Sendable {
  public var method: AggregationMethod
  public var labels: [String] = []
  public var tasks: [AggregatedTask] = []
  public var annotators: [AnnotatorEstimate] = []
  public var ranking: [RankedItem]?
  public var positionBias: PositionBias?
  public var tieParameter: Double?
  /// How the fit went ("converged in 23 iterations", "bootstrap: 200 rounds, seed 1").
  public var notes: [String] = []
  public var problems: [Diagnostic] = []
}

/// Combines answers: the categorical methods on a table of codes, and the per-kind rules for multi-choice,
/// taxonomy, rating, span and free-text questions.
public enum Aggregation {
  /// A categorical table through one method. `gold` (per task, -1 unknown) clamps Dawid–Skene; `hidden(t)`
  /// leaves a task out of the output (gold tasks that only taught the model).
  public static func categorical(
    _ table: CategoricalTable, gold: [Int32]? = nil, options: AggregationOptions, hidden: (Int) -> Bool = { _ in false }
  ) -> AggregationResult {
    var result = AggregationResult(method: options.method)
    result.labels = table.labels
    let data = table.data
    let posteriors: ClassPosteriors
    var accuracy: [Double?] = Array(repeating: nil, count: data.workerCount)
    var confusion: [[(truth: String, observed: [(label: String, probability: Double)])]?] =
      Array(repeating: nil, count: data.workerCount)
    switch options.method {
    case .mv, .bt:
      posteriors = MajorityVote.fit(data)
      accuracy = MajorityVote.accuracy(data, against: posteriors.labels).map { $0.isNaN ? nil : $0 }
    case .wawa:
      let fit = Wawa.fit(data)
      posteriors = fit.posteriors
      accuracy = fit.skills.map { $0.isNaN ? nil : $0 }
    case .ds:
      var ds = options.crowdKitCompatible ? DawidSkeneOptions.crowdKit : DawidSkeneOptions()
      ds.smoothing = options.smoothing
      ds.gold = gold
      let fit = DawidSkene.fit(data, options: ds)
      posteriors = fit.posteriors
      let k = data.classCount
      for w in 0..<data.workerCount {
        accuracy[w] = fit.accuracy(worker: w)
        confusion[w] = (0..<k).map { c in
          (table.labels[c], (0..<k).map { y in (table.labels[y], fit.confusion(worker: w, truth: c, observed: y)) })
        }
      }
      result.notes.append(
        (options.crowdKitCompatible ? "crowd-kit compatible Dawid–Skene: " : "Dawid–Skene: ")
          + (fit.converged ? "converged in \(fit.iterations) iterations" : "stopped after \(fit.iterations) iterations")
          + (gold.map { g in ", \(g.filter { $0 >= 0 }.count) gold tasks clamped" } ?? ""))
    case .glad:
      let fit = GLAD.fit(data)
      posteriors = fit.posteriors
      accuracy = (0..<data.workerCount).map { fit.accuracy(worker: $0) }
      result.notes.append(
        "GLAD: " + (fit.converged ? "converged in \(fit.iterations) iterations" : "stopped after \(fit.iterations)"))
    case .mace:
      var mace = MACEOptions()
      mace.seed = options.seed
      let fit = MACE.fit(data, options: mace)
      posteriors = fit.posteriors
      accuracy = fit.competence.map { Optional($0) }
      result.notes.append("MACE: \(mace.restarts) restarts of \(mace.iterations) iterations, seed \(options.seed)")
    }
    let byTask = data.byTask()
    // An exact tie goes to the label first in code-point order, whatever order the labels are listed in.
    let byName = table.labels.indices.sorted { CodePointOrder.less(table.labels[$0], table.labels[$1]) }
    let k = data.classCount
    result.tasks.reserveCapacity(data.taskCount)
    for t in 0..<data.taskCount where !hidden(t) {
      var label = posteriors.labels[t]
      if label >= 0 {
        let top = posteriors.probabilities[t * k + Int(label)]
        label = Int32(byName.first { posteriors.probabilities[t * k + $0] == top } ?? Int(label))
      }
      let items = byTask.items(of: t)
      var annotators = 0
      if items.count > 32 {
        annotators = Set(items.map { data.workers[Int($0)] }).count
      } else {
        for (n, i) in items.enumerated()
        where !items.prefix(n).contains(where: { data.workers[Int($0)] == data.workers[Int(i)] }) {
          annotators += 1
        }
      }
      result.tasks.append(
        AggregatedTask(
          task: table.tasks[t], label: label >= 0 ? .string(table.labels[Int(label)]) : .null,
          confidence: label >= 0 ? posteriors.probabilities[t * k + Int(label)] : 0,
          posterior: (0..<k).map { (table.labels[$0], posteriors.probabilities[t * k + $0]) },
          annotators: annotators))
    }
    var counts = [Int](repeating: 0, count: data.workerCount)
    for w in data.workers { counts[Int(w)] += 1 }
    result.annotators = (0..<data.workerCount).map {
      AnnotatorEstimate(
        annotator: table.annotators[$0], judgments: counts[$0], accuracy: accuracy[$0], confusion: confusion[$0])
    }
    return result
  }

  /// A judgments file made elsewhere.
  public static func file(
    path: String, fields: JudgmentFields = JudgmentFields(), goldPath: String? = nil, options: AggregationOptions
  ) throws(DataError) -> AggregationResult {
    if options.method == .bt || JudgmentsFile.holdsComparisons(path: path, fields: fields) {
      let table = try JudgmentsFile.readComparisons(path: path, fields: fields)
      var result = ranking(table, options: options)
      result.problems = table.problems
      return result
    }
    let table = try JudgmentsFile.readCategorical(path: path, fields: fields)
    var gold: [Int32]?
    var problems = table.problems
    if let goldPath {
      let read = try JudgmentsFile.readGold(path: goldPath, for: table, fields: fields)
      gold = read.gold
      problems += read.problems
    }
    var result = categorical(table, gold: gold, options: options)
    result.problems = problems
    return result
  }

  /// A Bradley–Terry ranking with its bootstrap intervals and the position bias.
  public static func ranking(_ table: ComparisonTable, options: AggregationOptions) -> AggregationResult {
    var result = AggregationResult(method: .bt)
    let fit = BradleyTerry.fit(
      table.comparisons, items: table.items.count, ties: options.ties, bootstrapRounds: options.bootstrapRounds,
      seed: options.seed)
    result.ranking = fit.ranking.enumerated().map { rank, i in
      RankedItem(
        item: table.items[i], rank: rank + 1, logStrength: fit.logStrengths[i], strength: fit.strengths[i],
        interval: fit.intervals?[i], wins: fit.wins[i], losses: fit.losses[i], ties: fit.ties[i],
        comparisons: fit.comparisons[i])
    }
    result.tieParameter = fit.tieParameter
    result.positionBias = BradleyTerry.positionBias(
      table.comparisons, items: table.items.count, bootstrapRounds: options.bootstrapRounds, seed: options.seed)
    result.labels = table.items
    result.notes.append(
      "Bradley–Terry (ties: \(options.ties.rawValue)): "
        + (fit.converged ? "converged in \(fit.iterations) iterations" : "stopped after \(fit.iterations) iterations")
        + (options.bootstrapRounds > 0
          ? "; 95% intervals from \(options.bootstrapRounds) bootstrap resamples of the judgments (seed \(options.seed))"
          : ""))
    if let bias = result.positionBias {
      result.annotators = table.annotators.enumerated().map { j, name in
        let judge = bias.perJudge[j]
        return AnnotatorEstimate(annotator: name, judgments: judge?.judgments ?? 0, accuracy: nil, confusion: nil)
      }
    }
    return result
  }
}
