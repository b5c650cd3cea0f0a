import TallyCore

/// The labeling queue's policies, pure so each is unit-tested: which tasks an annotator gets in which order,
/// and which position a load request resolves to. The session only answers questions about positions (is
/// this one handled, skipped, readable) from its files.
public enum LabelQueue {
  /// The queue for one annotator: the data order (`permutation` of data indices), only the tasks `keep`
  /// accepts (their share under `assignment:`, plus what they already did), the tasks in `first` (sent back by
  /// a reviewer) ahead of the rest in their order, then gold tasks mixed in (negative entries, see
  /// `GoldPlacement`).
  public static func build(
    permutation: [Int32], keep: ((Int32) -> Bool)? = nil, first: Set<Int32> = [], goldCount: Int = 0,
    goldRate: Double = 0, seed: UInt64 = 0, annotator: String = ""
  ) -> [Int32] {
    var order = permutation
    if let keep { order = order.filter(keep) }
    if !first.isEmpty { order = order.filter { first.contains($0) } + order.filter { !first.contains($0) } }
    return GoldPlacement.mix(order, goldCount: goldCount, rate: goldRate, seed: seed, annotator: annotator)
  }

  /// Where a load request lands: a position in `0..<count`, or nil for the end of the queue.
  /// - `isOpen(p)`: the task at `p` still wants an answer from this annotator (not handled, or sent back) and
  ///   can be shown.
  /// - `isSkipped(p)`: the annotator's latest record for the task at `p` is a skip.
  public static func resolve(
    _ request: LoadRequest, count: Int, isOpen: (Int) -> Bool, isSkipped: (Int) -> Bool, anySkipped: Bool = true
  ) -> Int? {
    func first(from start: Int, where wanted: (Int) -> Bool) -> Int? {
      var p = max(0, start)
      while p < count {
        if wanted(p) { return p }
        p += 1
      }
      return nil
    }
    switch request {
    case .exact(let position):
      return position < count ? max(0, position) : nil
    case .nextUnhandled(let from):
      return first(from: from, where: isOpen)
    case .firstSkipped:
      return anySkipped ? first(from: 0, where: isSkipped) : nil
    case .nextSkipped(let from):
      if anySkipped, let p = first(from: from, where: isSkipped) { return p }
      return first(from: 0, where: isOpen)
    }
  }
}
