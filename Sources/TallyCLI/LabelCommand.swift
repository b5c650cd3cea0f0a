import ArgumentParser
import TallyCore
import TallyStore

/// `tally label`: open a project (or a data file, with `--labels`) and label it.
struct LabelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "label",
    abstract: "Label a project, or a data file directly with --labels.",
    discussion: """
      With a project folder (or its tally.yaml): label it as configured.
      With a data file and --labels: quick start. Tally keeps the labels in a project folder it creates
      beside the data file (<data>.tally/), and names that folder on screen and on exit.
      """
  )

  @Argument(help: "A project folder, its tally.yaml, or a data file (.jsonl, .csv, .tsv, .txt) with --labels.")
  var target: String

  @Option(help: "Quick start: the labels, comma-separated (e.g. pos,neg,neutral).")
  var labels: String?

  @Flag(help: "Quick start: allow several labels per task.")
  var multi = false

  @Option(help: "Quick start: a 1–N rating (N from 2 to 10) instead of labels.")
  var rating: Int?

  @Flag(name: .customLong("free-text"), help: "Quick start: a free-text answer (one line; Enter submits).")
  var freeText = false

  @Option(help: "Quick start: label spans of the text with these labels, comma-separated (e.g. PER,ORG,LOC).")
  var spans: String?

  @Flag(help: "Quick start: compare two responses side by side (fields prompt, response_a, response_b).")
  var compare = false

  @Option(help: "Quick start: gold tasks with known answers (JSONL shaped like the data, answer under `gold`).")
  var gold: String?

  @Option(name: .customLong("gold-rate"), help: "Quick start: share of the queue that is gold (default 0.1).")
  var goldRate: Double?

  @Option(name: .customLong("min-seconds"), help: "Quick start: the least active time per task (default 1).")
  var minSeconds: Double?

  @Option(
    name: .customLong("text-field"),
    help: "Quick start: the field (JSONL) or column (CSV/TSV) holding the text (default text).")
  var textField: String?

  @Option(
    name: .customLong("id-field"),
    help: "Quick start: the field or column holding each task's id (default id; absent: a hash of the record).")
  var idField: String?

  @Option(help: "Who is labeling (default: the login name).")
  var annotator: String?

  func run() throws {
    let question = try quickStartQuestion()
    let project = try Self.resolveProject(
      target: target, question: question, fields: QuickStartFields(text: textField, id: idField),
      quality: quickStartQuality())
    if let question, project.folder.hasSuffix(".tally") { Self.noteStoredNames(question) }
    let session = LabelSession(project: project, annotator: Annotator.resolve(annotator))
    let code = session.run()
    if code != 0 { throw ExitCode(code) }
  }

  /// The quality settings the options ask for.
  func quickStartQuality() throws -> QuickStartQuality {
    if let goldRate, !(goldRate > 0 && goldRate <= 0.5) {
      StandardError.print(
        "tally label: --gold-rate must be more than 0 and at most 0.5\n  fix: for example --gold-rate 0.1")
      throw ExitCode(2)
    }
    if goldRate != nil && gold == nil {
      StandardError.print("tally label: --gold-rate needs --gold\n  fix: add --gold gold.jsonl")
      throw ExitCode(2)
    }
    if let minSeconds, !(minSeconds >= 0 && minSeconds <= 3600) {
      StandardError.print("tally label: --min-seconds must be from 0 to 3600\n  fix: for example --min-seconds 3")
      throw ExitCode(2)
    }
    return QuickStartQuality(gold: gold, goldRate: goldRate, minSeconds: minSeconds)
  }

  /// The quick-start question the options ask for (nil: none given).
  func quickStartQuestion() throws -> QuickStartQuestion? {
    var asked: [QuickStartQuestion] = []
    if let labels { asked.append(.labels(try Self.labelList(labels, option: "--labels"), multi: multi)) }
    if let rating {
      guard (2...10).contains(rating) else {
        StandardError.print("tally label: --rating must be from 2 to 10\n  fix: for example --rating 5")
        throw ExitCode(2)
      }
      asked.append(.rating(rating))
    }
    if freeText { asked.append(.freeText) }
    if let spans { asked.append(.spans(try Self.labelList(spans, option: "--spans"))) }
    if compare { asked.append(.compare) }
    if asked.count > 1 {
      StandardError.print(
        "tally label: choose one of --labels, --rating, --free-text, --spans, --compare\n"
          + "  fix: a quick start asks one question; write a tally.yaml (`tally init`) for several")
      throw ExitCode(2)
    }
    if multi {
      guard case .labels = asked.first else {
        StandardError.print("tally label: --multi goes with --labels\n  fix: for example --labels a,b,c --multi")
        throw ExitCode(2)
      }
    }
    return asked.first
  }

  /// A label list from the command line, or exit 2 with what is wrong with it.
  static func labelList(_ raw: String, option: String) throws -> [QuickStartLabel] {
    switch QuickStartLabel.parse(raw, option: option) {
    case .success(let labels): return labels
    case .failure(let error):
      StandardError.print("tally label: \(error)")
      throw ExitCode(2)
    }
  }

  /// Says which names are stored for labels that were typed with spaces, emoji or punctuation.
  static func noteStoredNames(_ question: QuickStartQuestion) {
    let labels: [QuickStartLabel]
    switch question {
    case .labels(let list, _), .spans(let list): labels = list
    default: return
    }
    let renamed = labels.filter { $0.name != $0.display }
    guard !renamed.isEmpty else { return }
    let list = renamed.map { "“\($0.display)” as \($0.name)" }.joined(separator: ", ")
    StandardError.print("note: labels are shown as typed and stored as identifiers: \(list)")
  }

  /// A project from a folder/tally.yaml, or a quick-start project for a data file.
  static func resolveProject(
    target: String, question: QuickStartQuestion?, fields: QuickStartFields = QuickStartFields(),
    quality: QuickStartQuality = QuickStartQuality()
  ) throws -> Project {
    let isProject = target.hasSuffix(".yaml") || target.hasSuffix(".yml") || isDirectory(target)
    do {
      if isProject {
        if question != nil {
          StandardError.print(
            "note: \(question?.options ?? "") is ignored for a project; its tally.yaml sets the questions")
        }
        if !quality.isEmpty {
          StandardError.print(
            "note: --gold, --gold-rate and --min-seconds are ignored for a project; set them under `quality:`")
        }
        if fields != QuickStartFields() {
          StandardError.print(
            "note: --text-field and --id-field are ignored for a project; set `text_field:` and `id_field:`")
        }
        return try Project.load(target)
      }
      if question == nil && ProjectFiles.existingQuickStart(forData: target) == nil {
        throw ProjectError([
          Diagnostic(
            file: target, "no labels given",
            fix:
              "run `tally label \(Path.quoted(target)) --labels a,b,c` (or --spans, --rating N, --free-text, --compare), "
              + "or `tally init` to write a project file")
        ])
      }
      return try ProjectFiles.prepareQuickStart(dataPath: target, question: question, fields: fields, quality: quality)
    } catch let error as ProjectError {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
  }
}

func isDirectory(_ path: String) -> Bool {
  ProjectFiles.isDirectory(path)
}
