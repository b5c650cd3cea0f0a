import ArgumentParser
import TallyCore
import TallyStore
import TallyUI

/// `tally status`: the shared-out work, per annotator.
struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Per annotator: tasks assigned, done and remaining (as far as this machine knows since its last "
      + "sync), and the tasks waiting for more answers.")

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    guard let config = loaded.config.assignment else {
      StandardError.print(
        "tally status: \(Path.display(loaded.configPath)) shares no work out (no `assignment:`)\n  fix: add "
          + "`assignment:` with `annotators: [...]` and `overlap: k`, or see `tally quality` for per-annotator figures")
      throw ExitCode(2)
    }
    let dataset: Dataset
    do {
      dataset = try Dataset(path: loaded.dataPath, spec: DataSpec(loaded.config))
    } catch {
      StandardError.print("tally status: \(error)")
      throw ExitCode(1)
    }
    guard let status = AssignmentStatus.make(project: loaded, dataset: dataset) else { return }
    print(
      "\(loaded.config.name): \(status.tasks) tasks, each for \(config.overlap) of \(config.annotators.count) annotators"
        + (config.maxOverlap.map {
          ", up to \($0) while the answers agree less than \(Int(config.minConfidence * 100))%"
        }
          ?? ""))
    let rows = status.rows.map { ["\($0.annotator)", "\($0.assigned)", "\($0.done)", "\($0.remaining)"] }
    for line in Charts.table(
      header: ["annotator", "assigned", "done", "remaining"], rows: rows, rightAligned: [1, 2, 3])
    {
      print(line.plainText)
    }
    print(
      "\(status.waiting) tasks waiting for answers"
        + (status.extra > 0 ? " (\(status.extra) asking for more than \(config.overlap): their answers disagree)" : ""))
  }
}
