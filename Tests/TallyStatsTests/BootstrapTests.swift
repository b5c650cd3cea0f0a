import Testing

@testable import TallyStats

/// The multinomial bootstrap over cells must be the observation bootstrap in distribution.
@Suite struct BootstrapTests {
  func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
  }

  @Test(arguments: [(20, 0.1), (1000, 0.3), (1_000_000, 0.004), (50, 0.9), (7, 0.5), (200_000, 0.5)])
  func binomialDrawsHaveTheBinomialMoments(n: Int, p: Double) {
    var rng = Xoshiro256(seed: 5)
    let draws = (0..<40_000).map { _ in Double(Binomial.sample(trials: n, probability: p, rng: &rng)) }
    let (mean, variance) = moments(draws)
    let expectedVariance = Double(n) * p * (1 - p)
    // 40,000 draws: the mean is within 5 standard errors, the variance within 5%.
    #expect(abs(mean - Double(n) * p) < 5 * (expectedVariance / 40_000).squareRoot())
    #expect(abs(variance / expectedVariance - 1) < 0.05)
    #expect(draws.allSatisfy { $0 >= 0 && $0 <= Double(n) })
  }

  @Test func aResampleDrawsExactlyAsManyObservations() {
    var rng = Xoshiro256(seed: 9)
    let cells = [5, 0, 1000, 3, 250_000, 1]
    for _ in 0..<200 {
      let draw = Bootstrap.multinomial(draws: 251_009, cells: cells, total: 251_009, rng: &rng)
      #expect(draw.reduce(0, +) == 251_009)
      #expect(draw[1] == 0)
    }
  }

  @Test func cellsGiveTheSameSpreadAsObservations() {
    // A proportion: 300 successes in 1,000 observations (two cells).
    let observations = [Double](repeating: 1, count: 300) + [Double](repeating: 0, count: 700)
    let byObservation = Bootstrap.replicates(count: 1000, rounds: 4000, seed: 1) { weights in
      [zip(weights, observations).reduce(0) { $0 + Double($1.0) * $1.1 } / 1000]
    }.map { $0[0] }
    let byCell = Bootstrap.cellReplicates(cellCounts: [300, 700], rounds: 4000, seed: 1) { weights in
      [weights[0] / 1000]
    }.map { $0[0] }
    let a = moments(byObservation)
    let b = moments(byCell)
    #expect(abs(a.mean - 0.3) < 0.002 && abs(b.mean - 0.3) < 0.002)
    // sd = sqrt(0.3 * 0.7 / 1000) ≈ 0.0145 both ways.
    #expect(abs(a.variance.squareRoot() / 0.01449 - 1) < 0.06)
    #expect(abs(b.variance.squareRoot() / 0.01449 - 1) < 0.06)
  }
}
