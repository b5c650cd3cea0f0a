import TallyCore
import Testing

@testable import TallyUI

@Suite struct LabelQueueTests {
  @Test func theQueueKeepsTheSharePutsSentBackTasksFirstAndMixesGoldAfterThem() {
    let permutation: [Int32] = [4, 0, 3, 1, 2, 5]
    // Assignment: only the even data indices; 2 and 4 were sent back.
    let queue = LabelQueue.build(permutation: permutation, keep: { $0 % 2 == 0 }, first: [2])
    #expect(queue == [2, 4, 0])
    #expect(LabelQueue.build(permutation: permutation) == permutation)
    // Gold goes after data tasks (never first), each once, the same for the same seed and annotator.
    let mixed = LabelQueue.build(
      permutation: Array(0..<200), first: [150], goldCount: 5, goldRate: 0.2, seed: 7, annotator: "ana")
    #expect(mixed.first == 150)
    #expect(mixed.filter { $0 < 0 }.sorted() == [-5, -4, -3, -2, -1])
    #expect(mixed.filter { $0 >= 0 }.count == 200)
    #expect(
      mixed
        == LabelQueue.build(
          permutation: Array(0..<200), first: [150], goldCount: 5, goldRate: 0.2, seed: 7, annotator: "ana"))
    #expect(
      mixed
        != LabelQueue.build(
          permutation: Array(0..<200), first: [150], goldCount: 5, goldRate: 0.2, seed: 7, annotator: "ben"))
  }

  @Test func loadRequestsResolveToTheRightPosition() {
    // Positions 0…5: 1 and 3 answered, 2 skipped; 5 unreadable (never open).
    let answered: Set<Int> = [1, 3]
    let skipped: Set<Int> = [2]
    let unreadable: Set<Int> = [5]
    func open(_ p: Int) -> Bool { !answered.contains(p) && !skipped.contains(p) && !unreadable.contains(p) }
    func resolve(_ r: LoadRequest, anySkipped: Bool = true) -> Int? {
      LabelQueue.resolve(r, count: 6, isOpen: open, isSkipped: { skipped.contains($0) }, anySkipped: anySkipped)
    }
    #expect(resolve(.nextUnhandled(from: 0)) == 0)
    #expect(resolve(.nextUnhandled(from: 1)) == 4)
    #expect(resolve(.nextUnhandled(from: 5)) == nil)  // the end
    #expect(resolve(.exact(3)) == 3)
    #expect(resolve(.exact(-2)) == 0)
    #expect(resolve(.exact(6)) == nil)
    #expect(resolve(.firstSkipped) == 2)
    #expect(resolve(.firstSkipped, anySkipped: false) == nil)
    #expect(resolve(.nextSkipped(from: 3)) == 0)  // no skip after 3: the first open task
    #expect(resolve(.nextSkipped(from: 0)) == 2)
  }
}
