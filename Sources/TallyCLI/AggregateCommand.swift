import ArgumentParser
import TallyCore
import TallyStats
import TallyStore

/// Where judgments come from: a project, or a judgments file made elsewhere, with its field names.
struct JudgmentSource: ParsableArguments {
  @Argument(help: "A project folder or its tally.yaml (or a quick-start data file).")
  var project: String?

  @Option(
    help: "A judgments file instead of a project (JSONL or CSV/TSV: task, annotator, label; or left, right, winner).")
  var from: String?

  @Option(help: "The question to use (default: the project's first).")
  var question: String?

  @Option(name: .customLong("task-field"), help: "Judgments file: the task field (default task).")
  var taskField: String?

  @Option(
    name: .customLong("annotator-field"), help: "Judgments file: the annotator field (default annotator, or worker).")
  var annotatorField: String?

  @Option(name: .customLong("label-field"), help: "Judgments file: the label field (default label).")
  var labelField: String?

  @Option(name: .customLong("left-field"), help: "Judgments file: the left item (default left).")
  var leftField: String?

  @Option(name: .customLong("right-field"), help: "Judgments file: the right item (default right).")
  var rightField: String?

  @Option(
    name: .customLong("winner-field"), help: "Judgments file: the winner: left, right, tie or an item (default winner)."
  )
  var winnerField: String?

  var fields: JudgmentFields {
    var fields = JudgmentFields()
    if let taskField { fields.task = [taskField] }
    if let annotatorField { fields.annotator = [annotatorField] }
    if let labelField { fields.label = [labelField] }
    if let leftField { fields.left = [leftField] }
    if let rightField { fields.right = [rightField] }
    if let winnerField { fields.winner = [winnerField] }
    return fields
  }

  func validate() throws {
    if (project == nil) == (from == nil) {
      throw ValidationError("give a project, or --from FILE with judgments (not both)")
    }
  }

  /// The project and its store, with the question asked for (or exit 2 saying what there is).
  func loadProject(command: String) throws -> (Project, LabelStore, Question)? {
    guard let path = project else { return nil }
    let loaded = try ProjectArgument.load(path)
    let store: LabelStore
    do {
      store = try LabelStore.load(project: loaded)
    } catch {
      StandardError.print("tally \(command): \(error)")
      throw ExitCode(1)
    }
    let questions = loaded.config.questions
    guard let chosen = question.map({ name in questions.first { $0.name == name } }) ?? questions.first else {
      let names = questions.map(\.name).joined(separator: ", ")
      StandardError.print(
        "tally \(command): \(Path.quoted(path)) has no question `\(question ?? "")`\n  fix: use --question with one of: \(names)"
      )
      throw ExitCode(2)
    }
    if question == nil && questions.count > 1 {
      StandardError.print("note: using the first question, `\(chosen.name)` (--question picks another)")
    }
    return (loaded, store, chosen)
  }
}

