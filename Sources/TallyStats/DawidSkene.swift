import Dispatch

/// How Dawid–Skene is fitted.
public struct DawidSkeneOptions: Sendable, Equatable {
  /// Reproduce crowd-kit 1.4.2's `DawidSkene(n_iter=100, tol=1e-5)` step for step (its clipping, base-2
  /// E-step, its loss and stopping rule, and its clipped output), instead of Tally's own fit.
  public var crowdKitCompatible = false
  /// At most this many EM iterations (crowd-kit compatible: 100).
  public var maxIterations = 500
  /// Stop when the mean log-likelihood per judgment changes by less than this (crowd-kit compatible: its loss
  /// gains less than 1e-5).
  public var tolerance = 1e-8
  /// A Dirichlet pseudo-count added to every cell of every confusion matrix (0: maximum likelihood).
  public var smoothing = 0.0
  /// Known truths, one per task (-1: unknown): clamped in every E-step, and they still feed the M-step.
  public var gold: [Int32]?

  public init() {}

  /// crowd-kit 1.4.2's defaults, reproduced.
  public static var crowdKit: DawidSkeneOptions {
    var options = DawidSkeneOptions()
    options.crowdKitCompatible = true
    options.maxIterations = 100
    options.tolerance = 1e-5
    return options
  }
}

/// A fitted Dawid–Skene model.
public struct DawidSkeneResult: Sendable, Equatable {
  public var posteriors: ClassPosteriors
  /// Prior class probabilities.
  public var priors: [Double]
  /// Per worker, the probability of each observed label given each true one: `confusion[(w * K + true) * K +
  /// observed]`.
  public var confusion: [Double]
  public var iterations: Int
  public var converged: Bool
  /// The mean log-likelihood per judgment at the end (Tally's fit), or crowd-kit's loss (compatible fit).
  public var objective: Double

  /// P(observed | true) for a worker.
  public func confusion(worker: Int, truth: Int, observed: Int) -> Double {
    let k = priors.count
    return confusion[(worker * k + truth) * k + observed]
  }

  /// A worker's estimated accuracy: Σ_c prior(c) · P(c | c).
  public func accuracy(worker: Int) -> Double {
    (0..<priors.count).reduce(0) { $0 + priors[$1] * confusion(worker: worker, truth: $1, observed: $1) }
  }
}

/// Dawid–Skene (1979): each worker has a confusion matrix, each task a latent true class; fitted by EM from
/// soft majority-vote fractions.
public enum DawidSkene {
  public static func fit(_ data: CategoricalJudgments, options: DawidSkeneOptions = DawidSkeneOptions())
    -> DawidSkeneResult
  {
    options.crowdKitCompatible ? CrowdKitDawidSkene.fit(data, options: options) : fitEM(data, options: options)
  }

  /// Tally's fit: EM to convergence in natural logs, with optional smoothing.
  static func fitEM(_ data: CategoricalJudgments, options: DawidSkeneOptions) -> DawidSkeneResult {
    let k = data.classCount
    let byTask = data.byTask()
    var q = MajorityVote.fit(data).probabilities
    clamp(&q, gold: options.gold, k: k)
    var priors = [Double](repeating: 0, count: k)
    var confusion = [Double](repeating: 0, count: data.workerCount * k * k)
    var logConfusion = confusion
    var iterations = 0
    var converged = false
    var previous = -Double.infinity
    var objective = -Double.infinity
    let judgments = Double(max(1, data.count))
    while true {
      // M-step.
      mStep(data, q: q, k: k, smoothing: options.smoothing, priors: &priors, confusion: &confusion)
      for i in 0..<confusion.count { logConfusion[i] = Log.natural(max(confusion[i], 1e-300)) }
      if iterations == options.maxIterations { break }
      // E-step, with the log-likelihood.
      let logLikelihood = eStep(
        data, byTask: byTask, k: k, logPriors: priors.map { Log.natural(max($0, 1e-300)) },
        logConfusion: logConfusion, q: &q)
      clamp(&q, gold: options.gold, k: k)
      iterations += 1
      objective = logLikelihood / judgments
      if abs(objective - previous) < options.tolerance {
        converged = true
        mStep(data, q: q, k: k, smoothing: options.smoothing, priors: &priors, confusion: &confusion)
        break
      }
      previous = objective
    }
    return DawidSkeneResult(
      posteriors: ClassPosteriors(classCount: k, probabilities: q), priors: priors, confusion: confusion,
      iterations: iterations, converged: converged, objective: objective)
  }

