/// Cohen's κ for one pair of annotators.
public struct PairKappa: Sendable, Equatable {
  public var a: Int
  public var b: Int
  /// Items both labeled.
  public var shared: Int
  /// nil where κ is undefined: both gave one and the same label on every shared item (chance agreement 1).
  public var kappa: Double?
  /// Share of shared items on which they agree.
  public var agreement: Double
}

/// Fleiss' κ over the items that have exactly one number of ratings.
public struct FleissKappa: Sendable, Equatable {
  public var ratingsPerItem: Int
  public var items: Int
  /// nil where undefined (every rating the same category).
  public var kappa: Double?
}

/// Chance-corrected agreement: Cohen's κ for every pair of annotators and Fleiss' κ by ratings per item (equal
/// to sklearn's `cohen_kappa_score` and statsmodels' `fleiss_kappa`), and plain percent agreement.
public enum Kappa {
  /// Cohen's κ for every pair of workers that share at least one task, from one judgment per (task, worker)
  /// (the last one in `data` when there are several). Pairs are in (a, b) order with a < b.
  public static func cohenAllPairs(_ data: CategoricalJudgments) -> [PairKappa] {
    let k = data.classCount
    let single = lastPerTaskWorker(data)
    let byTask = single.byTask()
    var index: [Int64: Int] = [:]
    var keys: [(Int32, Int32)] = []
    var cells: [Int32] = []
    var members: [(worker: Int32, label: Int32)] = []
    for t in 0..<single.taskCount {
      members.removeAll(keepingCapacity: true)
      for i in byTask.items(of: t) { members.append((single.workers[Int(i)], single.labels[Int(i)])) }
      guard members.count >= 2 else { continue }
      members.sort { $0.worker < $1.worker }
      for x in 0..<(members.count - 1) {
        for y in (x + 1)..<members.count {
          let key = Int64(members[x].worker) << 32 | Int64(members[y].worker)
          let slot: Int
          if let found = index[key] {
            slot = found
          } else {
            slot = keys.count
            index[key] = slot
            keys.append((members[x].worker, members[y].worker))
            cells.append(contentsOf: repeatElement(0, count: k * k))
          }
          cells[slot * k * k + Int(members[x].label) * k + Int(members[y].label)] += 1
        }
      }
    }
    var pairs: [PairKappa] = []
    pairs.reserveCapacity(keys.count)
    for (slot, key) in keys.enumerated() {
      let base = slot * k * k
      var n = 0.0
      var diagonal = 0.0
      var rows = [Double](repeating: 0, count: k)
      var columns = [Double](repeating: 0, count: k)
      for i in 0..<k {
        for j in 0..<k {
          let c = Double(cells[base + i * k + j])
          n += c
          rows[i] += c
          columns[j] += c
          if i == j { diagonal += c }
        }
      }
      let observed = diagonal / n
      var chance = 0.0
      for i in 0..<k { chance += rows[i] * columns[i] }
      chance /= n * n
      let kappa: Double? = chance == 1 ? nil : (observed - chance) / (1 - chance)
      pairs.append(PairKappa(a: Int(key.0), b: Int(key.1), shared: Int(n), kappa: kappa, agreement: observed))
    }
    pairs.sort { ($0.a, $0.b) < ($1.a, $1.b) }
    return pairs
  }

  /// Fleiss' κ for each number of ratings r ≥ 2 that at least two items have, over those items.
  public static func fleissByRatings(_ data: CategoricalJudgments) -> [FleissKappa] {
    let k = data.classCount
    let counts = data.voteCounts()
    var byRatings: [Int: [Int]] = [:]
    for t in 0..<data.taskCount {
      let r = Int((0..<k).reduce(0.0) { $0 + counts[t * k + $1] })
      if r >= 2 { byRatings[r, default: []].append(t) }
    }
    return byRatings.keys.sorted().compactMap { r in
      guard let items = byRatings[r], items.count >= 2 else { return nil }
      return FleissKappa(
        ratingsPerItem: r, items: items.count, kappa: fleiss(items.map { t in (0..<k).map { counts[t * k + $0] } }))
    }
  }

  /// Fleiss' κ of an items × categories table whose rows all sum to the same n (statsmodels'
  /// `fleiss_kappa(table, method="fleiss")`); nil where chance agreement is 1.
  public static func fleiss(_ table: [[Double]]) -> Double? {
    guard let first = table.first else { return nil }
    let n = first.reduce(0, +)
    let items = Double(table.count)
    var shares = [Double](repeating: 0, count: first.count)
    var observed = 0.0
    for row in table {
      var squares = 0.0
      for (j, value) in row.enumerated() {
        shares[j] += value
        squares += value * value
      }
      observed += (squares - n) / (n * (n - 1))
    }
    observed /= items
    let chance = shares.reduce(0) { $0 + ($1 / (items * n)) * ($1 / (items * n)) }
    return chance == 1 ? nil : (observed - chance) / (1 - chance)
  }

  /// The mean over tasks with at least two judgments of the share of agreeing pairs among their judgments (the
  /// observed agreement of Fleiss' κ), and how many tasks it used.
  public static func percentAgreement(_ data: CategoricalJudgments) -> (agreement: Double, tasks: Int) {
    let k = data.classCount
    let counts = data.voteCounts()
    var total = 0.0
    var used = 0
    for t in 0..<data.taskCount {
      var n = 0.0
      var same = 0.0
      for c in 0..<k {
        let x = counts[t * k + c]
        n += x
        same += x * (x - 1)
      }
      guard n >= 2 else { continue }
      total += same / (n * (n - 1))
      used += 1
    }
    return (used > 0 ? total / Double(used) : .nan, used)
  }

  /// One judgment per (task, worker): the last one given.
  static func lastPerTaskWorker(_ data: CategoricalJudgments) -> CategoricalJudgments {
    var last: [Int64: Int] = [:]
    last.reserveCapacity(data.count)
    var duplicate = false
    for i in 0..<data.count {
      let key = Int64(data.tasks[i]) * Int64(data.workerCount) + Int64(data.workers[i])
      if last.updateValue(i, forKey: key) != nil { duplicate = true }
    }
    guard duplicate else { return data }
    let keep = last.values.sorted()
    return data.permuted(keep)
  }
}
