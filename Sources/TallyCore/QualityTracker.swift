import TallyJSON

/// An annotator's recent history as the quality rules see it: the last too-fast verdicts, the last gold
/// results, and per question the answer counts and the current run of one answer. Pure and small; seeded
/// from the tail of the annotator's log when a session resumes.
public struct QualityTracker: Sendable, Equatable {
  public var config: QualityConfig
  /// Too-fast verdicts of the latest first answers, oldest first (at most `tooFastWindow`).
  public private(set) var recentTooFast: [Bool] = []
  /// Gold results, oldest first (at most `goldWindow`).
  public private(set) var recentGold: [Bool] = []
  /// The gold rule is failing: answers are flagged until accuracy recovers.
  public private(set) var belowGoldThreshold = false
  /// Question name → what it has been answered so far.
  public private(set) var answers: [String: AnswerRun] = [:]

  public init(config: QualityConfig) { self.config = config }

  /// What one answer set off.
  public struct Outcome: Sendable, Equatable {
    public var flags: [QualityFlag] = []
    /// The too-fast window filled up: stop the queue for the slow-down pause.
    public var slowDownPause = false
    /// Gold accuracy just fell below the threshold: pause and say so.
    public var goldThresholdPause = false
    /// Gold accuracy is back at or above the threshold.
    public var goldRecovered = false
    public init() {}
  }

  /// Flags for an answer before it is written: too fast (from its active time), part of an unlikely run,
  /// or given while below the gold threshold. `record` then updates the history once the answer counts.
  public func flags(
    answers given: JSONObject, questions: [Question], activeSeconds: Double, minimumSeconds: Double
  ) -> [QualityFlag] {
    var flags: [QualityFlag] = []
    if activeSeconds < minimumSeconds { flags.append(.tooFast) }
    if questions.contains(where: { question in
      given[question.name].map { runIsUnlikely(question: question, answer: Self.key($0)) } ?? false
    }) {
      flags.append(.sameAnswerRun)
    }
    if belowGoldThreshold { flags.append(.belowGoldThreshold) }
    return flags
  }

  /// Counts a first answer (edits of earlier answers do not count) and says which pauses it sets off.
  public mutating func record(
    answers given: JSONObject, questions: [Question], tooFast: Bool, goldCorrect: Bool?
  ) -> Outcome {
    var outcome = Outcome()
    for question in questions {
      guard let value = given[question.name] else { continue }
      answers[question.name, default: AnswerRun()].add(Self.key(value))
    }
    if config.tooFastCount > 0 && config.tooFastWindow > 0 {
      recentTooFast.append(tooFast)
      if recentTooFast.count > config.tooFastWindow {
        recentTooFast.removeFirst(recentTooFast.count - config.tooFastWindow)
      }
      if tooFast && recentTooFast.filter({ $0 }).count >= config.tooFastCount {
        outcome.slowDownPause = true
        recentTooFast = []
      }
    }
    if let goldCorrect { outcome.merge(recordGold(goldCorrect)) }
    return outcome
  }

  /// Counts one gold result and applies the gold rule (a skipped gold task counts as wrong).
  public mutating func recordGold(_ correct: Bool) -> Outcome {
    var outcome = Outcome()
    recentGold.append(correct)
    if recentGold.count > config.goldWindow { recentGold.removeFirst(recentGold.count - config.goldWindow) }
    guard config.goldMinAccuracy > 0, recentGold.count >= config.goldRuleMinimum, let accuracy = goldAccuracy else {
      return outcome
    }
    if accuracy < config.goldMinAccuracy && !belowGoldThreshold {
      belowGoldThreshold = true
      outcome.goldThresholdPause = true
    } else if accuracy >= config.goldMinAccuracy && belowGoldThreshold {
      belowGoldThreshold = false
      outcome.goldRecovered = true
    }
    return outcome
  }

  /// Replays records from the log (oldest first) so a resumed session continues the same windows and runs.
  /// Pauses that happened then are not set off again.
  public mutating func replay(_ record: LabelRecord, questions: [Question]) {
    guard record.type == .answer, record.phase == nil, record.supersedes == nil else { return }
    _ = self.record(
      answers: record.answers, questions: questions, tooFast: record.flags.contains(.tooFast),
      goldCorrect: record.gold ? record.correct : nil)
  }

  /// Share of correct answers in the gold window.
  public var goldAccuracy: Double? {
    recentGold.isEmpty ? nil : Double(recentGold.filter { $0 }.count) / Double(recentGold.count)
  }

  /// True when the run of `answer` that this answer would extend is long enough and, given how often the
  /// annotator chose it before the run, unlikely by chance.
  func runIsUnlikely(question: Question, answer: String) -> Bool {
    guard config.sameAnswerRun >= 2 else { return false }
    let history = answers[question.name] ?? AnswerRun()
    let length = (history.current == answer ? history.length : 0) + 1
    guard length >= config.sameAnswerRun else { return false }
    return history.chance(of: answer, length: length, choices: Self.choices(question, history: history))
      < config.sameAnswerChance
  }

  /// How many different answers a question has (for the chance of a run): its options, or for open
  /// questions the different answers seen so far plus one.
  static func choices(_ question: Question, history: AnswerRun) -> Int {
    switch question.kind {
    case .single, .rating, .comparison: return max(2, question.options.count)
    case .taxonomy: return max(2, leaves(question.options))
    case .multi: return max(2, min(1 << min(question.options.count, 20), 1 << 20) - 1)
    case .text, .spans: return max(2, history.counts.count + 1)
    }
  }

  static func leaves(_ options: [AnswerOption]) -> Int {
    options.reduce(0) { $0 + ($1.isLeaf ? 1 : leaves($1.children)) }
  }

  /// An answer as a comparable key.
  static func key(_ value: JSONValue) -> String { value.serialized() }
}

extension QualityTracker.Outcome {
  mutating func merge(_ other: QualityTracker.Outcome) {
    flags += other.flags
    slowDownPause = slowDownPause || other.slowDownPause
    goldThresholdPause = goldThresholdPause || other.goldThresholdPause
    goldRecovered = goldRecovered || other.goldRecovered
  }
}

/// How one question has been answered: counts per answer and the current run of one answer.
public struct AnswerRun: Sendable, Equatable {
  /// Answer → times given (at most `maxDistinct` different answers are counted).
  public private(set) var counts: [String: Int] = [:]
  public private(set) var total = 0
  public private(set) var current: String?
  public private(set) var length = 0

  static let maxDistinct = 1_000

  public init() {}

  mutating func add(_ answer: String) {
    if counts[answer] != nil || counts.count < Self.maxDistinct { counts[answer, default: 0] += 1 }
    total += 1
    if answer == current {
      length += 1
    } else {
      current = answer
      length = 1
    }
  }

  /// The chance of `length` answers in a row being `answer`, from its share before the current run (with
  /// one pseudo-count per possible answer, so a short history reads as a uniform one).
  func chance(of answer: String, length: Int, choices: Int) -> Double {
    let inRun = current == answer ? self.length : 0
    let before = Double((counts[answer] ?? 0) - inRun)
    let totalBefore = Double(total - inRun)
    let share = (before + 1) / (totalBefore + Double(choices))
    return pow(share, Double(length))
  }
}

/// `base` to the power `exponent` for exponent ≥ 0, without Foundation.
private func pow(_ base: Double, _ exponent: Double) -> Double {
  var result = 1.0
  var remaining = Int(exponent)
  var factor = base
  while remaining > 0 {
    if remaining & 1 == 1 { result *= factor }
    factor *= factor
    remaining >>= 1
  }
  return result
}
