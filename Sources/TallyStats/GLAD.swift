/// How GLAD is fitted.
public struct GLADOptions: Sendable, Equatable {
  public var maxIterations = 100
  /// Stop when the objective per judgment gains less than this.
  public var tolerance = 1e-5
  /// Newton sweeps over the abilities and difficulties in each M-step.
  public var sweeps = 3

  public init() {}
}

/// A fitted GLAD model.
public struct GLADResult: Sendable, Equatable {
  public var posteriors: ClassPosteriors
  /// Each worker's ability α (0: guessing, negative: adversarial).
  public var abilities: [Double]
  /// Each task's log inverse difficulty (the model uses e^β: larger is easier).
  public var logInverseDifficulties: [Double]
  public var iterations: Int
  public var converged: Bool

  /// The probability that a worker answers a task of average ease (β = 0 on the log scale, e^β = 1) right.
  public func accuracy(worker: Int) -> Double { Log.sigmoid(abilities[worker]) }
}

/// GLAD (Whitehill et al. 2009): a worker with ability α answers a task with inverse difficulty e^β correctly
/// with probability σ(α·e^β), otherwise uniformly among the other labels. Fitted by EM with uniform class
/// priors and N(1, 1) priors on α and β, as crowd-kit's; the M-step takes Newton steps per parameter
/// (each α given the β's, then each β given the α's), which is exact per coordinate and linear in the data, so
/// a million judgments fit in seconds.
public enum GLAD {
  public static func fit(_ data: CategoricalJudgments, options: GLADOptions = GLADOptions()) -> GLADResult {
    let k = data.classCount
    let byTask = data.byTask()
    var alpha = [Double](repeating: 1, count: data.workerCount)
    var beta = [Double](repeating: 1, count: data.taskCount)
    var q = [Double](repeating: 0, count: data.taskCount * k)
    let logOthers = k > 1 ? Log.natural(Double(k - 1)) : 0
    let logPrior = -Log.natural(Double(max(1, k)))
    var previous = -Double.infinity
    var iterations = 0
    var converged = false
    let n = Double(max(1, data.count))
    // q(t, observed) for each judgment: the posterior that the worker's answer is the truth.
    var qRight = [Double](repeating: 0, count: data.count)
    while iterations < options.maxIterations {
      // E-step.
      var scratch = [Double](repeating: 0, count: k)
      for t in 0..<data.taskCount {
        let items = byTask.items(of: t)
        if items.isEmpty { continue }
        for c in 0..<k { scratch[c] = logPrior }
        let e = Log.exp(beta[t])
        for i in items {
          let x = alpha[Int(data.workers[Int(i)])] * e
          let logRight = -Log.softplus(-x)
          let logWrong = -Log.softplus(x) - logOthers
          let y = Int(data.labels[Int(i)])
          for c in 0..<k { scratch[c] += c == y ? logRight : logWrong }
        }
        let norm = scratch.withUnsafeBufferPointer { Log.sumExp($0) }
        for c in 0..<k { q[t * k + c] = Log.exp(scratch[c] - norm) }
      }
      for i in 0..<data.count { qRight[i] = q[Int(data.tasks[i]) * k + Int(data.labels[i])] }
      // M-step: Newton sweeps.
      for _ in 0..<options.sweeps {
        newtonAbilities(data, qRight: qRight, alpha: &alpha, beta: beta)
        newtonDifficulties(data, qRight: qRight, alpha: alpha, beta: &beta)
      }
      iterations += 1
      let objective = Self.objective(data, qRight: qRight, alpha: alpha, beta: beta, logOthers: logOthers) / n
      if objective - previous < options.tolerance {
        converged = true
        break
      }
      previous = objective
    }
    return GLADResult(
      posteriors: ClassPosteriors(classCount: k, probabilities: q), abilities: alpha, logInverseDifficulties: beta,
      iterations: iterations, converged: converged)
  }

  /// One Newton step for every ability, the difficulties held fixed (the objective is concave in each α).
  static func newtonAbilities(_ data: CategoricalJudgments, qRight: [Double], alpha: inout [Double], beta: [Double]) {
    var gradient = [Double](repeating: 0, count: alpha.count)
    var hessian = [Double](repeating: 0, count: alpha.count)
    for i in 0..<data.count {
      let w = Int(data.workers[i])
      let e = Log.exp(beta[Int(data.tasks[i])])
      let s = Log.sigmoid(alpha[w] * e)
      gradient[w] += (qRight[i] - s) * e
      hessian[w] -= s * (1 - s) * e * e
    }
    for w in 0..<alpha.count {
      let g = gradient[w] - (alpha[w] - 1)
      let h = hessian[w] - 1
      alpha[w] -= max(-5, min(5, g / h))
    }
  }

  /// One safeguarded Newton step for every difficulty, the abilities held fixed.
  static func newtonDifficulties(
    _ data: CategoricalJudgments, qRight: [Double], alpha: [Double], beta: inout [Double]
  ) {
    var gradient = [Double](repeating: 0, count: beta.count)
    var hessian = [Double](repeating: 0, count: beta.count)
    for i in 0..<data.count {
      let t = Int(data.tasks[i])
      let x = alpha[Int(data.workers[i])] * Log.exp(beta[t])
      let s = Log.sigmoid(x)
      gradient[t] += (qRight[i] - s) * x
      hessian[t] += -s * (1 - s) * x * x + (qRight[i] - s) * x
    }
    for t in 0..<beta.count {
      let g = gradient[t] - (beta[t] - 1)
      let h = hessian[t] - 1
      // Where the objective is not concave in β, a small gradient step instead.
      let step = h < 0 ? -g / h : 0.1 * g
      beta[t] += max(-2, min(2, step))
    }
  }

  /// The expected complete-data log-likelihood plus the log priors on α and β (up to constants).
  static func objective(
    _ data: CategoricalJudgments, qRight: [Double], alpha: [Double], beta: [Double], logOthers: Double
  ) -> Double {
    var total = 0.0
    for i in 0..<data.count {
      let x = alpha[Int(data.workers[i])] * Log.exp(beta[Int(data.tasks[i])])
      total += qRight[i] * -Log.softplus(-x) + (1 - qRight[i]) * (-Log.softplus(x) - logOthers)
    }
    for a in alpha { total -= (a - 1) * (a - 1) / 2 }
    for b in beta { total -= (b - 1) * (b - 1) / 2 }
    return total
  }
}