  /// Priors are the mean posterior; confusion rows are expected counts, normalised per true class.
  static func mStep(
    _ data: CategoricalJudgments, q: [Double], k: Int, smoothing: Double, priors: inout [Double],
    confusion: inout [Double]
  ) {
    for c in 0..<k { priors[c] = 0 }
    let tasks = data.taskCount
    for t in 0..<tasks {
      for c in 0..<k { priors[c] += q[t * k + c] }
    }
    let withJudgments = Double(max(1, tasks))
    for c in 0..<k { priors[c] /= withJudgments }
    for i in 0..<confusion.count { confusion[i] = smoothing }
    for i in 0..<data.count {
      let t = Int(data.tasks[i])
      let base = Int(data.workers[i]) * k * k + Int(data.labels[i])
      for c in 0..<k { confusion[base + c * k] += q[t * k + c] }
    }
    for w in 0..<data.workerCount {
      for c in 0..<k {
        let row = (w * k + c) * k
        var sum = 0.0
        for y in 0..<k { sum += confusion[row + y] }
        if sum > 0 {
          for y in 0..<k { confusion[row + y] /= sum }
        } else {
          for y in 0..<k { confusion[row + y] = 1 / Double(k) }
        }
      }
    }
  }

  /// Posteriors from priors and confusion matrices; returns the data log-likelihood. Tasks are split into a
  /// fixed number of chunks run on every core (fixed, so the sum is the same whatever the machine).
  static func eStep(
    _ data: CategoricalJudgments, byTask: Grouping, k: Int, logPriors: [Double], logConfusion: [Double],
    q: inout [Double]
  ) -> Double {
    let chunks = 16
    let tasks = data.taskCount
    var totals = [Double](repeating: 0, count: chunks)
    q.withUnsafeMutableBufferPointer { qBuffer in
      totals.withUnsafeMutableBufferPointer { totalBuffer in
        // Each chunk writes its own tasks' rows and its own total.
        nonisolated(unsafe) let qOut = qBuffer
        nonisolated(unsafe) let totalOut = totalBuffer
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
          totalOut[chunk] = eStepChunk(
            data, byTask: byTask, k: k, logPriors: logPriors, logConfusion: logConfusion, q: qOut,
            tasks: (tasks * chunk / chunks)..<(tasks * (chunk + 1) / chunks))
        }
      }
    }
    return totals.reduce(0, +)
  }

  /// The E-step over some tasks: one pass of exponentials per task (max-shifted), no allocation.
  private static func eStepChunk(
    _ data: CategoricalJudgments, byTask: Grouping, k: Int, logPriors: [Double], logConfusion: [Double],
    q: UnsafeMutableBufferPointer<Double>, tasks range: Range<Int>
  ) -> Double {
    var total = 0.0
    data.workers.withUnsafeBufferPointer { workers in
      data.labels.withUnsafeBufferPointer { labels in
        byTask.start.withUnsafeBufferPointer { start in
          byTask.items.withUnsafeBufferPointer { items in
            logConfusion.withUnsafeBufferPointer { logE in
              logPriors.withUnsafeBufferPointer { logP in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { scratch in
                  for t in range {
                    let (a, b) = (Int(start[t]), Int(start[t + 1]))
                    if a == b { continue }
                    for c in 0..<k { scratch[c] = logP[c] }
                    for n in a..<b {
                      let i = Int(items[n])
                      let base = Int(workers[i]) &* k &* k &+ Int(labels[i])
                      for c in 0..<k { scratch[c] += logE[base &+ c &* k] }
                    }
                    var top = -Double.infinity
                    for c in 0..<k where scratch[c] > top { top = scratch[c] }
                    var sum = 0.0
                    for c in 0..<k {
                      let e = Log.exp(scratch[c] - top)
                      q[t &* k &+ c] = e
                      sum += e
                    }
                    for c in 0..<k { q[t &* k &+ c] /= sum }
                    total += top + Log.natural(sum)
                  }
                }
              }
            }
          }
        }
      }
    }
    return total
  }

  /// Sets the posteriors of tasks with a known truth to that class.
  static func clamp(_ q: inout [Double], gold: [Int32]?, k: Int) {
    guard let gold else { return }
    for (t, g) in gold.enumerated() where g >= 0 && t * k < q.count {
      for c in 0..<k { q[t * k + c] = c == Int(g) ? 1 : 0 }
    }
  }
}

