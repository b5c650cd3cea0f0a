/// One side-by-side judgment between two items (systems): which was shown on the left, which on the right, and
/// what was chosen.
public struct Comparison: Sendable, Equatable {
  public enum Outcome: Int8, Sendable, Equatable {
    case left, right, tie
  }

  public var left: Int32
  public var right: Int32
  public var outcome: Outcome
  /// Who judged (for position bias per annotator); -1 when unknown.
  public var judge: Int32

  public init(left: Int32, right: Int32, outcome: Outcome, judge: Int32 = -1) {
    self.left = left
    self.right = right
    self.outcome = outcome
    self.judge = judge
  }
}

/// How ties count in a Bradley–Terry fit.
public enum TieHandling: String, Sendable, Equatable, CaseIterable {
  /// Left out.
  case drop
  /// Half a win each way.
  case half
  /// Davidson (1970): ties have their own parameter ν, P(tie) ∝ ν·√(πᵢπⱼ).
  case davidson
}

/// A Bradley–Terry ranking of items.
public struct BradleyTerryResult: Sendable, Equatable {
  /// Natural-log strengths, centred to mean 0.
  public var logStrengths: [Double]
  /// Strengths normalised to sum 1.
  public var strengths: [Double]
  /// 95% bootstrap intervals on the log strengths (nil without bootstrap).
  public var intervals: [(low: Double, high: Double)]?
  public var wins: [Int]
  public var losses: [Int]
  public var ties: [Int]
  /// Davidson's tie parameter ν (ties: davidson).
  public var tieParameter: Double?
  public var iterations: Int
  public var converged: Bool

  public var comparisons: [Int] { (0..<wins.count).map { wins[$0] + losses[$0] + ties[$0] } }

  /// Item indices from strongest to weakest.
  public var ranking: [Int] { logStrengths.indices.sorted { logStrengths[$0] > logStrengths[$1] } }

  public static func == (a: BradleyTerryResult, b: BradleyTerryResult) -> Bool {
    a.logStrengths == b.logStrengths && a.strengths == b.strengths && a.wins == b.wins && a.losses == b.losses
      && a.ties == b.ties && a.tieParameter == b.tieParameter && a.iterations == b.iterations
      && a.intervals?.map(\.low) == b.intervals?.map(\.low) && a.intervals?.map(\.high) == b.intervals?.map(\.high)
  }
}

/// The advantage of the left position, estimated two ways.
public struct PositionBias: Sendable, Equatable {
  /// Share of non-tie judgments that chose the left side, with its 95% Wilson interval.
  public var leftShare: Double
  public var interval: (low: Double, high: Double)
  public var judgments: Int
  /// Per judge (index): share, interval and judgments (judges with no non-tie judgment left out).
  public var perJudge: [Int: (share: Double, low: Double, high: Double, judgments: Int)]
  /// A Bradley–Terry fit with a left-position term: P(left wins) = γπ_L / (γπ_L + π_R); `logAdvantage` is
  /// ln γ (0: no bias), with a bootstrap interval when asked for.
  public var logAdvantage: Double
  public var advantageInterval: (low: Double, high: Double)?

  public static func == (a: PositionBias, b: PositionBias) -> Bool {
    a.leftShare == b.leftShare && a.judgments == b.judgments && a.logAdvantage == b.logAdvantage
  }
}

/// Bradley–Terry by maximum likelihood (Hunter's MM iterations to a tight tolerance, so the fit equals any
/// other exact MLE such as choix's `ilsr_pairwise`), with ties dropped, halved or modelled (Davidson), seeded
/// bootstrap intervals over judgments, and position bias.
public enum BradleyTerry {
  /// Win counts `w[i * n + j]` (i beat j) and tie counts `t[i * n + j]` (i < j), with ties as asked.
  struct Counts {
    var n: Int
    var wins: [Double]
    var ties: [Double]
  }

