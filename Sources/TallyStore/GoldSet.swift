import TallyCore

#if canImport(Glibc)
  import Glibc
#endif

/// A task with a known answer: a gold task mixed into the queue, or a training or exam task.
public struct GoldItem: Sendable, Equatable {
  public var task: LabelTask
  public var answer: GoldAnswer
}

/// A small JSONL file of tasks with known answers (`gold`, `training` or `exam` under `quality:`), read
/// whole: records shaped like the data, with the expected answer under `gold` and an optional
/// `explanation`. Lines that cannot be used are reported with their line and left out.
public struct GoldSet: Sendable {
  public var path: String
  public var items: [GoldItem]
  public var problems: [Diagnostic]
  /// A hash of the file, so that a changed exam needs passing again.
  public var version: String

  /// Reads the file at `relative` (to the project folder) for `what` ("gold", "training", "exam").
  public static func load(_ relative: String, what: String, project: Project) throws(ProjectError) -> GoldSet {
    let path = project.qualityFilePath(relative)
    let shown = Path.display(path)
    let bytes: [UInt8]
    do {
      bytes = try Files.readBytes(path)
    } catch {
      let config = (try? Files.readText(project.configPath)) ?? ""
      throw ProjectError([
        Diagnostic(
          file: Path.display(project.configPath), line: Project.line(of: what + ":", in: config),
          "the \(what) file \(shown) cannot be read: \(String(cString: strerror(error.code)))",
          fix: "fix the `\(what):` path under `quality:` (relative to tally.yaml)")
      ])
    }
    let dataset: Dataset
    do {
      dataset = try Dataset(path: path, spec: project.qualityFileSpec)
    } catch {
      throw ProjectError([Diagnostic(file: shown, error.diagnostic.message)])
    }
    var items: [GoldItem] = []
    var problems: [Diagnostic] = []
    var seen: Set<String> = []
    for i in 0..<dataset.count {
      switch dataset.task(at: i) {
      case .failure(let problem):
        problems.append(Diagnostic(.warning, file: shown, line: problem.line, problem.reason + "; left out"))
      case .success(let task):
        switch GoldAnswer.read(task, questions: project.config.questions) {
        case .failure(let problem):
          problems.append(
            Diagnostic(
              .warning, file: shown, line: problem.line, problem.reason + "; left out",
              fix: "write the expected answer as `\"gold\": \"<option>\"` or `\"gold\": {\"<question>\": …}`"))
        case .success(let answer):
          if !seen.insert(task.id).inserted {
            problems.append(Diagnostic(.warning, file: shown, line: task.line, "duplicate id `\(task.id)`; left out"))
            continue
          }
          items.append(GoldItem(task: task, answer: answer))
        }
      }
    }
    if items.isEmpty {
      problems.append(Diagnostic(.warning, file: shown, "no usable \(what) tasks", fix: "see the lines above"))
    }
    return GoldSet(
      path: path, items: items, problems: problems, version: "sha256:" + ContentHash.sha256Hex(bytes).prefix(16))
  }
}
