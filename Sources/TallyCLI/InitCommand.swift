import ArgumentParser
import TallyCore
import TallyStore

/// `tally init`: write a commented tally.yaml for a data file and a label list.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Write a commented tally.yaml for a data file and a list of labels."
  )

  @Argument(help: "The data file (.jsonl, .csv, .tsv or .txt).")
  var data: String

  @Option(help: "The labels, comma-separated.")
  var labels: String

  @Flag(help: "Allow several labels per task.")
  var multi = false

  @Option(help: "The project folder to write tally.yaml into (default: the current folder).")
  var project: String = "."

  @Option(name: .customLong("text-field"), help: "The field holding the text (jsonl/csv/tsv).")
  var textField: String = "text"

  @Option(name: .customLong("id-field"), help: "The field holding each task's id (absent: a hash of the record).")
  var idField: String = "id"

  @Flag(help: "Write a new tally.yaml over an existing one (which is kept as tally.yaml.bak).")
  var force = false

  func run() throws {
    let list: [QuickStartLabel]
    switch QuickStartLabel.parse(labels, option: "--labels") {
    case .success(let parsed): list = parsed
    case .failure(let error):
      StandardError.print("tally init: \(error)")
      throw ExitCode(2)
    }
    do {
      let (path, backup) = try ProjectFiles.initProject(
        folder: project, dataPath: data, question: .labels(list, multi: multi), textField: textField,
        idField: idField, force: force)
      if let backup { print("Kept the old project file as \(Path.quoted(Path.display(backup))).") }
      let folder = Path.quoted(Path.display(Path.directory(of: path)))
      print("Wrote \(Path.quoted(Path.display(path))). Check it with `tally validate \(folder)`.")
    } catch {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
  }
}
