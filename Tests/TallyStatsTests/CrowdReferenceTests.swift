import TallyJSON
import Testing

@testable import TallyStats

/// Aggregation against crowd-kit 1.4.2 (pandas 2.3.3, numpy 2.0.2) on the committed synthetic crowds
/// (`References/crowd_*.json`, made by `References/generate.py`): majority vote and Wawa exactly, Dawid–Skene
/// in its crowd-kit compatible form to 1e-6, GLAD and MACE (whose optimisers differ) in the labels they pick and
/// the accuracy they reach against the known truth.
@Suite struct CrowdReferenceTests {
  static let crowds = ["basic", "spammers", "sparse", "unicode", "allsame"]

  func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
  }

  func agreement(_ a: [Int32], _ b: [Int32]) -> Double {
    Double(zip(a, b).filter { $0 == $1 }.count) / Double(max(1, a.count))
  }

  @Test(arguments: crowds) func majorityVoteIsCrowdKits(name: String) throws {
    let file = try Reference.load("crowd_" + name)
    let crowd = try ReferenceCrowd(try file.object("input"))
    let expected = try file.object("expected").object("mv")
    let fit = MajorityVote.fit(crowd.data)
    // Ties go to the label first in code-point order, as crowd-kit's.
    #expect(fit.labels == crowd.labelCodes(try expected.object("labels")))
    #expect(maxDifference(fit.probabilities, crowd.probabilities(try expected.object("proba"))) < 1e-12)
  }

  @Test(arguments: crowds) func wawaIsCrowdKits(name: String) throws {
    let file = try Reference.load("crowd_" + name)
    let crowd = try ReferenceCrowd(try file.object("input"))
    let expected = try file.object("expected").object("wawa")
    let (posteriors, skills) = Wawa.fit(crowd.data)
    #expect(posteriors.labels == crowd.labelCodes(try expected.object("labels")))
    #expect(maxDifference(posteriors.probabilities, crowd.probabilities(try expected.object("proba"))) < 1e-12)
    let expectedSkills = try crowd.workers.map { try expected.object("skills").number($0) }
    #expect(maxDifference(skills, expectedSkills) < 1e-12)
  }

  @Test(arguments: crowds) func dawidSkeneCompatibleIsCrowdKits(name: String) throws {
    let file = try Reference.load("crowd_" + name)
    let crowd = try ReferenceCrowd(try file.object("input"))
    let expected = try file.object("expected").object("ds")
    let fit = DawidSkene.fit(crowd.data, options: .crowdKit)
    #expect(fit.posteriors.labels == crowd.labelCodes(try expected.object("labels")))
    #expect(maxDifference(fit.posteriors.probabilities, crowd.probabilities(try expected.object("proba"))) < 1e-6)
    let priors = try crowd.labels.map { try expected.object("priors").number($0) }
    #expect(maxDifference(fit.priors, priors) < 1e-6)
    // errors: worker → true → observed; labels a worker never gave are absent there and 0 here.
    let k = crowd.labels.count
    let errors = try expected.object("errors")
    var worst = 0.0
    for (w, worker) in crowd.workers.enumerated() {
      for (t, truth) in crowd.labels.enumerated() {
        for (o, observed) in crowd.labels.enumerated() {
          let theirs = errors[worker]?.objectValue?[truth]?.objectValue?[observed]?.doubleValue ?? 0
          worst = max(worst, abs(fit.confusion[(w * k + t) * k + o] - theirs))
        }
      }
    }
    #expect(worst < 1e-6)
  }

  @Test(arguments: crowds) func gladMaceAndTallysDawidSkeneAgreeWithCrowdKit(name: String) throws {
    let file = try Reference.load("crowd_" + name)
    let crowd = try ReferenceCrowd(try file.object("input"))
    let expected = try file.object("expected")
    let truthAccuracy = try expected.object("accuracy_vs_truth")
    var gladOptions = GLADOptions()
    gladOptions.maxIterations = 100
    gladOptions.tolerance = 1e-5
    let glad = GLAD.fit(crowd.data, options: gladOptions)
    var maceOptions = MACEOptions()
    maceOptions.restarts = 10
    maceOptions.iterations = 50
    let mace = MACE.fit(crowd.data, options: maceOptions)
    // Tally's own Dawid–Skene (the default: a log-likelihood convergence test) against crowd-kit's too.
    let ds = DawidSkene.fit(crowd.data).posteriors.labels
    for (method, labels) in [("glad", glad.posteriors.labels), ("mace", mace.posteriors.labels), ("ds", ds)] {
      let theirs = crowd.labelCodes(try expected.object(method).object("labels"))
      // The same labels but for a few close calls, and as accurate against the truth.
      #expect(agreement(labels, theirs) >= 0.9, "\(method) on \(name): \(agreement(labels, theirs))")
      let ours = agreement(labels, crowd.truth)
      #expect(ours >= (try truthAccuracy.number(method)) - 0.05, "\(method) on \(name): \(ours)")
    }
  }

  @Test func spammersAndTheAdversaryAreFound() throws {
    // The spammers crowd: w07, w08 answer at random, w09 always "cat", w10 is an adversary.
    let file = try Reference.load("crowd_spammers")
    let crowd = try ReferenceCrowd(try file.object("input"))
    let fit = DawidSkene.fit(crowd.data)
    let k = crowd.labels.count
    func diagonal(_ worker: String) -> Double {
      guard let w = crowd.workers.firstIndex(of: worker) else { return .nan }
      var sum = 0.0
      for c in 0..<k { sum += fit.confusion[(w * k + c) * k + c] }
      return sum / Double(k)
    }
    let good = (1...6).map { diagonal("w0\($0)") }
    #expect(good.allSatisfy { $0 > 0.7 }, "\(good)")
    #expect(diagonal("w10") < 0.2)
    let majority = try file.object("expected").object("accuracy_vs_truth").number("mv")
    #expect(accuracy(fit.posteriors.labels, crowd.truth) >= majority)
  }
}