  static func counts(_ comparisons: [Comparison], items n: Int, ties: TieHandling) -> Counts {
    var counts = Counts(n: n, wins: [Double](repeating: 0, count: n * n), ties: [Double](repeating: 0, count: n * n))
    for c in comparisons {
      add(c, to: &counts, ties: ties, weight: 1)
    }
    return counts
  }

  @inline(__always) static func add(_ c: Comparison, to counts: inout Counts, ties: TieHandling, weight: Double) {
    let (l, r, n) = (Int(c.left), Int(c.right), counts.n)
    guard l != r else { return }
    switch c.outcome {
    case .left: counts.wins[l * n + r] += weight
    case .right: counts.wins[r * n + l] += weight
    case .tie:
      switch ties {
      case .drop: break
      case .half:
        counts.wins[l * n + r] += weight / 2
        counts.wins[r * n + l] += weight / 2
      case .davidson: counts.ties[min(l, r) * n + max(l, r)] += weight
      }
    }
  }

  /// The distinct (left, right, outcome) of the comparisons with how often each occurs: all a fit sees, so
  /// the bootstrap resamples these counts.
  struct Cells: Sendable {
    var comparisons: [Comparison] = []
    var counts: [Int] = []

    init(_ all: [Comparison], items n: Int) {
      // A dense index while it is small (100 systems: 30,000 slots), a dictionary past that.
      let dense = n * n * 3 <= 1 << 22
      var index = [Int32](repeating: -1, count: dense ? n * n * 3 : 0)
      var sparse: [Int: Int32] = [:]
      for c in all where c.left != c.right {
        let outcome = c.outcome == .left ? 0 : c.outcome == .right ? 1 : 2
        let key = (Int(c.left) * n + Int(c.right)) * 3 + outcome
        var slot = dense ? index[key] : sparse[key] ?? -1
        if slot < 0 {
          slot = Int32(comparisons.count)
          if dense { index[key] = slot } else { sparse[key] = slot }
          comparisons.append(Comparison(left: c.left, right: c.right, outcome: c.outcome))
          counts.append(0)
        }
        counts[Int(slot)] += 1
      }
    }
  }

  /// Fits the strengths of `items` items. With `bootstrapRounds` > 0, adds 95% percentile intervals from that
  /// many resamples of the judgments (seeded: the same seed gives the same intervals).
  public static func fit(
    _ comparisons: [Comparison], items: Int, ties: TieHandling = .drop, bootstrapRounds: Int = 0, seed: UInt64 = 1
  ) -> BradleyTerryResult {
    var wins = [Int](repeating: 0, count: items)
    var losses = [Int](repeating: 0, count: items)
    var tieCounts = [Int](repeating: 0, count: items)
    for c in comparisons where c.left != c.right {
      switch c.outcome {
      case .left:
        wins[Int(c.left)] += 1
        losses[Int(c.right)] += 1
      case .right:
        wins[Int(c.right)] += 1
        losses[Int(c.left)] += 1
      case .tie:
        tieCounts[Int(c.left)] += 1
        tieCounts[Int(c.right)] += 1
      }
    }
    let data = counts(comparisons, items: items, ties: ties)
    let fitted = solve(data, ties: ties, start: nil)
    var result = BradleyTerryResult(
      logStrengths: fitted.theta, strengths: normalise(fitted.theta), intervals: nil, wins: wins, losses: losses,
      ties: tieCounts, tieParameter: ties == .davidson ? fitted.nu : nil, iterations: fitted.iterations,
      converged: fitted.converged)
    if bootstrapRounds > 0 && !comparisons.isEmpty {
      let cells = Cells(comparisons, items: items)
      let start = fitted.theta
      let replicates = Bootstrap.cellReplicates(cellCounts: cells.counts, rounds: bootstrapRounds, seed: seed) {
        weights in
        var sample = Counts(
          n: items, wins: [Double](repeating: 0, count: items * items),
          ties: [Double](repeating: 0, count: items * items))
        for (k, w) in weights.enumerated() where w > 0 {
          add(cells.comparisons[k], to: &sample, ties: ties, weight: w)
        }
        return solve(sample, ties: ties, start: start).theta
      }
      result.intervals = (0..<items).map { i in Percentile.interval95(replicates.map { $0[i] }) }
    }
    return result
  }

