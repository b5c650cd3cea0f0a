import Testing

@testable import TallyCore

/// Rendezvous assignment: exact overlap, even load, minimal movement when the team grows, dynamic overlap.
@Suite struct AssignmentTests {
  static let tasks = (0..<10_000).map { "task-\($0)" }

  func assignees(_ annotators: [String], overlap: Int, task: String) -> [String] {
    Array(Assignment.ranking(task: task, annotators: annotators, seed: 7).prefix(overlap))
  }

  @Test func fiveAnnotatorsOverlapThreeTenThousandTasks() {
    let team = ["ana", "ben", "cy", "dee", "eli"]
    let config = AssignmentConfig(annotators: team, overlap: 3)
    var load: [String: Int] = [:]
    for task in Self.tasks {
      let chosen = team.filter {
        Assignment.isAssigned(task: task, to: $0, config: config, seed: 7, answersByOthers: 0, confidence: nil)
      }
      #expect(chosen.count == 3)
      #expect(Set(chosen) == Set(assignees(team, overlap: 3, task: task)))
      for name in chosen { load[name, default: 0] += 1 }
    }
    // 30,000 assignments, 6,000 each on average: within 5% of each other.
    let loads = team.map { load[$0] ?? 0 }
    #expect(loads.reduce(0, +) == 30_000)
    let (low, high) = (loads.min() ?? 0, loads.max() ?? 0)
    #expect(Double(high) / Double(low) < 1.05, "\(loads)")
  }

  @Test func aSixthAnnotatorMovesAboutOneSixthOfTheAssignments() {
    let five = ["ana", "ben", "cy", "dee", "eli"]
    let six = five + ["fay"]
    var moved = 0
    var toNewcomer = 0
    for task in Self.tasks {
      let before = Set(assignees(five, overlap: 3, task: task))
      let after = Set(assignees(six, overlap: 3, task: task))
      let gone = before.subtracting(after)
      moved += gone.count
      toNewcomer += after.subtracting(before).filter { $0 == "fay" }.count
      // Only the newcomer gains: nobody else's tasks change hands among the old team.
      #expect(after.subtracting(before).isSubset(of: ["fay"]))
    }
    let share = Double(moved) / 30_000
    #expect(abs(share - 1.0 / 6) < 0.01, "\(share)")
    #expect(toNewcomer == moved)
  }

  @Test func everyMachineComputesTheSameAssignment() {
    let team = ["ana", "ben", "cy"]
    // Order of the list does not matter, only the names and the seed.
    for task in Self.tasks.prefix(500) {
      #expect(
        Assignment.ranking(task: task, annotators: team, seed: 3)
          == Assignment.ranking(task: task, annotators: team.reversed(), seed: 3))
    }
    #expect(
      Self.tasks.prefix(200).map { Assignment.ranking(task: $0, annotators: team, seed: 3) }
        != Self.tasks.prefix(200).map { Assignment.ranking(task: $0, annotators: team, seed: 4) })
  }

  @Test func dynamicOverlapAsksOneMoreWhileTheAnswersDisagree() {
    var config = AssignmentConfig(annotators: ["a", "b", "c", "d", "e"], overlap: 2)
    config.maxOverlap = 4
    config.minConfidence = 0.7
    #expect(Assignment.wanted(config, answers: 0, confidence: nil) == 2)
    #expect(Assignment.wanted(config, answers: 1, confidence: 1) == 2)
    #expect(Assignment.wanted(config, answers: 2, confidence: 0.5) == 3)  // 1 vs 1: one more
    #expect(Assignment.wanted(config, answers: 2, confidence: 1) == 2)  // agreed: done
    #expect(Assignment.wanted(config, answers: 3, confidence: 0.67) == 4)
    #expect(Assignment.wanted(config, answers: 4, confidence: 0.5) == 2)  // at max_overlap: no more
    // The third in the task's rendezvous order gets it once the first two disagree, and nobody else does.
    let task = "t-42"
    let order = Assignment.ranking(task: task, annotators: config.annotators, seed: 1)
    func gets(_ name: String, others: Int, confidence: Double?) -> Bool {
      Assignment.isAssigned(
        task: task, to: name, config: config, seed: 1, answersByOthers: others, confidence: confidence)
    }
    #expect(!gets(order[2], others: 2, confidence: 1))
    #expect(gets(order[2], others: 2, confidence: 0.5))
    #expect(!gets(order[3], others: 2, confidence: 0.5))
    // A task that has its answers is passed over, even by its assignees.
    #expect(!gets(order[0], others: 2, confidence: 1))
  }
}
