import ArgumentParser
import TallyCore
import TallyStore

/// `tally export`: the current answer of each (task, annotator), as JSONL or CSV.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export the current answer of each (task, annotator): the latest record wins."
  )

  @Argument(help: "The project folder or its tally.yaml (for a quick start: the <data>.tally folder or the data file).")
  var project: String

  @Option(help: "jsonl, csv, spacy (span tasks: text + spans) or conll (span tasks: token<TAB>BIO tag).")
  var format: String = "jsonl"

  @Option(help: "Write to this file instead of standard output.")
  var out: String?

  func run() throws {
    guard let exportFormat = ExportFormat(rawValue: format) else {
      StandardError.print("tally export: unknown format `\(format)`\n  fix: use --format jsonl, csv, spacy or conll")
      throw ExitCode(2)
    }
    var target = project
    if !ProjectFiles.isDirectory(target) && !target.hasSuffix(".yaml") && ProjectFiles.quickStartExists(forData: target) {
      target = ProjectFiles.quickStartFolder(forData: target)
    }
    let loaded: Project
    do {
      loaded = try Project.load(target)
    } catch {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
    let text: String
    let problems: [Diagnostic]
    do {
      (text, problems) = try Exporter.export(project: loaded, format: exportFormat)
    } catch let error as ProjectError {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
    for problem in problems { StandardError.print(problem.description) }
    if let out {
      try ProjectFiles.write(text, to: out)
      StandardError.print("Wrote \(out).")
    } else {
      print(text, terminator: "")
    }
  }
}
