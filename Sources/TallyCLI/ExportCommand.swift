import ArgumentParser
import TallyCore
import TallyStore

/// `tally export`: the current answer of each (task, annotator), as JSONL, CSV, spaCy or CoNLL. Gold answers
/// only with `--include-gold`; training and exam answers never.
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

  @Flag(help: "Export answers to gold (attention-check) tasks too, after the data answers, marked `gold`.")
  var includeGold = false

  func run() throws {
    guard let exportFormat = ExportFormat(rawValue: format) else {
      StandardError.print("tally export: unknown format `\(format)`\n  fix: use --format jsonl, csv, spacy or conll")
      throw ExitCode(2)
    }
    let loaded = try ProjectArgument.load(project)
    let text: String
    let problems: [Diagnostic]
    do {
      (text, problems) = try Exporter.export(project: loaded, format: exportFormat, includeGold: includeGold)
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

/// A command's PROJECT argument: a project folder, its `tally.yaml`, or a data file with a quick-start folder.
enum ProjectArgument {
  /// Loads the project, or prints why it cannot be loaded and exits with status 2.
  static func load(_ argument: String) throws -> Project {
    var target = argument
    if !ProjectFiles.isDirectory(target) && !target.hasSuffix(".yaml")
      && ProjectFiles.quickStartExists(forData: target)
    {
      target = ProjectFiles.quickStartFolder(forData: target)
    }
    do {
      return try Project.load(target)
    } catch {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
  }
}
