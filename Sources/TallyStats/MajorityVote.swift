/// Majority vote, as crowd-kit's `MajorityVote`: a task's probabilities are its vote shares, and an exact tie
/// goes to the lowest class code (the label that sorts first).
public enum MajorityVote {
  /// Vote shares per task; with `weights` (one per worker), weighted vote shares. A task whose voters all weigh
  /// nothing gets its plain vote shares.
  public static func fit(_ data: CategoricalJudgments, weights: [Double]? = nil) -> ClassPosteriors {
    let k = data.classCount
    var scores = [Double](repeating: 0, count: data.taskCount * k)
    var plain = [Double](repeating: 0, count: data.taskCount * k)
    for i in 0..<data.count {
      let cell = Int(data.tasks[i]) * k + Int(data.labels[i])
      plain[cell] += 1
      scores[cell] += weights.map { $0[Int(data.workers[i])] } ?? 1
    }
    for t in 0..<data.taskCount {
      var total = 0.0
      for c in 0..<k { total += scores[t * k + c] }
      if total <= 0 {
        // Nobody with weight voted: fall back to the plain shares.
        for c in 0..<k { scores[t * k + c] = plain[t * k + c] }
        total = (0..<k).reduce(0) { $0 + plain[t * k + $1] }
      }
      guard total > 0 else { continue }
      for c in 0..<k { scores[t * k + c] /= total }
    }
    return ClassPosteriors(classCount: k, probabilities: scores)
  }

  /// Each worker's share of judgments that agree with `labels` (tasks without a label left out), counting
  /// repeated identical judgments once, as crowd-kit's `get_accuracy`. A worker with nothing to compare gets
  /// NaN.
  public static func accuracy(_ data: CategoricalJudgments, against labels: [Int32]) -> [Double] {
    var right = [Double](repeating: 0, count: data.workerCount)
    var total = [Double](repeating: 0, count: data.workerCount)
    // A (task, worker, label) given twice counts once, as crowd-kit drops duplicate rows: found within each
    // task's few judgments, which is cheaper than one big set.
    let byTask = data.byTask()
    for task in 0..<data.taskCount where labels[task] >= 0 {
      let items = byTask.items(of: task)
      var seen = Set<Int64>()  // for tasks with many judgments only
      for (n, i) in items.enumerated() {
        let (worker, label) = (data.workers[Int(i)], data.labels[Int(i)])
        var repeated = false
        if items.count > 32 {
          repeated = !seen.insert(Int64(worker) << 32 | Int64(label)).inserted
        } else {
          for earlier in items.prefix(n)
          where data.workers[Int(earlier)] == worker && data.labels[Int(earlier)] == label {
            repeated = true
            break
          }
        }
        if repeated { continue }
        total[Int(worker)] += 1
        if label == labels[task] { right[Int(worker)] += 1 }
      }
    }
    return (0..<data.workerCount).map { total[$0] > 0 ? right[$0] / total[$0] : .nan }
  }
}

/// Wawa ("worker agreement with aggregate"), as crowd-kit's `Wawa`: each worker's skill is their agreement with
/// the majority vote, and the labels are the skill-weighted vote.
public enum Wawa {
  public static func fit(_ data: CategoricalJudgments) -> (posteriors: ClassPosteriors, skills: [Double]) {
    let majority = MajorityVote.fit(data)
    let skills = MajorityVote.accuracy(data, against: majority.labels)
    let weights = skills.map { $0.isNaN ? 0 : $0 }
    return (MajorityVote.fit(data, weights: weights), skills)
  }
}
