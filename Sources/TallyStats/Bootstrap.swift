import Dispatch
import Synchronization

/// The nonparametric bootstrap over observations: each round draws as many observations as there are, with
/// replacement, and hands the statistic how often each was drawn.
public enum Bootstrap {
  /// Replicates of `statistic` over `rounds` resamples of `count` observations. Round `r` draws from its own
  /// generator seeded by (`seed`, r), so the result does not depend on how rounds are scheduled; rounds run on
  /// every core.
  public static func replicates(
    count: Int, rounds: Int, seed: UInt64, statistic: @escaping @Sendable ([UInt16]) -> [Double]
  ) -> [[Double]] {
    let results = Mutex([[Double]](repeating: [], count: rounds))
    DispatchQueue.concurrentPerform(iterations: rounds) { round in
      var rng = Xoshiro256(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(round))
      var weights = [UInt16](repeating: 0, count: count)
      for _ in 0..<count { weights[rng.below(count)] &+= 1 }
      let value = statistic(weights)
      results.withLock { $0[round] = value }
    }
    return results.withLock { $0 }
  }
}
