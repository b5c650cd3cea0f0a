import ArgumentParser
import TallyCore
import TallyStore

/// `tally validate`: check a project file, its data and its logs, printing every problem with a fix.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check a project's tally.yaml, data file and label logs; print every problem with file, line and fix."
  )

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  @Option(help: "Print at most this many data problems.")
  var limit: Int = 1000

  func run() throws {
    let report = Validation.run(project: project, limit: limit)
    for diagnostic in report.diagnostics { print(diagnostic.description) }
    print(report.summary)
    if report.diagnostics.hasErrors { throw ExitCode(1) }
  }
}

/// What `tally validate` found.
struct ValidationReport {
  var diagnostics: [Diagnostic] = []
  var summary = ""
}

enum Validation {
  static func run(project path: String, limit: Int) -> ValidationReport {
    var report = ValidationReport()
    let project: Project
    do {
      project = try Project.load(path)
    } catch {
      report.diagnostics = error.diagnostics
      report.summary = "\(error.diagnostics.filter { $0.severity == .error }.count) error(s) in the project file."
      return report
    }
    report.diagnostics += project.warnings
    let dataFile = Path.display(project.dataPath)
    let dataset: Dataset
    do {
      dataset = try Dataset(path: project.dataPath, spec: DataSpec(project.config))
    } catch {
      report.diagnostics.append(error.diagnostic)
      report.summary = "The data file cannot be read."
      return report
    }
    let scan = dataset.scan(limit: limit)
    // A field the project reads that records lack is a setting to fix, said once, not a line to fix each time.
    let unusable = DataCheck.problem(dataset)
    switch unusable {
    case .empty?, .notText?:
      if let unusable {
        report.diagnostics.append(
          unusable.diagnostic(
            file: project.dataPath, config: project.config, context: .project(configPath: project.configPath)))
      }
    default: break
    }
    for (field, seen) in scan.missingFields.sorted(by: { $0.key < $1.key }) {
      let setting = DataUnusable.setting(for: field, config: project.config)
      let key = setting.compare ? "compare: \(setting.key)" : setting.key
      let all = seen.count == dataset.count
      var fix = "set `\(key)` in \(Path.quoted(Path.display(project.configPath))) to the field that holds it"
      if all, case .missingField(_, _, let suggestion?)? = unusable {
        fix =
          "set `\(setting.key): \(suggestion)`\(setting.compare ? " under `compare:`" : "") in "
          + "\(Path.quoted(Path.display(project.configPath)))"
      } else if !all {
        fix = "add the field to those records, or check `\(key)`; they are skipped while labeling"
      }
      report.diagnostics.append(
        Diagnostic(
          .error, file: dataFile, line: seen.firstLine,
          "\(all ? "no record" : "\(seen.count) of \(dataset.count) records") \(all ? "has" : "have no") `\(field)` field"
            + (all ? "" : " (the first on this line)"),
          fix: fix))
    }
    for problem in scan.problems {
      let isDuplicate = problem.reason.hasPrefix("duplicate id")
      report.diagnostics.append(
        Diagnostic(
          isDuplicate ? .warning : .error, file: dataFile, line: problem.line, problem.reason,
          fix: isDuplicate
            ? "give every record its own `\(project.config.idField)`; labels of both lines are stored under one id"
            : "fix or remove the line; it is skipped while labeling"))
    }
    if scan.truncated {
      report.diagnostics.append(
        Diagnostic(.warning, file: dataFile, "more problems not shown", fix: "pass --limit N to see more"))
    }
    // Predictions that name no option.
    var badPredictions = 0
    if project.config.predictionField != nil {
      for i in 0..<dataset.count {
        guard case .success(let task) = dataset.task(at: i), task.prediction != nil else { continue }
        if Prediction.answers(for: task, questions: project.config.questions).isEmpty {
          badPredictions += 1
          if badPredictions <= 20 {
            report.diagnostics.append(
              Diagnostic(
                .warning, file: dataFile, line: task.line,
                "prediction \(task.prediction?.displayText ?? "") matches no option",
                fix: "use an option `name` (or a taxonomy leaf or path) from tally.yaml"))
          }
        }
      }
    }
    // Gold, training and exam sets: every line must carry a usable known answer.
    var sets: [String] = []
    let quality = project.config.quality
    for (file, what) in [(quality.gold, "gold"), (quality.training, "training"), (quality.exam, "exam")] {
      guard let file else { continue }
      do {
        let set = try GoldSet.load(file, what: what, project: project)
        report.diagnostics += set.problems
        sets.append("\(set.items.count) \(what)")
      } catch {
        report.diagnostics += error.diagnostics
      }
    }
    if let store = try? LabelStore.load(project: project) {
      for problem in store.problems {
        report.diagnostics.append(
          Diagnostic(
            .warning, file: problem.file, line: problem.line, problem.message,
            fix: "nothing to do: the line is ignored and every complete record is kept"))
      }
      // Two current answers of one annotator to one task: two sessions (or machines) answered it without
      // seeing each other.
      for conflict in store.conflicts {
        let places = conflict.recordIDs.compactMap(store.place(ofRecord:))
        guard let counted = places.first, let other = places.dropFirst().first else { continue }
        report.diagnostics.append(
          Diagnostic(
            .warning, file: Path.display(other.file), line: other.line,
            "\(conflict.annotator) has two current answers to \(conflict.task) (records "
              + "\(conflict.recordIDs.joined(separator: ", "))); the one at "
              + "\(Path.display(counted.file)):\(counted.line) counts, by time; two sessions labeled it at once",
            fix: "both are kept; to settle it, open the task in `tally label` and answer it again"))
      }
    }
    let errors = report.diagnostics.filter { $0.severity == .error }.count
    let warnings = report.diagnostics.count - errors
    let extra = sets.isEmpty ? "" : " (" + sets.joined(separator: ", ") + ")"
    report.summary =
      "\(Path.display(project.configPath)): \(dataset.count) tasks\(extra), \(scan.malformed) malformed, "
      + "\(scan.duplicates) duplicate ids; \(errors) error(s), \(warnings) warning(s)."
    return report
  }
}
