/// How far apart two values are, for Krippendorff's α.
public enum AlphaMetric: Sendable, Equatable {
  /// Same or different.
  case nominal
  /// Ranks: δ(c, k) = (Σ_{g between c and k} n_g − (n_c + n_k)/2)², with n from the values' marginals.
  case ordinal
  /// Differences: δ(c, k) = (v_c − v_k)², for numeric values.
  case interval
  /// A distance given per pair of value codes (`values × values`, row-major), e.g. MASI or Jaccard between
  /// label sets. Used as given (not squared).
  case custom([Double])
}

/// The result of Krippendorff's α.
public struct AlphaResult: Sendable, Equatable {
  public var alpha: Double
  /// Units with at least two values (the ones that count), and values in them.
  public var units: Int
  public var pairableValues: Int
  /// Units left out because they had fewer than two values.
  public var unitsLeftOut: Int
  public var interval: (low: Double, high: Double)?

  public static func == (a: AlphaResult, b: AlphaResult) -> Bool {
    (a.alpha == b.alpha || (a.alpha.isNaN && b.alpha.isNaN)) && a.units == b.units
      && a.pairableValues == b.pairableValues && a.unitsLeftOut == b.unitsLeftOut
  }
}

/// Krippendorff's α with missing data: units with fewer than two values contribute nothing, and each unit's
/// ordered pairs of values from different coders count 1/(m_u − 1) in the coincidence matrix. Equal to the
/// `krippendorff` package (and to Krippendorff's own definition).
public enum Krippendorff {
  /// α for `units`, each a list of value codes (one per coder who rated it) in `0..<valueCount`. `numbers`
  /// gives each code's numeric value for the interval metric (default: the code itself).
  public static func alpha(
    units: [[Int32]], valueCount: Int, metric: AlphaMetric = .nominal, numbers: [Double]? = nil
  ) -> AlphaResult {
    let v = valueCount
    var coincidences = [Double](repeating: 0, count: v * v)
    var counts = [Double](repeating: 0, count: v)
    var pairable = 0
    var used = 0
    for unit in units where unit.count >= 2 {
      used += 1
      pairable += unit.count
      for c in 0..<v { counts[c] = 0 }
      for value in unit { counts[Int(value)] += 1 }
      let weight = 1 / Double(unit.count - 1)
      for c in 0..<v where counts[c] > 0 {
        for k in 0..<v where counts[k] > 0 {
          let pairs = c == k ? counts[c] * (counts[c] - 1) : counts[c] * counts[k]
          coincidences[c * v + k] += pairs * weight
        }
      }
    }
    let result = alpha(coincidences: coincidences, valueCount: v, metric: metric, numbers: numbers)
    return AlphaResult(
      alpha: result, units: used, pairableValues: pairable, unitsLeftOut: units.count - used, interval: nil)
  }

  /// α from a coincidence matrix.
  static func alpha(coincidences o: [Double], valueCount v: Int, metric: AlphaMetric, numbers: [Double]?) -> Double {
    var marginals = [Double](repeating: 0, count: v)
    for c in 0..<v {
      for k in 0..<v { marginals[c] += o[c * v + k] }
    }
    let n = marginals.reduce(0, +)
    guard n > 1 else { return .nan }
    let delta = distances(metric, valueCount: v, marginals: marginals, numbers: numbers)
    var observed = 0.0
    var expected = 0.0
    for c in 0..<v {
      for k in 0..<v {
        let d = delta[c * v + k]
        observed += o[c * v + k] * d
        expected += marginals[c] * marginals[k] * d
      }
    }
    observed /= n
    expected /= n * (n - 1)
    return expected == 0 ? (observed == 0 ? .nan : -Double.infinity) : 1 - observed / expected
  }

