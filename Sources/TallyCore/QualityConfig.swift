/// What gold feedback an annotator sees after a wrong gold answer.
public enum GoldFeedback: String, Sendable, Equatable, CaseIterable {
  /// Nothing: gold tasks stay indistinguishable from the rest.
  case silent
  /// The expected answer and the explanation, after a wrong answer.
  case explain
}

/// The `quality:` section of `tally.yaml`: speed checks, straight-lining, gold tasks, training and exams.
/// Every field has a default, so a project without the section still measures active time and flags answers
/// given faster than a person could read.
public struct QualityConfig: Sendable, Equatable {
  /// Gaps between keys longer than this do not count as active time.
  public var idleSeconds: Double = 60
  /// The least active time any task takes.
  public var minSeconds: Double = 1
  /// Reading speed that sets a longer minimum for longer tasks (characters per second; 0: length ignored).
  public var charsPerSecond: Double = 50
  /// A run of `tooFastCount` too-fast answers within the last `tooFastWindow` pauses the queue. Off (0) unless
  /// the project asks for it: speed is measured and flagged everywhere, but only a project (or a quick start
  /// with `--min-seconds`) that sets it stops an annotator.
  public var tooFastCount = 0
  public var tooFastWindow = 5
  /// How long the slow-down and gold-threshold pauses last.
  public var pauseSeconds: Double = 20
  /// The same answer this many times in a row is checked against the annotator's answer distribution
  /// (0: never).
  public var sameAnswerRun = 8
  /// A run is flagged when its chance under that distribution is below this.
  public var sameAnswerChance = 0.001
  /// Gold tasks: the file (shaped like the data, with the expected answer under `gold`).
  public var gold: String?
  /// Share of the queue that is gold.
  public var goldRate = 0.1
  public var goldFeedback = GoldFeedback.silent
  /// Spans: a given span matches an expected one with the same label at this overlap (intersection over union).
  public var goldSpanOverlap = 0.5
  /// The gold rule: accuracy over the last `goldWindow` gold answers below `goldMinAccuracy` pauses the
  /// session and flags further answers `below_gold_threshold` until it recovers (0: no rule).
  public var goldWindow = 10
  public var goldMinAccuracy = 0.7
  /// Training tasks (with gold answers and explanations), run with `tally train`.
  public var training: String?
  /// The exam: a training set with a pass mark.
  public var exam: String?
  public var examPassMark = 0.8
  /// `tally label` refuses to start until the annotator has passed the exam.
  public var examRequired = false

  public init() {}

  /// The `too_fast_count` a quick start with `--min-seconds` writes, and the one the template suggests.
  public static let suggestedTooFastCount = 3

  /// The least active time a task needs: the fixed minimum, or its reading time when longer.
  public func minimumSeconds(characters: Int) -> Double {
    guard charsPerSecond > 0 else { return minSeconds }
    return max(minSeconds, Double(characters) / charsPerSecond)
  }

  /// The fewest gold answers the gold rule needs before it judges.
  public var goldRuleMinimum: Int { min(goldWindow, 5) }
}
