import ArgumentParser
import TallyCore
import TallyJSON
import TallyStore

/// Hidden: appends N records to a log as fast as it can. Used by tests to prove two processes can write
/// one log at once without tearing or losing records.
struct StressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log-stress", abstract: "Append test records to a label log (for tests).", shouldDisplay: false)

  @Option var log: String
  @Option var annotator: String
  @Option var count: Int = 100

  func run() throws {
    let writer = try LabelLogWriter(path: log)
    for i in 0..<count {
      let now = Clock.now()
      try writer.append(
        LabelRecord(
          id: RecordIDs.make(time: now), type: .answer, task: "task-\(i)", annotator: annotator,
          answers: JSONObject([("label", .string("x\(i)"))]), submittedAt: now, tool: "tally-test"))
    }
  }
}
