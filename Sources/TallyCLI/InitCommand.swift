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

  @Flag(help: "Overwrite an existing tally.yaml.")
  var force = false

  func run() throws {
    let list = labels.split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
    guard !list.isEmpty else {
      StandardError.print("tally init: no labels given\n  fix: --labels a,b,c")
      throw ExitCode(2)
    }
    do {
      let path = try ProjectFiles.initProject(
        folder: project, dataPath: data, labels: list, multi: multi, textField: textField, force: force)
      print("Wrote \(Path.display(path)). Check it with `tally validate \(Path.display(Path.directory(of: path)))`.")
    } catch {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
  }
}
