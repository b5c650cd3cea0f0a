import ArgumentParser
import TallyCore
import TallyStore

/// `tally export`: the current answer of each (task, annotator), as JSONL, CSV, spaCy or CoNLL. Gold answers
/// only with `--include-gold`; training and exam answers never.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export the current answer of each (task, annotator), by the current-answer rule; or with --final, "
      + "the final dataset: one row per task and where its answer came from."
  )

  @Argument(help: "The project folder or its tally.yaml (for a quick start: the <data>.tally folder or the data file).")
  var project: String

  @Option(help: "jsonl, csv, spacy (span tasks: text + spans) or conll (span tasks: token<TAB>BIO tag).")
  var format: String = "jsonl"

  @Option(help: "Write to this file instead of standard output (never one of the project's own files).")
  var out: String?

  @Flag(help: "Replace the --out file if it exists.")
  var force = false

  @Flag(help: "Export answers to gold (attention-check) tasks too, after the data answers, marked `gold`.")
  var includeGold = false

  @Flag(
    help:
      "The final dataset: one row per task, the review if any, else the unanimous, single or aggregate answer, with its source."
  )
  var final = false

  @Option(help: "--final: the question (default: the first).")
  var question: String?

  @Option(help: "--final: the aggregate for tasks nobody reviewed: mv (default), wawa, ds, glad or mace.")
  var method: String = "mv"

  @Option(help: "--final: leave out tasks whose final answer's confidence is below this (0-1).")
  var minConfidence: Double?

  @Flag(help: "--final: keep the tasks below --min-confidence, marked `uncertain`.")
  var keepUncertain = false

  func run() throws {
    guard let exportFormat = ExportFormat(rawValue: format) else {
      StandardError.print("tally export: unknown format `\(format)`\n  fix: use --format jsonl, csv, spacy or conll")
      throw ExitCode(2)
    }
    let loaded = try ProjectArgument.load(project)
    // Check where the export goes before the work of making it.
    let output = try out.map { path throws(ExitCode) in
      try OutputCheck.check(path, project: loaded, force: force, command: "export")
    }
    var text: String
    var problems: [Diagnostic]
    if final {
      guard let aggregation = AggregationMethod(rawValue: method), aggregation != .bt else {
        StandardError.print("tally export: unknown --method `\(method)`\n  fix: use mv, wawa, ds, glad or mace")
        throw ExitCode(2)
      }
      var options = FinalExport.Options()
      options.question = question
      // spaCy and CoNLL are span formats: without --question, the first span question.
      if exportFormat == .spacy || exportFormat == .conll {
        guard
          let spans = question.map({ name in loaded.config.questions.first { $0.name == name } })
            ?? loaded.config.questions.first(where: { $0.kind == .spans }), spans.kind == .spans
        else {
          StandardError.print(
            "tally export: --format \(format) --final exports a span question; \(question.map { "`\($0)` is not one" } ?? "this project has none")"
              + "\n  fix: use --format jsonl or csv, or --question with a span question")
          throw ExitCode(2)
        }
        options.question = spans.name
      }
      options.method = aggregation
      options.minConfidence = minConfidence
      options.keepUncertain = keepUncertain
      do {
        let (rows, q, left) = try FinalExport.rows(project: loaded, options: options)
        problems = []
        switch exportFormat {
        case .csv: text = FinalExport.csv(rows, question: q)
        case .jsonl: text = FinalExport.jsonLines(rows, question: q)
        case .spacy: text = FinalExport.spacy(rows, question: q)
        case .conll:
          let (block, overlapping) = FinalExport.conll(rows, question: q)
          text = block
          for task in overlapping {
            problems.append(
              Diagnostic(
                .warning, file: Path.display(loaded.dataPath),
                "task `\(task)` has overlapping final spans; BIO keeps the first of each overlap"))
          }
        }
        if left > 0 {
          StandardError.print(
            "note: \(left) tasks below --min-confidence \(minConfidence ?? 0) left out (--keep-uncertain keeps them)")
        }
      } catch let error as ProjectError {
        StandardError.print(error.description)
        throw ExitCode(2)
      }
    } else {
      do {
        (text, problems) = try Exporter.export(project: loaded, format: exportFormat, includeGold: includeGold)
      } catch let error as ProjectError {
        StandardError.print(error.description)
        throw ExitCode(2)
      }
    }
    for problem in problems { StandardError.print(problem.description) }
    if let output {
      do {
        try output.write(text)
      } catch {
        StandardError.print("tally export: \(error)\n  nothing was written to \(Path.quoted(output.given))")
        throw ExitCode(1)
      }
      StandardError.print("Wrote \(Path.quoted(Path.display(output.path))).")
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
    if !ProjectFiles.isDirectory(target) && !target.hasSuffix(".yaml"),
      let folder = ProjectFiles.existingQuickStart(forData: target)
    {
      target = folder
    }
    do {
      return try Project.load(target)
    } catch {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
  }
}

/// Checks a file a command was asked to write, printing the refusal and exiting with status 2.
enum OutputCheck {
  static func check(
    _ path: String, project: Project?, alsoProtected: [ProtectedFile] = [], force: Bool, command: String,
    option: String = "--out"
  ) throws(ExitCode) -> OutputFile {
    do {
      return try OutputFile.check(path, project: project, alsoProtected: alsoProtected, force: force, option: option)
    } catch {
      StandardError.print("tally \(command): \(error)")
      throw ExitCode(2)
    }
  }
}
