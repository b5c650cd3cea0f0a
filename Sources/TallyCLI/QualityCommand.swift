import ArgumentParser
import TallyCore
import TallyJSON
import TallyStore

/// `tally quality`: per-annotator quality figures from the label logs, as a table or JSON.
struct QualityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quality",
    abstract:
      "Per annotator: labels, active time, too-fast share, gold accuracy, straight-line runs, pauses and exams."
  )

  @Argument(help: "The project folder or its tally.yaml (for a quick start: the <data>.tally folder or the data file).")
  var project: String

  @Flag(help: "Print one JSON object (`annotators` and `total`) instead of the table.")
  var json = false

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    let report: QualityReport
    let problems: [Diagnostic]
    do {
      (report, problems) = try QualityReport.make(project: loaded)
    } catch {
      StandardError.print("tally quality: \(error.description)")
      throw ExitCode(2)
    }
    for problem in problems { StandardError.print(problem.description) }
    // What reviews found, when there are reviews.
    let audit = try? ReviewAudit.make(project: loaded)
    if json {
      var object = report.json.objectValue ?? JSONObject()
      if let audit = audit ?? nil { object["reviews"] = audit.json }
      print(JSONValue.object(object).serialized())
    } else {
      print(report.table(), terminator: "")
      if let audit = audit ?? nil { print(audit.table(), terminator: "") }
    }
  }
}
