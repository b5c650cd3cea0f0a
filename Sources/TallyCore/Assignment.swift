/// Who labels which task when the work is shared out (`assignment:`): each task goes to the annotators that
/// rank highest for it by rendezvous (highest-random-weight) hashing of (seed, task id, annotator). Every machine
/// computes the same assignment with no coordination, the load is even, and adding an annotator moves only the
/// tasks they now rank highest for.
public enum Assignment {
  /// The rendezvous weight of an annotator for a task.
  public static func weight(seed: UInt64, task: String, annotator: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ seed
    for byte in task.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    h = (h ^ 0xFF) &* 0x0000_0100_0000_01B3  // a separator no UTF-8 text contains
    for byte in annotator.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    // Finalise (SplitMix64's mixer), so close inputs give unrelated weights.
    h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
    h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
    return h ^ (h >> 31)
  }

  /// The annotators in the task's rendezvous order, highest weight first (ties by name).
  public static func ranking(task: String, annotators: [String], seed: UInt64) -> [String] {
    annotators.map { ($0, weight(seed: seed, task: task, annotator: $0)) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
      .map(\.0)
  }

  /// How many answers a task should get: `overlap`, or with dynamic overlap one more than it has while its
  /// aggregate's confidence is below `min_confidence`, up to `max_overlap`.
  public static func wanted(_ config: AssignmentConfig, answers: Int, confidence: Double?) -> Int {
    guard let maxOverlap = config.maxOverlap, answers >= config.overlap, answers < maxOverlap,
      let confidence, confidence < config.minConfidence
    else { return config.overlap }
    return answers + 1
  }

  /// Whether `annotator` should label `task`: they are among the first `wanted` of its ranking and the task does
  /// not already have that many answers from the others.
  public static func isAssigned(
    task: String, to annotator: String, config: AssignmentConfig, seed: UInt64, answersByOthers: Int,
    confidence: Double?
  ) -> Bool {
    let need = wanted(config, answers: answersByOthers, confidence: confidence)
    guard answersByOthers < need else { return false }
    guard let rank = ranking(task: task, annotators: config.annotators, seed: seed).firstIndex(of: annotator)
    else { return false }
    return rank < need
  }
}
