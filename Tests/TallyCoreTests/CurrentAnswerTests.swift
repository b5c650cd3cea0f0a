import Testing

@testable import TallyCore

/// The one rule for the current answer: the supersedes chain first, then time, then id; what is left over is a
/// conflict.
@Suite struct CurrentAnswerTests {
  func v(_ id: String, _ time: Double, supersedes: String? = nil) -> RecordVersion {
    RecordVersion(id: id, supersedes: supersedes, submittedAt: time)
  }

  @Test func aChainEndsAtItsLastEditWhateverTheOrderAndTheClocks() {
    // a ← b ← c, read in every order, and with c stamped earlier than a (a machine's clock was behind).
    let versions = [v("a", 10), v("b", 20, supersedes: "a"), v("c", 5, supersedes: "b")]
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]] {
      let shuffled = order.map { versions[$0] }
      let (current, concurrent) = CurrentAnswer.resolve(shuffled)
      #expect(shuffled[current].id == "c")
      #expect(concurrent.isEmpty)
    }
  }

  @Test func recordsThatDoNotSupersedeEachOtherAreAConflictTheLaterOneCounts() {
    // Two first answers (two sessions), and two edits of one answer (two machines).
    let firsts = [v("x2", 30), v("x1", 20)]
    let (current, concurrent) = CurrentAnswer.resolve(firsts)
    #expect(firsts[current].id == "x2" && concurrent.map { firsts[$0].id } == ["x1"])
    let edits = [v("a", 1), v("b", 5, supersedes: "a"), v("c", 4, supersedes: "a")]
    let resolved = CurrentAnswer.resolve(edits)
    #expect(edits[resolved.current].id == "b")
    #expect(resolved.concurrent.map { edits[$0].id } == ["c"])
    // The same time: the larger id.
    let tie = [v("r-1", 7), v("r-2", 7)]
    #expect(tie[CurrentAnswer.resolve(tie).current].id == "r-2")
  }

  @Test func aCycleFallsBackToTimeAndIsAConflict() {
    let cycle = [v("a", 1, supersedes: "b"), v("b", 2, supersedes: "a")]
    let (current, concurrent) = CurrentAnswer.resolve(cycle)
    #expect(cycle[current].id == "b")
    #expect(concurrent.count == 1)
  }

  @Test func taskKeysKeepGoldApart() {
    #expect(TaskKey("t1") != TaskKey("t1", gold: true))
    #expect(TaskKey("t1") == "t1")
    #expect(
      [TaskKey("b"), TaskKey("a", gold: true), TaskKey("a")].sorted() == [
        TaskKey("a"), TaskKey("b"), TaskKey("a", gold: true),
      ])
  }
}
