import TallyCore

#if canImport(Glibc)
  import Glibc
#endif

/// A file a command was asked to write (`--out`, `tally init`'s `tally.yaml`, …), checked before anything is
/// written: the project's own files (its data, `tally.yaml`, guidelines, gold, training and exam files, and
/// everything under `labels/`) are refused whatever path spelling reaches them (relative, absolute, `..`, a
/// symlink, a hard link), and an existing file is replaced only with `--force`. Writing goes through a
/// temporary file in the same folder that is renamed into place, so a failed write leaves nothing half-done.
public struct OutputFile: Sendable {
  /// The path as given, for messages.
  public let given: String
  /// The absolute path written.
  public let path: String

  /// Checks `path` against `project`'s files (and `alsoProtected`, e.g. a data file outside any project).
  /// `option` names the option in messages (`--out`). Throws a refusal that says why and what to do.
  public static func check(
    _ path: String, project: Project?, alsoProtected: [ProtectedFile] = [], force: Bool, option: String
  ) throws(OutputRefusal) -> OutputFile {
    let absolute = Path.absolute(path)
    let shown = Path.display(absolute)
    if Files.isDirectory(absolute) {
      throw OutputRefusal(
        "\(option) \(Path.quoted(shown)) is a folder",
        fix: "name a file, e.g. \(option) \(Path.quoted(Path.join(shown, "export.jsonl")))")
    }
    let parent = Path.directory(of: absolute)
    guard Files.isDirectory(parent) else {
      throw OutputRefusal(
        "\(option) \(Path.quoted(shown)): the folder \(Path.quoted(Path.display(parent))) does not exist",
        fix: "create it first, or write somewhere else")
    }
    let protected = (project?.protectedFiles ?? []) + alsoProtected
    let resolved = Files.resolved(absolute)
    let identity = Files.identity(absolute)
    for file in protected {
      let target = Files.resolved(file.path)
      let sameFile =
        (identity != nil && identity == Files.identity(file.path)) || resolved == target
        || (file.isFolder && resolved.hasPrefix(target + "/"))
      if sameFile {
        let via =
          resolved == absolute || file.isFolder && absolute.hasPrefix(file.path + "/")
          ? "" : " (it leads to \(Path.quoted(Path.display(target))))"
        throw OutputRefusal(
          "\(option) \(Path.quoted(shown)) is \(file.what)\(via); Tally never overwrites it",
          fix:
            "write somewhere outside the project's own files, e.g. \(option) \(Path.quoted(suggestion(for: absolute)))")
      }
    }
    if !force && (Files.exists(absolute) || Files.isSymlink(absolute)) {
      throw OutputRefusal(
        "\(option) \(Path.quoted(shown)) already exists", fix: "add --force to replace it, or choose another name")
    }
    return OutputFile(given: path, path: absolute)
  }

  /// Writes the whole text through a temporary file renamed into place.
  public func write(_ text: String, system: any SystemCalls = LiveSystemCalls()) throws(SystemError) {
    try Files.writeAtomically(text, to: path, system: system)
  }

  static func suggestion(for path: String) -> String {
    let name = Path.fileName(of: path)
    let dot = name.lastIndex(of: ".")
    let ext = dot.map { String(name[$0...]) } ?? ".txt"
    return "export" + (ext == ".yaml" || ext == ".yml" ? ".jsonl" : ext)
  }
}

/// One of a project's own files, which no command overwrites.
public struct ProtectedFile: Sendable, Equatable {
  public var path: String
  /// What it is, for messages: "the project's data file".
  public var what: String
  /// A folder: everything under it is protected.
  public var isFolder = false

  public init(path: String, what: String, isFolder: Bool = false) {
    self.path = Path.absolute(path)
    self.what = what
    self.isFolder = isFolder
  }
}

/// Why a command refuses to write a file.
public struct OutputRefusal: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var fix: String

  public init(_ message: String, fix: String) {
    self.message = message
    self.fix = fix
  }

  public var description: String { "\(message)\n  fix: \(fix)" }
}

extension Project {
  /// The files no command may overwrite: `tally.yaml`, the data, the guidelines, the gold, training and
  /// exam files, and the label logs.
  public var protectedFiles: [ProtectedFile] {
    var files = [
      ProtectedFile(path: configPath, what: "the project's tally.yaml"),
      ProtectedFile(path: dataPath, what: "the project's data file"),
      ProtectedFile(path: labelsFolder, what: "inside the project's label logs (labels/)", isFolder: true),
    ]
    if let guidelinesPath { files.append(ProtectedFile(path: guidelinesPath, what: "the project's guidelines")) }
    let quality = config.quality
    for (file, what) in [(quality.gold, "gold"), (quality.training, "training"), (quality.exam, "exam")] {
      if let file { files.append(ProtectedFile(path: qualityFilePath(file), what: "the project's \(what) file")) }
    }
    return files
  }
}

extension Files {
  /// The path with every symlink resolved (the folder's, when the file itself does not exist yet).
  static func resolved(_ path: String) -> String {
    if let real = realPath(path) { return real }
    let parent = Path.directory(of: path)
    if let realParent = realPath(parent) { return Path.join(realParent, Path.fileName(of: path)) }
    return path
  }

  static func realPath(_ path: String) -> String? {
    guard let pointer = realpath(path, nil) else { return nil }
    defer { free(pointer) }
    return String(cString: pointer)
  }

  /// Device and inode of an existing file (following symlinks), so hard links are recognised.
  static func identity(_ path: String) -> [UInt64]? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return [UInt64(st.st_dev), UInt64(st.st_ino)]
  }

  static func isSymlink(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
  }
}