/// `tally aggregate`: combine every annotator's answers into one label per task (or a ranking of the systems
/// compared side by side).
struct AggregateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "aggregate",
    abstract: "Combine the annotators' answers: one label per task with its confidence, or a ranking of systems.",
    discussion: """
      Methods: mv (majority vote), wawa (agreement-weighted vote), ds (Dawid-Skene, the default), glad, mace, and
      bt (Bradley-Terry, the default for comparison questions and left/right/winner files). Ties in a vote go
      to the label that sorts first (Unicode code points), as crowd-kit breaks them.
      """
  )

  @OptionGroup var source: JudgmentSource

  @Option(help: "mv, wawa, ds, glad, mace or bt.")
  var method: String?

  @Option(help: "jsonl (default), csv or table.")
  var format: String = "jsonl"

  @Option(help: "Write to this file instead of standard output.")
  var out: String?

  @Option(
    name: .customLong("annotators-out"), help: "Also write one JSON line per annotator (estimated accuracy, confusion)."
  )
  var annotatorsOut: String?

  @Flag(help: "Replace --out / --annotators-out files that exist.")
  var force = false

  @Option(help: "Judgments file: known truths (task, label), clamped by Dawid-Skene.")
  var gold: String?

  @Option(help: "crowd-kit: Dawid-Skene exactly as crowd-kit 1.4.2 computes it.")
  var compat: String?

  @Option(help: "Dawid-Skene: a Dirichlet pseudo-count added to every confusion-matrix cell (default 0).")
  var smoothing: Double = 0

  @Option(help: "Bradley-Terry ties: drop (default), half or davidson.")
  var ties: String = "drop"

  @Option(help: "Bradley-Terry: bootstrap rounds for the 95% intervals (default 200; 0: none).")
  var bootstrap: Int = 200

  @Option(help: "Seed of the bootstrap and of MACE's restarts (default 1).")
  var seed: UInt64 = 1

  @Option(name: .customLong("span-overlap"), help: "Spans: the least intersection over union to match (default 0.5).")
  var spanOverlap: Double = 0.5

  func run() throws {
    guard let outputFormat = AggregateFormat(rawValue: format) else {
      StandardError.print("tally aggregate: unknown format `\(format)`\n  fix: use --format jsonl, csv or table")
      throw ExitCode(2)
    }
    var options = AggregationOptions()
    if let method {
      guard let parsed = AggregationMethod(rawValue: method) else {
        StandardError.print("tally aggregate: unknown method `\(method)`\n  fix: use mv, wawa, ds, glad, mace or bt")
        throw ExitCode(2)
      }
      options.method = parsed
    }
    if let compat {
      guard compat == "crowd-kit" else {
        StandardError.print("tally aggregate: unknown --compat `\(compat)`\n  fix: --compat crowd-kit")
        throw ExitCode(2)
      }
      options.crowdKitCompatible = true
    }
    guard let tieHandling = TieHandling(rawValue: ties) else {
      StandardError.print("tally aggregate: unknown --ties `\(ties)`\n  fix: use drop, half or davidson")
      throw ExitCode(2)
    }
    options.ties = tieHandling
    options.smoothing = smoothing
    options.bootstrapRounds = max(0, bootstrap)
    options.seed = seed
    options.spanOverlap = spanOverlap

    let loaded = try source.loadProject(command: "aggregate")
    let protected = [source.from, gold].compactMap { $0 }.map {
      ProtectedFile(path: $0, what: "an input of this command")
    }
    let output = try out.map {
      try OutputCheck.check($0, project: loaded?.0, alsoProtected: protected, force: force, command: "aggregate")
    }
    let annotatorsOutput = try annotatorsOut.map {
      try OutputCheck.check(
        $0, project: loaded?.0, alsoProtected: protected, force: force, command: "aggregate", option: "--annotators-out"
      )
    }
    let result: AggregationResult
    if let (project, store, question) = loaded {
      if method == nil, question.kind == .comparison { options.method = .bt }
      if options.method == .bt && question.kind != .comparison {
        StandardError.print(
          "tally aggregate: --method bt ranks the systems of a comparison question; `\(question.name)` is \(question.kind.rawValue)\n"
            + "  fix: pick a comparison question with --question, or another method")
        throw ExitCode(2)
      }
      result = Aggregation.project(project, store: store, question: question, options: options)
      for problem in store.problems { StandardError.print(problem.description) }
    } else if let from = source.from {
      do {
        result = try Aggregation.file(path: from, fields: source.fields, goldPath: gold, options: options)
      } catch {
        StandardError.print("tally aggregate: \(error)")
        throw ExitCode(2)
      }
    } else {
      throw ExitCode(2)
    }
    for problem in result.problems.prefix(50) { StandardError.print(problem.description) }
    if result.problems.count > 50 { StandardError.print("(\(result.problems.count - 50) more lines skipped)") }
    if outputFormat != .table { for note in result.notes { StandardError.print("note: " + note) } }
    try write(result.text(outputFormat), to: output)
    if let annotatorsOutput { try write(result.annotatorLines(), to: annotatorsOutput) }
  }

  func write(_ text: String, to output: OutputFile?) throws {
    guard let output else {
      print(text, terminator: "")
      return
    }
    do {
      try output.write(text)
    } catch {
      StandardError.print("tally aggregate: \(error)\n  nothing was written to \(Path.quoted(output.given))")
      throw ExitCode(1)
    }
    StandardError.print("Wrote \(Path.quoted(Path.display(output.path))).")
  }
}

/// `tally agreement`: how much the annotators agree, chance-corrected.
struct AgreementCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "agreement",
    abstract: "Inter-annotator agreement: Krippendorff's alpha, Fleiss' and Cohen's kappa, percent agreement."
  )

  @OptionGroup var source: JudgmentSource

  @Flag(help: "Print one JSON document instead of the table.")
  var json = false

  func run() throws {
    let report: AgreementReport
    if let (project, store, question) = try source.loadProject(command: "agreement") {
      report = Agreement.project(project, store: store, question: question)
      for problem in store.problems { StandardError.print(problem.description) }
    } else if let from = source.from {
      do {
        let table = try JudgmentsFile.readCategorical(path: from, fields: source.fields)
        for problem in table.problems.prefix(50) { StandardError.print(problem.description) }
        report = Agreement.categorical(table)
      } catch {
        StandardError.print("tally agreement: \(error)")
        throw ExitCode(2)
      }
    } else {
      throw ExitCode(2)
    }
    if json {
      print(report.json.serialized())
    } else {
      print(report.table(), terminator: "")
    }
  }
}
