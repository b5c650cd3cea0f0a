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

  @Option(help: "Who is labeling (default: the login name).")
  var annotator: String?

  func run() throws {
    let project = try Self.resolveProject(target: target, question: quickStartQuestion(), quality: quickStartQuality())
    let session = LabelSession(project: project, annotator: Annotator.resolve(annotator))
    let code = session.run()
    if code != 0 { throw ExitCode(code) }
  }

  /// The quality settings the options ask for.
  func quickStartQuality() throws -> QuickStartQuality {
    if let goldRate, !(goldRate > 0 && goldRate <= 0.5) {
      StandardError.print("tally label: --gold-rate must be more than 0 and at most 0.5\n  fix: for example --gold-rate 0.1")
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
    if let labels { asked.append(.labels(Self.list(labels), multi: multi)) }
    if let rating {
      guard (2...10).contains(rating) else {
        StandardError.print("\(target): --rating must be from 2 to 10\n  fix: for example --rating 5")
        throw ExitCode(2)
      }
      asked.append(.rating(rating))
    }
    if freeText { asked.append(.freeText) }
    if let spans { asked.append(.spans(Self.list(spans))) }
    if compare { asked.append(.compare) }
    if asked.count > 1 {
      StandardError.print(
        "tally label: choose one of --labels, --rating, --free-text, --spans, --compare\n"
          + "  fix: a quick start asks one question; write a tally.yaml (`tally init`) for several")
      throw ExitCode(2)
    }
    if case .labels(let list, _) = asked.first, list.isEmpty {
      StandardError.print("tally label: --labels is empty\n  fix: for example --labels pos,neg,neutral")
      throw ExitCode(2)
    }
    if case .spans(let list) = asked.first, list.isEmpty {
      StandardError.print("tally label: --spans is empty\n  fix: for example --spans PER,ORG,LOC")
      throw ExitCode(2)
    }
    return asked.first
  }

  static func list(_ raw: String) -> [String] {
    raw.split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
  }

  /// A project from a folder/tally.yaml, or a quick-start project for a data file.
  static func resolveProject(
    target: String, question: QuickStartQuestion?, quality: QuickStartQuality = QuickStartQuality()
  ) throws -> Project {
    let isProject = target.hasSuffix(".yaml") || target.hasSuffix(".yml") || isDirectory(target)
    do {
      if isProject {
        if question != nil {
          StandardError.print("note: \(question?.options ?? "") is ignored for a project; its tally.yaml sets the questions")
        }
        if !quality.isEmpty {
          StandardError.print("note: --gold, --gold-rate and --min-seconds are ignored for a project; set them under `quality:`")
        }
        return try Project.load(target)
      }
      if question == nil && !ProjectFiles.quickStartExists(forData: target) {
        throw ProjectError([
          Diagnostic(
            file: target, "no labels given",
            fix: "run `tally label \(target) --labels a,b,c` (or --spans, --rating N, --free-text, --compare), "
              + "or `tally init` to write a project file")
        ])
      }
      return try ProjectFiles.prepareQuickStart(dataPath: target, question: question, quality: quality)
    } catch let error as ProjectError {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
  }
}

func isDirectory(_ path: String) -> Bool {
  ProjectFiles.isDirectory(path)
}

extension String {
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
