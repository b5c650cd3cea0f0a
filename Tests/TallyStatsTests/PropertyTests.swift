import Testing

@testable import TallyStats

/// A synthetic crowd with known truth: `workers` workers of the given accuracies, each task judged by
/// `perTask` of them at random, wrong answers uniform over the other classes.
func syntheticCrowd(
  tasks: Int, classes: Int, accuracies: [Double], perTask: Int, seed: UInt64
) -> (data: CategoricalJudgments, truth: [Int32]) {
  var rng = Xoshiro256(seed: seed)
  let truth = (0..<tasks).map { _ in Int32(rng.below(classes)) }
  var triples: [(Int, Int, Int)] = []
  for t in 0..<tasks {
    var chosen = Set<Int>()
    while chosen.count < min(perTask, accuracies.count) { chosen.insert(rng.below(accuracies.count)) }
    for w in chosen.sorted() {
      var label = Int(truth[t])
      if rng.unit() >= accuracies[w] { label = (label + 1 + rng.below(classes - 1)) % classes }
      triples.append((t, w, label))
    }
  }
  return (
    CategoricalJudgments(taskCount: tasks, workerCount: accuracies.count, classCount: classes, triples: triples), truth
  )
}

func accuracy(_ labels: [Int32], _ truth: [Int32]) -> Double {
  Double(zip(labels, truth).filter { $0 == $1 }.count) / Double(truth.count)
}

/// Properties every estimator must have, whatever the reference libraries say: order and names of judgments
/// do not matter, perfect agreement is 1, random labels are near 0, known strengths are recovered.
@Suite struct PropertyTests {
  static let crowd = syntheticCrowd(
    tasks: 300, classes: 3, accuracies: [0.9, 0.85, 0.8, 0.75, 0.7, 0.34, 0.34, 0.2], perTask: 5, seed: 42)

  /// The judgments shuffled and the workers renamed (relabelled by a permutation).
  static func shuffledAndRenamed(_ data: CategoricalJudgments, seed: UInt64) -> (CategoricalJudgments, [Int32]) {
    var rng = Xoshiro256(seed: seed)
    var order = Array(0..<data.count)
    order.shuffle(using: &rng)
    var rename = (0..<data.workerCount).map(Int32.init)
    rename.shuffle(using: &rng)
    var shuffled = data.permuted(order)
    shuffled.workers = shuffled.workers.map { rename[Int($0)] }
    return (shuffled, rename)
  }

  func close(_ a: [Double], _ b: [Double], _ tolerance: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
  }

  @Test func aggregationIgnoresTheOrderOfJudgmentsAndTheNamesOfAnnotators() {
    let data = Self.crowd.data
    let (other, rename) = Self.shuffledAndRenamed(data, seed: 9)
    #expect(MajorityVote.fit(data) == MajorityVote.fit(other))
    let wawa = Wawa.fit(data)
    let wawaOther = Wawa.fit(other)
    #expect(close(wawa.posteriors.probabilities, wawaOther.posteriors.probabilities, 1e-12))
    for w in 0..<data.workerCount { #expect(abs(wawa.skills[w] - wawaOther.skills[Int(rename[w])]) < 1e-12) }
    for options in [DawidSkeneOptions(), .crowdKit] {
      let ds = DawidSkene.fit(data, options: options)
      let dsOther = DawidSkene.fit(other, options: options)
      #expect(close(ds.posteriors.probabilities, dsOther.posteriors.probabilities, 1e-9))
      #expect(ds.posteriors.labels == dsOther.posteriors.labels)
      for w in 0..<data.workerCount {
        #expect(abs(ds.accuracy(worker: w) - dsOther.accuracy(worker: Int(rename[w]))) < 1e-9)
      }
    }
    let glad = GLAD.fit(data)
    #expect(close(glad.posteriors.probabilities, GLAD.fit(other).posteriors.probabilities, 1e-6))
    let alpha = Krippendorff.alpha(units: units(data), valueCount: 3)
    #expect(abs(alpha.alpha - Krippendorff.alpha(units: units(other), valueCount: 3).alpha) < 1e-12)
    #expect(
      Kappa.fleissByRatings(data).map(\.kappa) == Kappa.fleissByRatings(other).map(\.kappa))
  }

