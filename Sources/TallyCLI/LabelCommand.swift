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

  @Option(help: "Who is labeling (default: the login name).")
  var annotator: String?

  func run() throws {
    let project = try Self.resolveProject(
      target: target, labels: labels, multi: multi, rating: rating, freeText: freeText)
    let session = LabelSession(project: project, annotator: Annotator.resolve(annotator))
    let code = session.run()
    if code != 0 { throw ExitCode(code) }
  }

  /// A project from a folder/tally.yaml, or a quick-start project for a data file.
  static func resolveProject(
    target: String, labels: String?, multi: Bool, rating: Int? = nil, freeText: Bool = false
  ) throws -> Project {
    let isProject = target.hasSuffix(".yaml") || target.hasSuffix(".yml") || isDirectory(target)
    do {
      if isProject {
        if labels != nil {
          StandardError.print("note: --labels is ignored for a project; its tally.yaml sets the questions")
        }
        return try Project.load(target)
      }
      let list = (labels ?? "").split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
      if let rating, !(2...10).contains(rating) {
        throw ProjectError([Diagnostic(file: target, "--rating must be from 2 to 10", fix: "for example --rating 5")])
      }
      if list.isEmpty && rating == nil && !freeText && !ProjectFiles.quickStartExists(forData: target) {
        throw ProjectError([
          Diagnostic(
            file: target, "no labels given",
            fix: "run `tally label \(target) --labels a,b,c`, or `tally init` to write a project file")
        ])
      }
      return try ProjectFiles.prepareQuickStart(
        dataPath: target, labels: list, multi: multi, rating: rating, freeText: freeText)
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
