import TallyCore

/// What a quick start was given besides its question: which fields to read.
public struct QuickStartFields: Sendable, Equatable {
  /// `--text-field` (nil: `text`, or `prompt` for `--compare`).
  public var text: String?
  /// `--id-field` (nil: `id`).
  public var id: String?

  public init(text: String? = nil, id: String? = nil) {
    self.text = text
    self.id = id
  }
}

extension ProjectFiles {
  /// The folder a quick start of this data file uses: `<data file name>.tally/` beside it (`data.csv.tally`),
  /// or an existing `<stem>.tally/` made for this same file by an earlier version.
  public static func quickStartFolder(forData dataPath: String) -> String {
    let absolute = Path.absolute(dataPath)
    let folder = Path.directory(of: absolute)
    let current = Path.join(folder, Path.fileName(of: absolute) + ".tally")
    if Files.exists(Path.join(current, Project.fileName)) { return current }
    let legacy = Path.join(folder, Path.stem(of: absolute) + ".tally")
    if legacy != current, let project = try? Project.load(legacy), isSameFile(project.dataPath, absolute) {
      return legacy
    }
    return current
  }

  /// The quick-start folder of a data file, if one has been made.
  public static func existingQuickStart(forData dataPath: String) -> String? {
    let folder = quickStartFolder(forData: dataPath)
    return Files.exists(Path.join(folder, Project.fileName)) ? folder : nil
  }

  /// True when two paths reach the same file.
  static func isSameFile(_ a: String, _ b: String) -> Bool {
    if let ia = Files.identity(a), let ib = Files.identity(b) { return ia == ib }
    return Path.absolute(a) == Path.absolute(b)
  }

  /// Creates (or reuses) the quick-start project for a data file. Reusing requires the same question (any
  /// question when `question` is nil) and refuses a folder made for another file. A new project is made only
  /// after the data has been checked, so a refusal leaves nothing behind.
  public static func prepareQuickStart(
    dataPath: String, question: QuickStartQuestion?, fields: QuickStartFields = QuickStartFields(),
    quality: QuickStartQuality = QuickStartQuality()
  ) throws(ProjectError) -> Project {
    let absolute = Path.absolute(dataPath)
    guard Files.exists(absolute) else {
      throw ProjectError([Diagnostic(file: Path.display(absolute), "data file not found", fix: "check the path")])
    }
    guard !Files.isDirectory(absolute) else {
      throw ProjectError([
        Diagnostic(
          file: Path.display(absolute), "is a folder without a tally.yaml",
          fix: "name a data file (.jsonl, .csv, .tsv, .txt), or write a project file with `tally init`")
      ])
    }
    guard let format = DataFormat.inferred(fromPath: absolute) else {
      throw ProjectError([
        Diagnostic(
          file: Path.display(absolute), "cannot tell the format from the file name",
          fix: "name it .jsonl, .csv, .tsv or .txt, or create a project with `tally init`")
      ])
    }
    let folder = quickStartFolder(forData: absolute)
    let configPath = Path.join(folder, Project.fileName)
    var quality = quality
    if let gold = quality.gold {
      let goldPath = Path.absolute(gold)
      guard Files.exists(goldPath) else {
        throw ProjectError([
          Diagnostic(file: Path.display(goldPath), "gold file not found", fix: "check the --gold path")
        ])
      }
      quality.gold = relativePath(from: folder, to: goldPath)
    }
    if Files.exists(configPath) {
      return try reuseQuickStart(
        folder: folder, dataPath: absolute, question: question, fields: fields, quality: quality)
    }
    guard let question else {
      throw ProjectError([
        Diagnostic(
          file: Path.display(absolute), "no labels given",
          fix: "add --labels a,b,c (or --spans, --rating N, --free-text, --compare)")
      ])
    }
    let yaml = ProjectTemplate.yaml(
      name: Path.stem(of: absolute), dataPath: "../" + Path.fileName(of: absolute), format: format, question: question,
      textField: fields.text ?? (question == .compare ? "prompt" : "text"), idField: fields.id ?? "id",
      quality: quality)
    // Check the settings and the data before writing anything.
    let (parsed, diagnostics) = ProjectConfigParser.parse(yaml, file: "the quick start's tally.yaml")
    guard let config = parsed else {
      throw ProjectError(
        diagnostics.filter { $0.severity == .error }.map { Diagnostic(file: $0.file, $0.message, fix: $0.fix) })
    }
    try checkData(absolute, config: config, idFieldGiven: fields.id != nil)
    do {
      try Files.makeDirectory(folder)
      try Files.writeAtomically(yaml, to: configPath)
    } catch {
      throw ProjectError([Diagnostic(file: Path.display(folder), "\(error)")])
    }
    return try Project.load(folder)
  }