  /// Strengths normalised to sum 1.
  static func normalise(_ theta: [Double]) -> [Double] {
    let top = theta.max() ?? 0
    let values = theta.map { Log.exp($0 - top) }
    let sum = values.reduce(0, +)
    return values.map { $0 / sum }
  }

  /// The MLE of centred log strengths (and Davidson's ν).
  static func solve(_ data: Counts, ties: TieHandling, start: [Double]?) -> (
    theta: [Double], nu: Double, iterations: Int, converged: Bool
  ) {
    let n = data.n
    var pi = (start ?? [Double](repeating: 0, count: n)).map { Log.exp($0) }
    var nu = 1.0
    // Per item: wins (plus half the Davidson ties) and the pairs it was compared in.
    var score = [Double](repeating: 0, count: n)
    var pairs: [(i: Int, j: Int, games: Double, ties: Double)] = []
    var totalTies = 0.0
    for i in 0..<n {
      for j in (i + 1)..<max(i + 1, n) {
        let games = data.wins[i * n + j] + data.wins[j * n + i] + data.ties[i * n + j]
        if games > 0 { pairs.append((i, j, games, data.ties[i * n + j])) }
      }
      for j in 0..<n { score[i] += data.wins[i * n + j] }
    }
    for p in pairs {
      score[p.i] += p.ties / 2
      score[p.j] += p.ties / 2
      totalTies += p.ties
    }
    var iterations = 0
    var converged = false
    var denominators = [Double](repeating: 0, count: n)
    while iterations < 100_000 {
      iterations += 1
      for i in 0..<n { denominators[i] = 0 }
      var tieDenominator = 0.0
      for p in pairs {
        let (a, b) = (pi[p.i], pi[p.j])
        if ties == .davidson {
          let root = (a * b).squareRoot()
          let d = a + b + nu * root
          denominators[p.i] += p.games * (1 + nu / 2 * (b / a).squareRoot()) / d
          denominators[p.j] += p.games * (1 + nu / 2 * (a / b).squareRoot()) / d
          tieDenominator += p.games * root / d
        } else {
          let d = p.games / (a + b)
          denominators[p.i] += d
          denominators[p.j] += d
        }
      }
      var change = 0.0
      var next = pi
      for i in 0..<n {
        // An item that never won gets strength 0 in the MLE; keep it tiny so logs stay finite.
        next[i] = denominators[i] > 0 ? max(score[i] / denominators[i], 1e-300) : pi[i]
      }
      // Centre in logs so the scale does not drift.
      let mean = next.reduce(0) { $0 + Log.natural($1) } / Double(max(1, n))
      for i in 0..<n {
        next[i] = Log.exp(Log.natural(next[i]) - mean)
        change = max(change, abs(Log.natural(next[i]) - Log.natural(pi[i])))
      }
      pi = next
      if ties == .davidson && tieDenominator > 0 {
        let nextNu = totalTies / tieDenominator
        change = max(change, abs(Log.natural(max(nextNu, 1e-300)) - Log.natural(max(nu, 1e-300))))
        nu = nextNu
      }
      if change < 1e-13 {
        converged = true
        break
      }
    }
    let theta = pi.map { Log.natural($0) }
    let mean = theta.reduce(0, +) / Double(max(1, n))
    return (theta.map { $0 - mean }, nu, iterations, converged)
  }