/// crowd-kit 1.4.2's `DawidSkene.fit`, reproduced: MV init; M-step sums posteriors per (worker, observed label)
/// row, clips each row's cells to ≥ 1e-10 and normalises each true-label column over the worker's observed
/// rows; E-step in base 2 with the priors clipped to ≥ 1e-10 (in place); loss = (Σ over judgment rows of
/// Σ_c q·(ln e + ln prior) + entropy of q clipped to ≥ 1e-10) / rows; stop when the loss gains less than `tol`;
/// the posteriors are returned clipped to ≥ 1e-10, not renormalised.
enum CrowdKitDawidSkene {
  static let epsilon = 1e-10

  static func fit(_ data: CategoricalJudgments, options: DawidSkeneOptions) -> DawidSkeneResult {
    let k = data.classCount
    let byTask = data.byTask()
    // Which (worker, observed label) rows exist.
    var observed = [Bool](repeating: false, count: data.workerCount * k)
    for i in 0..<data.count { observed[Int(data.workers[i]) * k + Int(data.labels[i])] = true }
    let hasJudgments = (0..<data.taskCount).map { byTask.count(of: $0) > 0 }
    let taskRows = Double(max(1, hasJudgments.filter { $0 }.count))

    var q = MajorityVote.fit(data).probabilities
    DawidSkene.clamp(&q, gold: options.gold, k: k)
    var priors = meanRows(q, k: k, tasks: hasJudgments, count: taskRows)
    // errors[(w * K + observed) * K + true], as crowd-kit's frame (rows: worker, observed; columns: true).
    var errors = mStep(data, q: q, k: k, observed: observed)
    var loss = -Double.infinity
    var iterations = 0
    var converged = false
    var lastLoss = -Double.infinity
    for _ in 0..<options.maxIterations {
      eStep(data, byTask: byTask, k: k, priors: &priors, errors: errors, q: &q)
      DawidSkene.clamp(&q, gold: options.gold, k: k)
      priors = meanRows(q, k: k, tasks: hasJudgments, count: taskRows)
      errors = mStep(data, q: q, k: k, observed: observed)
      iterations += 1
      let newLoss =
        evidenceLowerBound(data, byTask: byTask, k: k, q: &q, priors: &priors, errors: errors)
        / Double(max(1, data.count))
      lastLoss = newLoss
      if newLoss - loss < options.tolerance {
        converged = true
        break
      }
      loss = newLoss
    }
    // Tally stores confusion as true → observed; crowd-kit's errors frame is observed → true.
    var confusion = [Double](repeating: 0, count: data.workerCount * k * k)
    for w in 0..<data.workerCount {
      for y in 0..<k {
        for c in 0..<k { confusion[(w * k + c) * k + y] = errors[(w * k + y) * k + c] }
      }
    }
    return DawidSkeneResult(
      posteriors: ClassPosteriors(classCount: k, probabilities: q), priors: priors, confusion: confusion,
      iterations: iterations, converged: converged, objective: lastLoss)
  }