  /// Opens an existing quick-start folder, refusing one made for another file or for another question.
  static func reuseQuickStart(
    folder: String, dataPath: String, question: QuickStartQuestion?, fields: QuickStartFields,
    quality: QuickStartQuality
  ) throws(ProjectError) -> Project {
    let configPath = Path.join(folder, Project.fileName)
    let project = try Project.load(folder)
    guard isSameFile(project.dataPath, dataPath) else {
      throw ProjectError([
        Diagnostic(
          file: Path.display(configPath),
          "this folder holds the project of another data file, \(Path.quoted(Path.display(project.dataPath)))",
          fix: "label that project with `tally label \(Path.quoted(Path.display(folder)))`, or move the folder away "
            + "to quick-start \(Path.quoted(Path.display(dataPath)))")
      ])
    }
    if let question, !question.matches(project.config) {
      let first = project.config.questions.first
      let was =
        first.map { q in
          q.kind == .single || q.kind == .multi || q.kind == .spans
            ? "\(q.kind.rawValue) with labels \(q.options.map(\.display).joined(separator: ","))" : q.kind.rawValue
        } ?? "?"
      throw ProjectError([
        Diagnostic(
          file: Path.display(configPath), "this quick-start project asks a \(was) question, not \(question.options)",
          fix: "label it as it is: `tally label \(Path.quoted(Path.display(folder)))`, edit "
            + "\(Path.quoted(Path.display(configPath))), or move that folder away to start over")
      ])
    }
    var changed: [String] = []
    if let text = fields.text, text != project.config.textField { changed.append("--text-field \(text)") }
    if let id = fields.id, id != project.config.idField { changed.append("--id-field \(id)") }
    if !quality.matches(project.config.quality) { changed.append("the quality options") }
    if !changed.isEmpty {
      throw ProjectError([
        Diagnostic(
          file: Path.display(configPath),
          "this quick-start project was made with other settings than \(changed.joined(separator: ", "))",
          fix: "edit \(Path.quoted(Path.display(configPath))), or move that folder away to start over")
      ])
    }
    return project
  }

  /// Refuses data the quick start could not label (empty, binary, no record with the text field, …).
  static func checkData(_ path: String, config: ProjectConfig, idFieldGiven: Bool) throws(ProjectError) {
    let dataset: Dataset
    do {
      dataset = try Dataset(path: path, spec: DataSpec(config))
    } catch {
      throw ProjectError([error.diagnostic])
    }
    let extra = idFieldGiven && config.format != .text ? [config.idField] : []
    if let problem = DataCheck.problem(dataset, requiring: extra) {
      var diagnostic = problem.diagnostic(file: path, config: config, context: .quickStart)
      if case .missingField(let field, _, let suggestion) = problem, field == config.idField, idFieldGiven {
        diagnostic = Diagnostic(
          file: Path.display(path), "no record has the `\(field)` field given with --id-field",
          fix: suggestion.map {
            "rerun with --id-field \(Path.quoted($0)), or leave it out (ids are then hashes of the records)"
          }
            ?? "leave --id-field out: ids are then hashes of the records")
      }
      throw ProjectError([diagnostic])
    }
  }
}
