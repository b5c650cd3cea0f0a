import Glibc

/// The elementary functions the estimators use, in one place (the C library's, which are correctly rounded or
/// nearly so, as numpy's are).
enum Log {
  @inline(__always) static func natural(_ x: Double) -> Double { Glibc.log(x) }
  @inline(__always) static func base2(_ x: Double) -> Double { Glibc.log2(x) }
  @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inline(__always) static func exp2(_ x: Double) -> Double { Glibc.exp2(x) }
  @inline(__always) static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }

  /// log(1 + e^x) without overflow.
  @inline(__always) static func softplus(_ x: Double) -> Double {
    x > 30 ? x : x < -30 ? Glibc.exp(x) : Glibc.log1p(Glibc.exp(x))
  }

  /// The logistic function.
  @inline(__always) static func sigmoid(_ x: Double) -> Double {
    x >= 0 ? 1 / (1 + Glibc.exp(-x)) : Glibc.exp(x) / (1 + Glibc.exp(x))
  }

  /// log Σ e^{x_i} of a slice.
  static func sumExp(_ values: UnsafeBufferPointer<Double>) -> Double {
    var top = -Double.infinity
    for v in values where v > top { top = v }
    if top == -Double.infinity { return top }
    var sum = 0.0
    for v in values { sum += Glibc.exp(v - top) }
    return top + Glibc.log(sum)
  }

  /// The digamma function ψ(x) for x > 0 (recurrence to x ≥ 6, then the asymptotic series).
  static func digamma(_ x: Double) -> Double {
    var x = x
    var result = 0.0
    while x < 6 {
      result -= 1 / x
      x += 1
    }
    let f = 1 / (x * x)
    result +=
      Glibc.log(x) - 0.5 / x
      - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
    return result
  }
}

/// A small, fast, seeded random number generator (xoshiro256**, seeded through SplitMix64), so every
/// bootstrap and restart can be repeated exactly.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
  var s0: UInt64
  var s1: UInt64
  var s2: UInt64
  var s3: UInt64

  public init(seed: UInt64) {
    var x = seed
    func splitMix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  @inline(__always) public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 << 45 | s3 >> 19
    return result
  }

  /// A uniform integer in `0..<bound` (Lemire's multiply-shift; the tiny bias of skipping the rejection step is
  /// far below what a bootstrap can see).
  @inline(__always) public mutating func below(_ bound: Int) -> Int {
    Int((UInt64(bound).multipliedFullWidth(by: next())).high)
  }

  /// A uniform Double in [0, 1).
  @inline(__always) public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

/// Percentile intervals from bootstrap replicates.
public enum Percentile {
  /// The `q` quantile (0…1) of `values`, linearly interpolated between order statistics (numpy's default).
  public static func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.filter { !$0.isNaN }.sorted()
    guard !sorted.isEmpty else { return .nan }
    let position = q * Double(sorted.count - 1)
    let low = Int(position.rounded(.down))
    let high = min(sorted.count - 1, low + 1)
    let fraction = position - Double(low)
    return sorted[low] + (sorted[high] - sorted[low]) * fraction
  }

  /// The central 95% interval.
  public static func interval95(_ values: [Double]) -> (low: Double, high: Double) {
    (quantile(values, 0.025), quantile(values, 0.975))
  }
}