  /// `probas.mean()`: the mean over the tasks that have judgments.
  static func meanRows(_ q: [Double], k: Int, tasks: [Bool], count: Double) -> [Double] {
    var priors = [Double](repeating: 0, count: k)
    for (t, has) in tasks.enumerated() where has {
      for c in 0..<k { priors[c] += q[t * k + c] }
    }
    return priors.map { $0 / count }
  }

  static func mStep(_ data: CategoricalJudgments, q: [Double], k: Int, observed: [Bool]) -> [Double] {
    var errors = [Double](repeating: 0, count: data.workerCount * k * k)
    for i in 0..<data.count {
      let t = Int(data.tasks[i])
      let row = (Int(data.workers[i]) * k + Int(data.labels[i])) * k
      for c in 0..<k { errors[row + c] += q[t * k + c] }
    }
    for w in 0..<data.workerCount {
      for y in 0..<k where observed[w * k + y] {
        for c in 0..<k { errors[(w * k + y) * k + c] = max(errors[(w * k + y) * k + c], epsilon) }
      }
      for c in 0..<k {
        var sum = 0.0
        for y in 0..<k where observed[w * k + y] { sum += errors[(w * k + y) * k + c] }
        guard sum > 0 else { continue }
        for y in 0..<k where observed[w * k + y] { errors[(w * k + y) * k + c] /= sum }
      }
    }
    return errors
  }

  static func eStep(
    _ data: CategoricalJudgments, byTask: Grouping, k: Int, priors: inout [Double], errors: [Double],
    q: inout [Double]
  ) {
    for c in 0..<k { priors[c] = max(priors[c], epsilon) }
    let logPriors = priors.map { Log.base2($0) }
    var scratch = [Double](repeating: 0, count: k)
    for t in 0..<data.taskCount {
      let items = byTask.items(of: t)
      if items.isEmpty { continue }
      for c in 0..<k { scratch[c] = 0 }
      for i in items {
        let row = (Int(data.workers[Int(i)]) * k + Int(data.labels[Int(i)])) * k
        for c in 0..<k { scratch[c] += Log.base2(errors[row + c]) }
      }
      for c in 0..<k { scratch[c] += logPriors[c] }
      var top = -Double.infinity
      for c in 0..<k where scratch[c] > top { top = scratch[c] }
      var sum = 0.0
      for c in 0..<k {
        scratch[c] = Log.exp2(scratch[c] - top)
        sum += scratch[c]
      }
      for c in 0..<k { q[t * k + c] = scratch[c] / sum }
    }
  }

  /// crowd-kit's `_evidence_lower_bound` (not yet divided by the number of rows); clips `q` and `priors` in
  /// place, as it does.
  static func evidenceLowerBound(
    _ data: CategoricalJudgments, byTask: Grouping, k: Int, q: inout [Double], priors: inout [Double],
    errors: [Double]
  ) -> Double {
    for c in 0..<k { priors[c] = max(priors[c], epsilon) }
    let logPriors = priors.map { Log.natural($0) }
    var joint = 0.0
    for i in 0..<data.count {
      let t = Int(data.tasks[i])
      let row = (Int(data.workers[i]) * k + Int(data.labels[i])) * k
      for c in 0..<k { joint += q[t * k + c] * (Log.natural(errors[row + c]) + logPriors[c]) }
    }
    var entropy = 0.0
    for t in 0..<data.taskCount where byTask.count(of: t) > 0 {
      for c in 0..<k {
        let p = max(q[t * k + c], epsilon)
        q[t * k + c] = p
        entropy -= Log.natural(p) * p
      }
    }
    return joint + entropy
  }
}
