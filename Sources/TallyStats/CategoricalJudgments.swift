/// Categorical judgments as small integer codes: judgment `i` says worker `workers[i]` gave task `tasks[i]` the
/// label `labels[i]`. Codes run from 0; names live outside this module (the store and the commands map them).
/// Class codes are expected in the order results should break ties in (Tally sorts label names by Unicode code
/// point, as crowd-kit does).
public struct CategoricalJudgments: Sendable, Equatable {
  public var taskCount: Int
  public var workerCount: Int
  public var classCount: Int
  public var tasks: [Int32]
  public var workers: [Int32]
  public var labels: [Int32]

  public init(taskCount: Int, workerCount: Int, classCount: Int, tasks: [Int32], workers: [Int32], labels: [Int32]) {
    precondition(tasks.count == workers.count && workers.count == labels.count, "judgment arrays differ in length")
    self.taskCount = taskCount
    self.workerCount = workerCount
    self.classCount = classCount
    self.tasks = tasks
    self.workers = workers
    self.labels = labels
  }

  /// Judgments as (task, worker, label) triples.
  public init(taskCount: Int, workerCount: Int, classCount: Int, triples: [(Int, Int, Int)]) {
    self.init(
      taskCount: taskCount, workerCount: workerCount, classCount: classCount, tasks: triples.map { Int32($0.0) },
      workers: triples.map { Int32($0.1) }, labels: triples.map { Int32($0.2) })
  }

  public var count: Int { tasks.count }

  /// The judgments grouped by task.
  public func byTask() -> Grouping { Grouping(keys: tasks, keyCount: taskCount) }

  /// The judgments grouped by worker.
  public func byWorker() -> Grouping { Grouping(keys: workers, keyCount: workerCount) }

  /// Votes per task and class (tasks × classes, row-major).
  public func voteCounts() -> [Double] {
    var counts = [Double](repeating: 0, count: taskCount * classCount)
    for i in 0..<count { counts[Int(tasks[i]) * classCount + Int(labels[i])] += 1 }
    return counts
  }

  /// The same judgments in another order (for invariance checks).
  public func permuted(_ order: [Int]) -> CategoricalJudgments {
    CategoricalJudgments(
      taskCount: taskCount, workerCount: workerCount, classCount: classCount, tasks: order.map { tasks[$0] },
      workers: order.map { workers[$0] }, labels: order.map { labels[$0] })
  }
}

/// Items grouped by a key, compressed: the items of key `k` are `items[start[k]..<start[k + 1]]`, in their
/// original order.
public struct Grouping: Sendable, Equatable {
  public var start: [Int32]
  public var items: [Int32]

  /// Groups the indices `0..<keys.count` by `keys[i]` (a counting sort: linear time).
  public init(keys: [Int32], keyCount: Int) {
    var start = [Int32](repeating: 0, count: keyCount + 1)
    for key in keys { start[Int(key) + 1] += 1 }
    for k in 0..<keyCount { start[k + 1] += start[k] }
    var next = start
    var items = [Int32](repeating: 0, count: keys.count)
    for (i, key) in keys.enumerated() {
      items[Int(next[Int(key)])] = Int32(i)
      next[Int(key)] += 1
    }
    self.start = start
    self.items = items
  }

  public var keyCount: Int { start.count - 1 }

  /// The item indices of key `k`.
  public func items(of k: Int) -> ArraySlice<Int32> { items[Int(start[k])..<Int(start[k + 1])] }

  public func count(of k: Int) -> Int { Int(start[k + 1] - start[k]) }
}

/// Class probabilities per task, with the most probable class (ties to the lowest class code; -1 for a task
/// without judgments).
public struct ClassPosteriors: Sendable, Equatable {
  public var classCount: Int
  /// Tasks × classes, row-major.
  public var probabilities: [Double]
  public var labels: [Int32]

  public init(classCount: Int, probabilities: [Double]) {
    self.classCount = classCount
    self.probabilities = probabilities
    let tasks = classCount > 0 ? probabilities.count / classCount : 0
    labels = (0..<tasks).map { t in
      var best: Int32 = -1
      var bestValue = -Double.infinity
      for c in 0..<classCount {
        let p = probabilities[t * classCount + c]
        // Strictly greater: an exact tie keeps the lower class (as pandas' idxmax).
        if p > bestValue {
          bestValue = p
          best = Int32(c)
        }
      }
      return bestValue > 0 ? best : -1
    }
  }

  public var taskCount: Int { labels.count }

  public func row(_ task: Int) -> ArraySlice<Double> {
    probabilities[(task * classCount)..<((task + 1) * classCount)]
  }

  /// The probability of the chosen class (0 for a task without judgments).
  public func confidence(_ task: Int) -> Double {
    let label = labels[task]
    return label >= 0 ? probabilities[task * classCount + Int(label)] : 0
  }

  /// Shannon entropy of a task's distribution, in bits (for "most uncertain first").
  public func entropy(_ task: Int) -> Double {
    row(task).reduce(0) { $0 - ($1 > 0 ? $1 * Log.base2($1) : 0) }
  }
}
