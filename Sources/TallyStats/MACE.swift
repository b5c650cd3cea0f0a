/// How MACE is fitted.
public struct MACEOptions: Sendable, Equatable {
  /// Random restarts; the one with the best marginal likelihood is kept.
  public var restarts = 5
  public var iterations = 50
  /// Variational Bayes with Beta(α, β) priors on each worker's competence and a symmetric Dirichlet on their
  /// spamming strategy (as crowd-kit's default `method="vb"`), or plain EM with smoothing.
  public var variational = true
  public var competencePrior = (alpha: 0.5, beta: 0.5)
  public var strategyPrior = 10.0
  /// The seed of the restarts' random starting points.
  public var seed: UInt64 = 0

  public init() {}

  public static func == (a: MACEOptions, b: MACEOptions) -> Bool {
    a.restarts == b.restarts && a.iterations == b.iterations && a.variational == b.variational
      && a.competencePrior == b.competencePrior && a.strategyPrior == b.strategyPrior && a.seed == b.seed
  }
}

/// A fitted MACE model.
public struct MACEResult: Sendable, Equatable {
  public var posteriors: ClassPosteriors
  /// Each worker's competence: the probability they answer from knowledge rather than by their spamming
  /// strategy.
  public var competence: [Double]
  /// Each worker's spamming strategy over the labels (workers × classes).
  public var strategies: [Double]
  public var logMarginalLikelihood: Double
}

/// MACE (Hovy et al. 2013): each worker either knows the answer (with probability θ, their competence) and
/// gives the truth, or "spams" from a label distribution ξ of their own. Truth is uniform a priori. Fitted by
/// EM or variational Bayes from seeded random restarts, in logs (so tasks with many judgments do not
/// underflow).
public enum MACE {
  public static func fit(_ data: CategoricalJudgments, options: MACEOptions = MACEOptions()) -> MACEResult {
    let k = data.classCount
    let byTask = data.byTask()
    var rng = Xoshiro256(seed: options.seed)
    var best: MACEResult?
    for _ in 0..<max(1, options.restarts) {
      var theta = (0..<data.workerCount).map { _ -> Double in
        let knowing = 1 + 0.5 * rng.unit()
        let spamming = 1 + 0.5 * rng.unit()
        return knowing / (knowing + spamming)
      }
      var xi = [Double](repeating: 0, count: data.workerCount * k)
      for w in 0..<data.workerCount {
        var sum = 0.0
        for c in 0..<k {
          xi[w * k + c] = 1 + 0.5 * rng.unit()
          sum += xi[w * k + c]
        }
        for c in 0..<k { xi[w * k + c] /= sum }
      }
      var q = [Double](repeating: 0, count: data.taskCount * k)
      var likelihood = -Double.infinity
      for iteration in 0...options.iterations {
        let (logLikelihood, knowing, strategy) = eStep(data, byTask: byTask, k: k, theta: theta, xi: xi, q: &q)
        likelihood = logLikelihood
        if iteration == options.iterations { break }
        mStep(k: k, knowing: knowing, strategy: strategy, options: options, theta: &theta, xi: &xi)
      }
      if best == nil || likelihood > best!.logMarginalLikelihood {
        best = MACEResult(
          posteriors: ClassPosteriors(classCount: k, probabilities: q), competence: theta, strategies: xi,
          logMarginalLikelihood: likelihood)
      }
    }
    return best!
  }

  /// Posteriors and the expected counts: per worker, (knowing, spamming) and the spam counts per label.
  static func eStep(
    _ data: CategoricalJudgments, byTask: Grouping, k: Int, theta: [Double], xi: [Double], q: inout [Double]
  ) -> (Double, [Double], [Double]) {
    var knowing = [Double](repeating: 0, count: data.workerCount * 2)
    var strategy = [Double](repeating: 0, count: data.workerCount * k)
    var total = 0.0
    var scratch = [Double](repeating: 0, count: k)
    let logUniform = -Log.natural(Double(max(1, k)))
    for t in 0..<data.taskCount {
      let items = byTask.items(of: t)
      if items.isEmpty { continue }
      for c in 0..<k { scratch[c] = logUniform }
      for i in items {
        let w = Int(data.workers[Int(i)])
        let y = Int(data.labels[Int(i)])
        let spam = (1 - theta[w]) * xi[w * k + y]
        let logOther = Log.natural(max(spam, 1e-300))
        let logSame = Log.natural(max(theta[w] + spam, 1e-300))
        for c in 0..<k { scratch[c] += c == y ? logSame : logOther }
      }
      let norm = scratch.withUnsafeBufferPointer { Log.sumExp($0) }
      total += norm
      for c in 0..<k { q[t * k + c] = Log.exp(scratch[c] - norm) }
      for i in items {
        let w = Int(data.workers[Int(i)])
        let y = Int(data.labels[Int(i)])
        let spam = (1 - theta[w]) * xi[w * k + y]
        // Knowing is possible only when the truth is the answer given.
        let know = q[t * k + y] * theta[w] / max(theta[w] + spam, 1e-300)
        knowing[w * 2] += know
        knowing[w * 2 + 1] += 1 - know
        strategy[w * k + y] += 1 - know
      }
    }
    return (total, knowing, strategy)
  }

  static func mStep(
    k: Int, knowing: [Double], strategy: [Double], options: MACEOptions, theta: inout [Double], xi: inout [Double]
  ) {
    let workers = theta.count
    if options.variational {
      let (a, b) = options.competencePrior
      for w in 0..<workers {
        let know = Log.exp(Log.digamma(knowing[w * 2] + a))
        let spam = Log.exp(Log.digamma(knowing[w * 2 + 1] + b))
        theta[w] = know / (know + spam)
        var values = [Double](repeating: 0, count: k)
        var sum = 0.0
        for c in 0..<k {
          values[c] = Log.exp(Log.digamma(strategy[w * k + c] + options.strategyPrior))
          sum += values[c]
        }
        for c in 0..<k { xi[w * k + c] = values[c] / sum }
      }
    } else {
      let smoothing = 0.01 / Double(max(1, k))
      for w in 0..<workers {
        theta[w] = (knowing[w * 2] + smoothing) / (knowing[w * 2] + knowing[w * 2 + 1] + 2 * smoothing)
        var sum = 0.0
        for c in 0..<k { sum += strategy[w * k + c] + smoothing }
        for c in 0..<k { xi[w * k + c] = (strategy[w * k + c] + smoothing) / sum }
      }
    }
  }
}
