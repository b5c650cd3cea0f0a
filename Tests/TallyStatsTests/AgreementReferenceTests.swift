import TallyJSON
import Testing

@testable import TallyStats

/// Agreement against the reference libraries on the committed reliability data (`References/agreement_*.json`,
/// made by `References/generate.py`): Krippendorff's α against the `krippendorff` package 0.9.0, Fleiss' κ
/// against statsmodels 0.15.0's `fleiss_kappa`, Cohen's κ against scikit-learn 1.5.2's `cohen_kappa_score`, all
/// to 1e-9; α over label sets with MASI and Jaccard distances through the package's callable metric.
@Suite struct AgreementReferenceTests {
  static let designs = ["nominal", "ratings", "perfect", "random", "complete"]

  /// Coders × units with missing values, as codes of the value domain.
  struct Reliability {
    var domain: [Double]
    var matrix: [[Int32?]]

    init(_ input: JSONObject) throws {
      domain = try input.array("value_domain").compactMap(\.doubleValue)
      let values = domain
      matrix = try input.array("matrix").map { row in
        guard let cells = row.arrayValue else { throw Reference.ReferenceError.missing("row") }
        return cells.map { cell in cell.doubleValue.flatMap { v in values.firstIndex(of: v).map(Int32.init) } }
      }
    }

    var units: [[Int32]] {
      (0..<(matrix.first?.count ?? 0)).map { u in matrix.compactMap { $0[u] } }
    }

    var judgments: CategoricalJudgments {
      var triples: [(Int, Int, Int)] = []
      for (coder, row) in matrix.enumerated() {
        for (unit, value) in row.enumerated() { if let value { triples.append((unit, coder, Int(value))) } }
      }
      return CategoricalJudgments(
        taskCount: matrix.first?.count ?? 0, workerCount: matrix.count, classCount: domain.count, triples: triples)
    }
  }

