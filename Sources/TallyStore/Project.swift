import TallyCore

/// A project folder loaded: its configuration, where its files are, and its guidelines.
public struct Project: Sendable {
  public static let fileName = "tally.yaml"

  /// Absolute path of the project folder.
  public var folder: String
  public var configPath: String
  public var config: ProjectConfig
  /// Absolute path of the data file.
  public var dataPath: String
  public var guidelinesPath: String?
  /// The guidelines' Markdown; nil when there is no guidelines file (a warning says why).
  public var guidelinesText: String?
  /// `sha256:…` of the guidelines, or nil.
  public var guidelinesVersion: String?
  /// Where label logs live: `<folder>/labels`.
  public var labelsFolder: String
  /// Warnings found while loading (errors throw instead).
  public var warnings: [Diagnostic]

  /// Loads a project from its folder or its `tally.yaml`. Throws every error found in the file.
  public static func load(_ path: String) throws(ProjectError) -> Project {
    let absolutePath = Path.absolute(path)
    let configPath: String
    if Files.isDirectory(absolutePath) {
      configPath = Path.join(absolutePath, fileName)
    } else {
      configPath = absolutePath
    }
    guard Files.exists(absolutePath) else {
      throw ProjectError([
        Diagnostic(
          file: Path.display(absolutePath), "no such file or folder",
          fix:
            "give a project folder (holding tally.yaml), its tally.yaml, or a data file that has a quick-start folder")
      ])
    }
    guard Files.exists(configPath) else {
      throw ProjectError([
        Diagnostic(
          file: Path.display(configPath), "no project file here",
          fix: "create one with `tally init DATA --labels a,b,c`, or label a file directly with "
            + "`tally label DATA --labels a,b,c`")
      ])
    }
    let text: String
    do {
      text = try Files.readText(configPath)
    } catch {
      throw ProjectError([Diagnostic(file: Path.display(configPath), "\(error)")])
    }
    let (parsed, diagnostics) = ProjectConfigParser.parse(text, file: Path.display(configPath))
    guard let config = parsed else { throw ProjectError(diagnostics) }
    let folder = Path.directory(of: configPath)
    var warnings = diagnostics.filter { $0.severity == .warning }
    var guidelinesPath: String?
    var guidelinesText: String?
    if let guidelines = config.guidelines {
      let resolved = Path.absolute(Path.join(folder, guidelines))
      guidelinesPath = resolved
      if let text = try? Files.readText(resolved) {
        guidelinesText = text
      } else {
        warnings.append(
          Diagnostic(
            .warning, file: Path.display(configPath), line: Self.line(of: "guidelines:", in: text),
            "guidelines file \(Path.display(resolved)) cannot be read",
            fix: "fix the `guidelines:` path (relative to tally.yaml) or remove the key"))
      }
    }
    return Project(
      folder: folder, configPath: configPath, config: config,
      dataPath: Path.absolute(Path.join(folder, config.data)), guidelinesPath: guidelinesPath,
      guidelinesText: guidelinesText, guidelinesVersion: guidelinesText.map(ContentHash.guidelinesVersion(of:)),
      labelsFolder: Path.join(folder, "labels"), warnings: warnings)
  }

  /// Every label log in the project: each (annotator, device) log `labels/<annotator>/<device>.jsonl`, and the
  /// single-file logs `labels/<annotator>.jsonl` written before devices (still read, never written). Names
  /// starting with `.` (Tally's own working files) are not logs.
  public func logPaths() -> [String] {
    var paths: [String] = []
    for name in Files.listDirectory(labelsFolder) where !name.hasPrefix(".") {
      let path = Path.join(labelsFolder, name)
      if Files.isDirectory(path) {
        for device in Files.listDirectory(path) where device.hasSuffix(".jsonl") && !device.hasPrefix(".") {
          if !Files.isDirectory(Path.join(path, device)) { paths.append(Path.join(path, device)) }
        }
      } else if name.hasSuffix(".jsonl") {
        paths.append(path)
      }
    }
    return paths
  }

  /// The log one annotator writes on this device.
  public func logPath(for annotator: String, device: String) -> String {
    Path.join(Path.join(labelsFolder, LabelLogReader.safeFileName(annotator)), device + ".jsonl")
  }

  /// The single-file log of an annotator from before devices (read, never written).
  public func legacyLogPath(for annotator: String) -> String {
    LabelLogReader.path(labelsFolder: labelsFolder, annotator: annotator)
  }

