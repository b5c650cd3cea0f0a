import TallyJSON
import Testing

@testable import TallyStats

/// Bradley–Terry against choix 0.4.1's `ilsr_pairwise` (numpy 2.0.2, scipy 1.17.1) on the committed comparisons
/// (`References/bt_*.json`, made by `References/generate.py`): centred log-strengths to 1e-6 with ties dropped
/// and with ties as half a win each way (given to choix as a double-weighted decisive comparison plus one each
/// way per tie); position bias against the left-side share and a maximum-likelihood home-advantage fit made with
/// scipy.
@Suite struct BradleyTerryReferenceTests {
  static let designs = ["basic", "ties", "left_bias", "sparse"]

  struct Design {
    var items: [String]
    var comparisons: [Comparison]

    init(_ input: JSONObject) throws {
      items = try input.array("items").compactMap(\.stringValue)
      let names = items
      comparisons = try input.array("comparisons").map { row in
        guard let parts = row.arrayValue?.compactMap(\.stringValue), parts.count == 3,
          let l = names.firstIndex(of: parts[0]), let r = names.firstIndex(of: parts[1])
        else { throw Reference.ReferenceError.missing("comparison") }
        let outcome: Comparison.Outcome = parts[2] == "left" ? .left : parts[2] == "right" ? .right : .tie
        return Comparison(left: Int32(l), right: Int32(r), outcome: outcome)
      }
    }
  }

  func worst(_ ours: [Double], _ theirs: JSONObject, _ items: [String]) throws -> Double {
    try zip(ours, items).reduce(0) { max($0, abs($1.0 - (try theirs.number($1.1)))) }
  }

  @Test(arguments: designs) func logStrengthsAreChoixs(name: String) throws {
    let file = try Reference.load("bt_" + name)
    let design = try Design(try file.object("input"))
    let expected = try file.object("expected")
    #expect(design.comparisons.count > 0)
    let drop = BradleyTerry.fit(design.comparisons, items: design.items.count, ties: .drop)
    let half = BradleyTerry.fit(design.comparisons, items: design.items.count, ties: .half)
    #expect(drop.converged && half.converged)
    let dropError = try worst(drop.logStrengths, try expected.object("choix_ilsr_drop"), design.items)
    let halfError = try worst(half.logStrengths, try expected.object("choix_ilsr_half"), design.items)
    #expect(dropError < 1e-6, "drop: \(dropError)")
    #expect(halfError < 1e-6, "half: \(halfError)")
    for (key, counts) in [("wins", drop.wins), ("losses", drop.losses), ("ties", drop.ties)] {
      let theirs = try expected.object(key)
      #expect(try zip(counts, design.items).allSatisfy { Double($0.0) == (try theirs.number($0.1)) }, "\(key)")
    }
  }

  @Test func positionBiasIsTheLeftShareAndTheHomeAdvantageMLE() throws {
    let file = try Reference.load("bt_left_bias")
    let design = try Design(try file.object("input"))
    let expected = try file.object("expected")
    let bias = BradleyTerry.positionBias(design.comparisons, items: design.items.count)
    #expect(abs(bias.leftShare - (try expected.number("left_share"))) < 1e-12)
    // scipy's BFGS stops at a gradient of ~1e-6; the MM fit here converges further.
    #expect(abs(bias.logAdvantage - (try expected.number("home_advantage"))) < 1e-4, "\(bias.logAdvantage)")
    #expect(bias.logAdvantage > 0.2 && bias.logAdvantage < 0.6)  // the design's advantage is 0.4
  }
}