  func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 1e-9) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let a?, let b?): return a.isNaN ? b.isNaN : abs(a - b) < tolerance
    default: return false
    }
  }

  @Test(arguments: designs) func krippendorffsAlphaIsThePackages(name: String) throws {
    let file = try Reference.load("agreement_" + name)
    let data = try Reliability(try file.object("input"))
    let expected = try file.object("expected").object("krippendorff")
    let units = data.units
    #expect(units.count > 0)
    let v = data.domain.count
    let nominal = Krippendorff.alpha(units: units, valueCount: v, metric: .nominal).alpha
    let ordinal = Krippendorff.alpha(units: units, valueCount: v, metric: .ordinal).alpha
    let interval = Krippendorff.alpha(units: units, valueCount: v, metric: .interval, numbers: data.domain).alpha
    #expect(close(nominal, try expected.number("nominal")), "nominal \(nominal)")
    #expect(close(ordinal, try expected.number("ordinal")), "ordinal \(ordinal)")
    #expect(close(interval, try expected.number("interval")), "interval \(interval)")
    let perLabel = try expected.object("per_label")
    for (code, result) in Krippendorff.perValue(units: units, valueCount: v).enumerated() {
      let key = String(Int(data.domain[code]))
      guard let theirs = perLabel[key] else { continue }
      #expect(close(result.alpha.isNaN ? nil : result.alpha, theirs.doubleValue), "label \(key)")
    }
  }

  @Test func alphaIsOneForPerfectAgreementAndNearZeroByChance() throws {
    let perfect = try Reliability(try Reference.load("agreement_perfect").object("input"))
    #expect(Krippendorff.alpha(units: perfect.units, valueCount: perfect.domain.count).alpha == 1)
    let random = try Reliability(try Reference.load("agreement_random").object("input"))
    #expect(abs(Krippendorff.alpha(units: random.units, valueCount: random.domain.count).alpha) < 0.05)
  }

  @Test(arguments: designs) func fleissKappaIsStatsmodels(name: String) throws {
    let file = try Reference.load("agreement_" + name)
    let data = try Reliability(try file.object("input"))
    let expected = try file.object("expected").object("fleiss").object("by_ratings_per_item")
    let ours = Kappa.fleissByRatings(data.judgments)
    #expect(Set(ours.map { String($0.ratingsPerItem) }) == Set(expected.keys))
    for group in ours {
      let theirs = try expected.object(String(group.ratingsPerItem))
      #expect(group.items == Int(try theirs.number("items")))
      #expect(close(group.kappa, try theirs.optionalNumber("kappa")), "r = \(group.ratingsPerItem)")
    }
  }

  @Test(arguments: designs) func cohensKappaIsSklearns(name: String) throws {
    let file = try Reference.load("agreement_" + name)
    let data = try Reliability(try file.object("input"))
    let expected = try file.object("expected").object("cohen")
    let ours = Kappa.cohenAllPairs(data.judgments)
    let theirs = try expected.array("pairs").compactMap(\.objectValue)
    #expect(ours.count == theirs.count)
    for pair in theirs {
      let (a, b) = (Int(try pair.number("a")), Int(try pair.number("b")))
      let mine = ours.first { ($0.a, $0.b) == (a, b) || ($0.a, $0.b) == (b, a) }
      #expect(mine?.shared == Int(try pair.number("shared")))
      #expect(close(mine?.kappa, try pair.optionalNumber("kappa")), "pair \(a), \(b): \(String(describing: mine))")
    }
    let defined = ours.compactMap(\.kappa)
    if !defined.isEmpty {
      #expect(close(defined.reduce(0, +) / Double(defined.count), try expected.number("mean")))
    }
  }

  @Test(arguments: designs) func percentAgreementCountsWhatItUsed(name: String) throws {
    let file = try Reference.load("agreement_" + name)
    let data = try Reliability(try file.object("input"))
    let expected = try file.object("expected").object("percent_agreement")
    let ours = Kappa.percentAgreement(data.judgments)
    #expect(close(ours.agreement, try expected.number("value")))
    #expect(ours.tasks == Int(try expected.number("items")))
  }

  @Test func alphaOverLabelSetsWithMASIAndJaccard() throws {
    let file = try Reference.load("agreement_multilabel")
    let input = try file.object("input")
    let expected = try file.object("expected")
    let labels = try input.array("labels").compactMap(\.stringValue)
    // Each distinct set is a value; its distance to the others is computed here, not read from the file.
    var sets: [Set<Int>] = []
    var units: [[Int32]] = []
    let rows = try input.array("matrix").compactMap(\.arrayValue)
    let width = rows.first?.count ?? 0
    var coded: [[Int32?]] = rows.map { _ in [Int32?](repeating: nil, count: width) }
    for (c, row) in rows.enumerated() {
      for (u, cell) in row.enumerated() {
        guard let names = cell.arrayValue?.compactMap(\.stringValue) else { continue }
        let set = Set(names.compactMap { labels.firstIndex(of: $0) })
        if let known = sets.firstIndex(of: set) {
          coded[c][u] = Int32(known)
        } else {
          coded[c][u] = Int32(sets.count)
          sets.append(set)
        }
      }
    }
    for u in 0..<width { units.append(coded.compactMap { $0[u] }) }
    let k = sets.count
    func matrix(_ distance: (Set<Int>, Set<Int>) -> Double) -> [Double] {
      (0..<(k * k)).map { distance(sets[$0 / k], sets[$0 % k]) }
    }
    let masi = Krippendorff.alpha(units: units, valueCount: k, metric: .custom(matrix(SetDistance.masi))).alpha
    let jaccard = Krippendorff.alpha(units: units, valueCount: k, metric: .custom(matrix(SetDistance.jaccard))).alpha
    let nominal = Krippendorff.alpha(units: units, valueCount: k, metric: .nominal).alpha
    #expect(close(masi, try expected.number("masi")), "\(masi)")
    #expect(close(jaccard, try expected.number("jaccard")), "\(jaccard)")
    #expect(close(nominal, try expected.number("nominal")), "\(nominal)")
  }
}