  static func distances(_ metric: AlphaMetric, valueCount v: Int, marginals: [Double], numbers: [Double]?) -> [Double] {
    var delta = [Double](repeating: 0, count: v * v)
    switch metric {
    case .nominal:
      for c in 0..<v { for k in 0..<v where c != k { delta[c * v + k] = 1 } }
    case .interval:
      let values = numbers ?? (0..<v).map(Double.init)
      for c in 0..<v { for k in 0..<v { delta[c * v + k] = (values[c] - values[k]) * (values[c] - values[k]) } }
    case .ordinal:
      for c in 0..<v {
        for k in 0..<v {
          let (low, high) = (min(c, k), max(c, k))
          var between = 0.0
          for g in low...high { between += marginals[g] }
          let d = between - (marginals[low] + marginals[high]) / 2
          delta[c * v + k] = d * d
        }
      }
    case .custom(let given):
      delta = given
    }
    return delta
  }

  /// α per value: each value against all the others (nominal, two categories).
  public static func perValue(units: [[Int32]], valueCount: Int) -> [AlphaResult] {
    (0..<valueCount).map { value in
      let binary = units.map { unit in unit.map { $0 == Int32(value) ? Int32(1) : 0 } }
      return alpha(units: binary, valueCount: 2, metric: .nominal)
    }
  }

  /// α with a 95% bootstrap interval over units (seeded).
  public static func alphaWithInterval(
    units: [[Int32]], valueCount: Int, metric: AlphaMetric = .nominal, numbers: [Double]? = nil, rounds: Int = 1000,
    seed: UInt64 = 1
  ) -> AlphaResult {
    var result = alpha(units: units, valueCount: valueCount, metric: metric, numbers: numbers)
    let pairable = units.filter { $0.count >= 2 }
    guard rounds > 0, pairable.count > 1 else { return result }
    // Units with the same counts of each value contribute the same to the coincidence matrix: the bootstrap
    // resamples those patterns (a few dozen for a million judgments of four labels), not the units.
    let v = valueCount
    var patternIndex: [[Int32]: Int] = [:]
    var patternCounts: [Int] = []
    var contributions: [[Double]] = []
    for unit in pairable {
      var counts = [Int32](repeating: 0, count: v)
      for value in unit { counts[Int(value)] += 1 }
      if let known = patternIndex[counts] {
        patternCounts[known] += 1
        continue
      }
      patternIndex[counts] = contributions.count
      patternCounts.append(1)
      var cells = [Double](repeating: 0, count: v * v)
      let weight = 1 / Double(unit.count - 1)
      for c in 0..<v where counts[c] > 0 {
        for k in 0..<v where counts[k] > 0 {
          let (a, b) = (Double(counts[c]), Double(counts[k]))
          cells[c * v + k] = (c == k ? a * (a - 1) : a * b) * weight
        }
      }
      contributions.append(cells)
    }
    let patterns = contributions
    let replicates = Bootstrap.cellReplicates(cellCounts: patternCounts, rounds: rounds, seed: seed) { weights in
      var o = [Double](repeating: 0, count: v * v)
      for (u, cells) in patterns.enumerated() where weights[u] > 0 {
        let w = weights[u]
        for i in 0..<(v * v) { o[i] += cells[i] * w }
      }
      return [alpha(coincidences: o, valueCount: v, metric: metric, numbers: numbers)]
    }
    result.interval = Percentile.interval95(replicates.map { $0[0] })
    return result
  }
}

/// Distances between label sets (multi-choice answers), for α over sets.
public enum SetDistance {
  /// Jaccard distance: 1 − |A∩B| / |A∪B| (0 for two empty sets).
  public static func jaccard(_ a: Set<Int>, _ b: Set<Int>) -> Double {
    let union = a.union(b).count
    return union == 0 ? 0 : 1 - Double(a.intersection(b).count) / Double(union)
  }

  /// MASI distance (Passonneau 2006): 1 − Jaccard · monotonicity, with monotonicity 1 for equal sets, 2/3 when
  /// one contains the other, 1/3 when they overlap otherwise, 0 when disjoint (as nltk's `masi_distance`).
  public static func masi(_ a: Set<Int>, _ b: Set<Int>) -> Double {
    let union = a.union(b).count
    if union == 0 { return 0 }
    let shared = a.intersection(b).count
    let m: Double
    if a == b {
      m = 1
    } else if shared == min(a.count, b.count) {
      m = 0.67
    } else if shared > 0 {
      m = 0.33
    } else {
      m = 0
    }
    return 1 - Double(shared) / Double(union) * m
  }
}