  /// Position bias: how often the left side wins, and a Bradley–Terry fit with a left-position term.
  public static func positionBias(
    _ comparisons: [Comparison], items: Int, bootstrapRounds: Int = 0, seed: UInt64 = 1
  ) -> PositionBias {
    var left = 0
    var total = 0
    var perJudge: [Int: (Int, Int)] = [:]
    for c in comparisons where c.outcome != .tie && c.left != c.right {
      total += 1
      if c.outcome == .left { left += 1 }
      if c.judge >= 0 {
        var entry = perJudge[Int(c.judge)] ?? (0, 0)
        entry.0 += c.outcome == .left ? 1 : 0
        entry.1 += 1
        perJudge[Int(c.judge)] = entry
      }
    }
    let share = total > 0 ? Double(left) / Double(total) : .nan
    let whole = Wilson.interval(successes: left, trials: total) ?? 0...1
    let interval = (low: whole.lowerBound, high: whole.upperBound)
    var judges: [Int: (share: Double, low: Double, high: Double, judgments: Int)] = [:]
    for (judge, (l, t)) in perJudge {
      let i = Wilson.interval(successes: l, trials: t) ?? 0...1
      judges[judge] = (Double(l) / Double(t), i.lowerBound, i.upperBound, t)
    }
    let gamma = homeAdvantage(comparisons, items: items, weights: nil)
    var bias = PositionBias(
      leftShare: share, interval: interval, judgments: total, perJudge: judges, logAdvantage: Log.natural(gamma),
      advantageInterval: nil)
    if bootstrapRounds > 0 && !comparisons.isEmpty {
      let cells = Cells(comparisons, items: items)
      let replicates = Bootstrap.cellReplicates(cellCounts: cells.counts, rounds: bootstrapRounds, seed: seed &+ 0xB1A5)
      {
        weights in [Log.natural(homeAdvantage(cells.comparisons, items: items, weights: weights))]
      }
      bias.advantageInterval = Percentile.interval95(replicates.map { $0[0] })
    }
    return bias
  }

  /// γ of the home-advantage Bradley–Terry model (Agresti; Hunter 2004's MM), ties left out.
  static func homeAdvantage(_ comparisons: [Comparison], items n: Int, weights: [Double]?) -> Double {
    // games[l * n + r]: judgments with l on the left and r on the right; leftWins likewise.
    var games = [Double](repeating: 0, count: n * n)
    var leftWins = [Double](repeating: 0, count: n * n)
    for (i, c) in comparisons.enumerated() where c.outcome != .tie && c.left != c.right {
      let w = weights.map { $0[i] } ?? 1
      if w == 0 { continue }
      games[Int(c.left) * n + Int(c.right)] += w
      if c.outcome == .left { leftWins[Int(c.left) * n + Int(c.right)] += w }
    }
    var itemWins = [Double](repeating: 0, count: n)
    var home = 0.0
    for l in 0..<n {
      for r in 0..<n where games[l * n + r] > 0 {
        itemWins[l] += leftWins[l * n + r]
        itemWins[r] += games[l * n + r] - leftWins[l * n + r]
        home += leftWins[l * n + r]
      }
    }
    var pi = [Double](repeating: 1, count: n)
    var gamma = 1.0
    for _ in 0..<10_000 {
      var denominators = [Double](repeating: 0, count: n)
      var gammaDenominator = 0.0
      for l in 0..<n {
        for r in 0..<n where games[l * n + r] > 0 {
          let d = games[l * n + r] / (gamma * pi[l] + pi[r])
          denominators[l] += gamma * d
          denominators[r] += d
          gammaDenominator += pi[l] * d
        }
      }
      var change = 0.0
      for i in 0..<n where denominators[i] > 0 {
        let next = max(itemWins[i] / denominators[i], 1e-300)
        change = max(change, abs(Log.natural(next) - Log.natural(pi[i])))
        pi[i] = next
      }
      let nextGamma = gammaDenominator > 0 ? max(home / gammaDenominator, 1e-300) : 1
      change = max(change, abs(Log.natural(nextGamma) - Log.natural(gamma)))
      gamma = nextGamma
      if change < 1e-12 { break }
    }
    return gamma
  }
}
