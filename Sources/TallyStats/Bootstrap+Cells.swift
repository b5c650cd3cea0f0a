import Dispatch
import Glibc
import Synchronization

extension Bootstrap {
  /// The same bootstrap as `replicates(count:rounds:seed:statistic:)` for statistics that depend on the
  /// observations only through how many fall in each cell (a Bradley–Terry fit sees only the counts of each
  /// (left, right, outcome)): a resample of the observations is a multinomial draw over the cells, which is
  /// drawn as one binomial per cell. A million comparisons of 100 systems are ~30,000 cells, so a round costs
  /// ~30,000 draws instead of a million.
  ///
  /// `statistic` gets each cell's count in the resample.
  public static func cellReplicates(
    cellCounts: [Int], rounds: Int, seed: UInt64, statistic: @escaping @Sendable ([Double]) -> [Double]
  ) -> [[Double]] {
    let total = cellCounts.reduce(0, +)
    let results = Mutex([[Double]](repeating: [], count: rounds))
    DispatchQueue.concurrentPerform(iterations: rounds) { round in
      var rng = Xoshiro256(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(round))
      let weights = multinomial(draws: total, cells: cellCounts, total: total, rng: &rng)
      let value = statistic(weights)
      results.withLock { $0[round] = value }
    }
    return results.withLock { $0 }
  }

  /// `draws` observations over cells with probabilities `cells[k] / total`, by conditional binomials.
  static func multinomial(draws: Int, cells: [Int], total: Int, rng: inout Xoshiro256) -> [Double] {
    var result = [Double](repeating: 0, count: cells.count)
    var left = draws
    var mass = total
    for (k, c) in cells.enumerated() where c > 0 {
      if left == 0 { break }
      if c >= mass {
        result[k] = Double(left)
        left = 0
        break
      }
      let x = Binomial.sample(trials: left, probability: Double(c) / Double(mass), rng: &rng)
      result[k] = Double(x)
      left -= x
      mass -= c
    }
    return result
  }
}

/// Binomial variates: inversion for small means, Hörmann's BTRS (transformed rejection with squeeze, 1993)
/// otherwise; exact in distribution, O(1) expected time.
enum Binomial {
  static func sample(trials n: Int, probability p: Double, rng: inout Xoshiro256) -> Int {
    if n <= 0 || p <= 0 { return 0 }
    if p >= 1 { return n }
    if p > 0.5 { return n - sample(trials: n, probability: 1 - p, rng: &rng) }
    if Double(n) * p < 10 { return inversion(n, p, &rng) }
    return btrs(n, p, &rng)
  }

  private static func inversion(_ n: Int, _ p: Double, _ rng: inout Xoshiro256) -> Int {
    let q = 1 - p
    let s = p / q
    let a = Double(n + 1) * s
    var r = Glibc.pow(q, Double(n))
    var u = rng.unit()
    var x = 0
    while u > r {
      u -= r
      x += 1
      if x > n { return n }
      r *= a / Double(x) - s
      if r <= 0 { return x }
    }
    return x
  }

  private static func btrs(_ n: Int, _ p: Double, _ rng: inout Xoshiro256) -> Int {
    let q = 1 - p
    let spq = (Double(n) * p * q).squareRoot()
    let b = 1.15 + 2.53 * spq
    let a = -0.0873 + 0.0248 * b + 0.01 * p
    let c = Double(n) * p + 0.5
    let vr = 0.92 - 4.2 / b
    let alpha = (2.83 + 5.1 / b) * spq
    let lpq = Glibc.log(p / q)
    let m = (Double(n + 1) * p).rounded(.down)
    let h = Glibc.lgamma(m + 1) + Glibc.lgamma(Double(n) - m + 1)
    while true {
      let u = rng.unit() - 0.5
      var v = rng.unit()
      let us = 0.5 - abs(u)
      if us <= 0 { continue }
      let k = ((2 * a / us + b) * u + c).rounded(.down)
      if k < 0 || k > Double(n) { continue }
      if us >= 0.07 && v <= vr { return Int(k) }
      v = Glibc.log(v * alpha / (a / (us * us) + b))
      if v <= h - Glibc.lgamma(k + 1) - Glibc.lgamma(Double(n) - k + 1) + (k - m) * lpq { return Int(k) }
    }
  }
}