  /// Every log of one annotator: this device's first (created or not), then the others that exist.
  public func logPaths(of annotator: String, device: String) -> [String] {
    let own = logPath(for: annotator, device: device)
    let folder = Path.join(labelsFolder, LabelLogReader.safeFileName(annotator))
    let others = Files.listDirectory(folder).filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }
      .map { Path.join(folder, $0) }.filter { $0 != own }
    let legacy = legacyLogPath(for: annotator)
    return [own] + (Files.exists(legacy) ? [legacy] : []) + others
  }

  /// The annotator a log belongs to, by where it is (`labels/<annotator>.jsonl` or
  /// `labels/<annotator>/<device>.jsonl`), as its file-name form; and the device, for device logs.
  public func owner(ofLog path: String) -> (annotatorFileName: String, device: String?)? {
    let prefix = labelsFolder + "/"
    guard path.hasPrefix(prefix) else { return nil }
    let rest = path.dropFirst(prefix.count).split(separator: "/").map(String.init)
    if rest.count == 1, rest[0].hasSuffix(".jsonl") { return (String(rest[0].dropLast(6)), nil) }
    if rest.count == 2, rest[1].hasSuffix(".jsonl") { return (rest[0], String(rest[1].dropLast(6))) }
    return nil
  }

  /// Makes sure the labels folder exists.
  public func prepareLabelsFolder() throws(SystemError) {
    try Files.makeDirectory(labelsFolder)
  }

  /// The line of `tally.yaml` whose key (indented or not) is `prefix`.
  static func line(of prefix: String, in text: String) -> Int? {
    var number = 1
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.drop(while: { $0 == " " }).hasPrefix(prefix) { return number }
      number += 1
    }
    return nil
  }

  /// A gold, training or exam file named under `quality:` (relative to the project folder), as an absolute path.
  public func qualityFilePath(_ relative: String) -> String { Path.absolute(Path.join(folder, relative)) }

  /// How gold, training and exam files are read: JSONL records shaped like the data.
  public var qualityFileSpec: DataSpec {
    var spec = DataSpec(config)
    spec.format = .jsonl
    return spec
  }
}

/// A project that cannot be loaded, with every problem found.
public struct ProjectError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]
  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Projects made on the fly for `tally label DATA --labels …` and files written by `tally init`.
public enum ProjectFiles {
  /// Writes a commented `tally.yaml` into `folder` for `dataPath`. Refuses an existing one unless `force`;
  /// then the old file is kept beside it as `tally.yaml.bak` (`.bak2`, … when taken), never lost.
  /// Returns the path written and the backup made, if any.
  public static func initProject(
    folder: String, dataPath: String, question: QuickStartQuestion, textField: String, idField: String = "id",
    force: Bool
  ) throws(ProjectError) -> (path: String, backup: String?) {
    let folderPath = Path.absolute(folder)
    let configPath = Path.join(folderPath, Project.fileName)
    if Files.exists(configPath) && !force {
      throw ProjectError([
        Diagnostic(
          file: Path.display(configPath), "already exists",
          fix: "pass --force to write a new one (the old one is kept as tally.yaml.bak), or choose another --project")
      ])
    }
    let absoluteData = Path.absolute(dataPath)
    guard Files.exists(absoluteData) else {
      throw ProjectError([Diagnostic(file: Path.display(absoluteData), "data file not found", fix: "check the path")])
    }
    if Files.identity(absoluteData) == Files.identity(configPath) {
      throw ProjectError([
        Diagnostic(file: Path.display(absoluteData), "is the project file itself", fix: "name the data file")
      ])
    }
    guard let format = DataFormat.inferred(fromPath: absoluteData) else {
      throw ProjectError([
        Diagnostic(
          file: dataPath, "cannot tell the format from the file name", fix: "name it .jsonl, .csv, .tsv or .txt")
      ])
    }
    let yaml = ProjectTemplate.yaml(
      name: Path.stem(of: absoluteData), dataPath: relativePath(from: folderPath, to: absoluteData), format: format,
      question: question, textField: textField, idField: idField)
    let (_, diagnostics) = ProjectConfigParser.parse(yaml, file: "tally.yaml")
    if diagnostics.hasErrors { throw ProjectError(diagnostics.filter { $0.severity == .error }) }
    var backup: String?
    do {
      try Files.makeDirectory(folderPath)
      if Files.exists(configPath) {
        var candidate = configPath + ".bak"
        var n = 2
        while Files.exists(candidate) {
          candidate = configPath + ".bak\(n)"
          n += 1
        }
        try Files.copy(configPath, to: candidate)
        backup = candidate
      }
      try Files.writeAtomically(yaml, to: configPath)
    } catch {
      throw ProjectError([Diagnostic(file: Path.display(configPath), "\(error)")])
    }
    return (configPath, backup)
  }

  /// A relative path from folder `from` to file `to` (both absolute).
  public static func relativePath(from: String, to: String) -> String {
    let a = from.split(separator: "/")
    let b = to.split(separator: "/")
    var common = 0
    while common < a.count && common < b.count - 1 && a[common] == b[common] { common += 1 }
    let ups = Array(repeating: "..", count: a.count - common)
    return (ups + b[common...].map(String.init)).joined(separator: "/")
  }
}

extension ProjectFiles {
  /// True when `path` is a folder.
  public static func isDirectory(_ path: String) -> Bool { Files.isDirectory(path) }
}
