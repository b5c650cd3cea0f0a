/// Where gold tasks go in an annotator's queue: after a data task, at random (each slot with chance
/// rate / (1 − rate), so gold makes up `rate` of the queue), never two in a row and never first, each gold
/// task at most once, in an order of its own. Fixed by the project seed and the annotator, so a resumed
/// session meets the same queue, while two annotators meet gold at different places.
public enum GoldPlacement {
  /// The queue with gold entries mixed in. Data entries are data indices (≥ 0); gold entry `g` is `-(g + 1)`.
  public static func mix(_ queue: [Int32], goldCount: Int, rate: Double, seed: UInt64, annotator: String) -> [Int32] {
    guard goldCount > 0, rate > 0, !queue.isEmpty else { return queue }
    var rng = SplitMix64(seed: seed ^ fnv1a(annotator))
    var order = Array(0..<goldCount)
    for i in stride(from: goldCount - 1, to: 0, by: -1) {
      order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
    }
    let chance = min(1, rate / max(1e-9, 1 - rate))
    let threshold = UInt64(chance * Double(UInt64.max >> 11)) << 11
    var mixed: [Int32] = []
    mixed.reserveCapacity(queue.count + min(goldCount, Int(Double(queue.count) * chance) + 16))
    var next = 0
    for entry in queue {
      mixed.append(entry)
      if next < order.count, rng.next() <= threshold {
        mixed.append(Int32(-(order[next] + 1)))
        next += 1
      }
    }
    return mixed
  }

  /// The gold index of a queue entry, or nil for a data entry.
  @inlinable
  public static func goldIndex(_ entry: Int32) -> Int? { entry < 0 ? Int(-entry) - 1 : nil }

  static func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
  }
}