  @Test func theModelsFindTheTruthAndTheSpammers() {
    let (data, truth) = Self.crowd
    let mv = accuracy(MajorityVote.fit(data).labels, truth)
    let ds = DawidSkene.fit(data)
    #expect(accuracy(ds.posteriors.labels, truth) >= mv - 0.01)
    #expect(accuracy(ds.posteriors.labels, truth) > 0.85)
    #expect(ds.converged)
    // The adversary (worker 7, 20% right on 3 classes) and the guessers are seen as weak.
    #expect(ds.accuracy(worker: 0) > 0.8)
    #expect(ds.accuracy(worker: 7) < 0.3)
    #expect(accuracy(GLAD.fit(data).posteriors.labels, truth) > 0.85)
    let mace = MACE.fit(data)
    #expect(accuracy(mace.posteriors.labels, truth) > 0.85)
    #expect(mace.competence[0] > mace.competence[6])
  }

  @Test func goldAnswersAreClampedAndStillTeachTheModel() {
    let (data, truth) = Self.crowd
    var options = DawidSkeneOptions()
    var gold = [Int32](repeating: -1, count: data.taskCount)
    for t in 0..<40 { gold[t] = truth[t] }
    options.gold = gold
    let ds = DawidSkene.fit(data, options: options)
    for t in 0..<40 { #expect(ds.posteriors.labels[t] == truth[t] && ds.posteriors.confidence(t) == 1) }
  }

  func units(_ data: CategoricalJudgments) -> [[Int32]] {
    let byTask = data.byTask()
    return (0..<data.taskCount).map { t in byTask.items(of: t).map { data.labels[Int($0)] } }
  }

  @Test func alphaIsOneForPerfectAgreementAndNearZeroForChance() {
    let perfect = (0..<50).map { u in [Int32(u % 4), Int32(u % 4), Int32(u % 4)] }
    #expect(Krippendorff.alpha(units: perfect, valueCount: 4).alpha == 1)
    #expect(Krippendorff.alpha(units: perfect, valueCount: 4, metric: .ordinal).alpha == 1)
    var rng = Xoshiro256(seed: 3)
    let random = (0..<3000).map { _ in (0..<3).map { _ in Int32(rng.below(4)) } }
    let alpha = Krippendorff.alpha(units: random, valueCount: 4).alpha
    #expect(abs(alpha) < 0.03, "α = \(alpha)")
    // Units with one value count for nothing.
    let withSingles = perfect + [[Int32(1)], [Int32(2)]]
    let result = Krippendorff.alpha(units: withSingles, valueCount: 4)
    #expect(result.alpha == 1 && result.unitsLeftOut == 2 && result.units == 50)
    let interval = Krippendorff.alphaWithInterval(units: random, valueCount: 4, rounds: 200).interval
    #expect(interval.map { $0.low < alpha && alpha < $0.high } == true)
  }

  @Test func kappaIsUndefinedWhereChanceAgreementIsCertain() {
    // Both gave "0" everywhere: κ undefined (sklearn gives nan), not 1.
    let same = CategoricalJudgments(
      taskCount: 3, workerCount: 2, classCount: 2,
      triples: [(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 0), (2, 0, 0), (2, 1, 0)])
    let pairs = Kappa.cohenAllPairs(same)
    #expect(pairs.count == 1 && pairs[0].kappa == nil && pairs[0].shared == 3 && pairs[0].agreement == 1)
    #expect(Kappa.fleissByRatings(same).first?.kappa == nil)
  }

  @Test func bradleyTerryRecoversKnownStrengthsWithIntervalsThatCoverThem() {
    let truth: [Double] = [1.2, 0.6, 0, -0.5, -1.3]
    var rng = Xoshiro256(seed: 77)
    var comparisons: [Comparison] = []
    for _ in 0..<6000 {
      let a = rng.below(5)
      var b = rng.below(5)
      while b == a { b = rng.below(5) }
      let p = 1 / (1 + Log.exp(truth[b] - truth[a]))
      comparisons.append(Comparison(left: Int32(a), right: Int32(b), outcome: rng.unit() < p ? .left : .right))
    }
    let fit = BradleyTerry.fit(comparisons, items: 5, bootstrapRounds: 200, seed: 5)
    let centred = truth.map { $0 - truth.reduce(0, +) / 5 }
    #expect(fit.converged)
    #expect(fit.ranking == [0, 1, 2, 3, 4])
    for i in 0..<5 {
      #expect(abs(fit.logStrengths[i] - centred[i]) < 0.12)
      let interval = fit.intervals?[i]
      #expect(
        interval.map { $0.low < centred[i] && centred[i] < $0.high } == true, "\(i): \(String(describing: interval))")
    }
    #expect(abs(fit.strengths.reduce(0, +) - 1) < 1e-12)
    // The same seed, the same intervals; the order of judgments does not matter to the fit.
    #expect(BradleyTerry.fit(comparisons, items: 5, bootstrapRounds: 200, seed: 5) == fit)
    let reversed = BradleyTerry.fit(comparisons.reversed(), items: 5)
    for i in 0..<5 { #expect(abs(reversed.logStrengths[i] - fit.logStrengths[i]) < 1e-9) }
    // No position bias in this data.
    let bias = BradleyTerry.positionBias(comparisons, items: 5)
    #expect(abs(bias.leftShare - 0.5) < 0.03 && abs(bias.logAdvantage) < 0.1)
  }

  @Test func aLeftSideAdvantageIsMeasured() {
    var rng = Xoshiro256(seed: 8)
    var comparisons: [Comparison] = []
    for _ in 0..<8000 {
      let a = rng.below(4)
      var b = rng.below(4)
      while b == a { b = rng.below(4) }
      // Equal items; the left one wins 60% of the time: γ = 1.5.
      comparisons.append(
        Comparison(
          left: Int32(a), right: Int32(b), outcome: rng.unit() < 0.6 ? .left : .right, judge: Int32(rng.below(3))))
    }
    let bias = BradleyTerry.positionBias(comparisons, items: 4, bootstrapRounds: 100, seed: 2)
    #expect(abs(bias.leftShare - 0.6) < 0.02)
    #expect(abs(bias.logAdvantage - Log.natural(1.5)) < 0.08)
    #expect(bias.advantageInterval.map { $0.low < Log.natural(1.5) && Log.natural(1.5) < $0.high } == true)
    #expect(bias.perJudge.count == 3)
  }

  @Test func davidsonModelsTies() {
    var rng = Xoshiro256(seed: 4)
    var comparisons: [Comparison] = []
    let truth: [Double] = [0.8, 0, -0.8]
    let nu = 0.7
    for _ in 0..<9000 {
      let a = rng.below(3)
      var b = rng.below(3)
      while b == a { b = rng.below(3) }
      let (pa, pb) = (Log.exp(truth[a]), Log.exp(truth[b]))
      let tie = nu * (pa * pb).squareRoot()
      let d = pa + pb + tie
      let u = rng.unit() * d
      comparisons.append(
        Comparison(left: Int32(a), right: Int32(b), outcome: u < pa ? .left : u < pa + pb ? .right : .tie))
    }
    let fit = BradleyTerry.fit(comparisons, items: 3, ties: .davidson)
    #expect(fit.converged)
    #expect(abs((fit.tieParameter ?? 0) - nu) < 0.08, "ν = \(String(describing: fit.tieParameter))")
    for i in 0..<3 { #expect(abs(fit.logStrengths[i] - truth[i]) < 0.08) }
    #expect(fit.ties.reduce(0, +) > 0)
  }
}
