import TallyCore

/// What a sync did: records that went out and came in, per annotator, and what it had to say.
public struct SyncReport: Sendable, Equatable {
  public var out: [String: Int] = [:]
  public var incoming: [String: Int] = [:]
  public var committed = false
  public var pushed = false
  public var createdRepository = false
  public var notes: [String] = []

  /// One line per direction: `out: ana 3, ben 1` / `in: cy 12` / `nothing new`.
  public var lines: [String] {
    func list(_ counts: [String: Int]) -> String {
      counts.keys.sorted().map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }
    var result = notes
    if out.isEmpty && incoming.isEmpty {
      result.append("nothing new: this machine and the remote hold the same records")
    } else {
      if !out.isEmpty { result.append("out: \(out.values.reduce(0, +)) records (\(list(out)))") }
      if !incoming.isEmpty { result.append("in: \(incoming.values.reduce(0, +)) records (\(list(incoming)))") }
    }
    return result
  }
}

/// Why a sync stopped.
public struct SyncError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// `tally sync`: this machine's logs go into the project's git repository and to its remote, the other
/// machines' logs come back. Each (annotator, device) log is written by one machine only, so the merge is a
/// union of files that cannot conflict; sync only ever stages this device's own logs.
public enum Sync {
  public static func run(
    project: Project, device: String, remote: String?, git runner: any GitRunner = LiveGit(), attempts: Int = 5
  ) throws(SyncError) -> SyncReport {
    var report = SyncReport()
    let folder = project.folder
    func git(_ arguments: String...) -> GitResult { runner.run(arguments, in: folder) }
    func must(_ result: GitResult, _ what: String) throws(SyncError) {
      guard result.ok else { throw SyncError("\(what) failed; git says:\n\(indented(result.text))") }
    }

    // The repository: found, or (with --remote) created with the project's own files in its first commit.
    if !git("rev-parse", "--show-toplevel").ok {
      guard remote != nil else {
        throw SyncError(
          "\(Path.display(folder)) is not in a git repository\n  fix: run `tally sync \(Path.quoted(Path.display(folder))) "
            + "--remote URL` once (a bare repository on a shared disk, ssh://…, or a hosting service)")
      }
      try must(git("init", "--quiet"), "git init")
      report.createdRepository = true
      let ignore = Path.join(folder, ".gitignore")
      if !Files.exists(ignore) {
        do {
          try Files.writeAtomically("# Tally's working files, never shared\nlabels/*.lock\nlabels/.*\n", to: ignore)
        } catch {
          throw SyncError("cannot write \(Path.display(ignore)): \(error)")
        }
      }
      let files = [".gitignore"] + projectFiles(project)
      try must(runner.run(["add", "--"] + files, in: folder), "git add (the project's files)")
      try must(
        runner.run(
          identity(runner, folder, device) + ["commit", "--quiet", "-m", "tally: project \(project.config.name)"],
          in: folder),
        "the first commit")
      report.notes.append("made a git repository here with the project's files: \(files.joined(separator: ", "))")
    }
    // The remote.
    let origin = git("remote", "get-url", "origin")
    if let remote {
      if !origin.ok {
        try must(git("remote", "add", "origin", remote), "git remote add")
      } else if origin.text != remote {
        throw SyncError(
          "this repository's remote `origin` is \(origin.text), not \(remote)\n  fix: drop --remote, or change it "
            + "with `git remote set-url origin \(remote)`")
      }
    } else if !origin.ok {
      throw SyncError("this repository has no remote `origin`\n  fix: run once with --remote URL")
    }
    // A merge a killed sync left half done is finished or undone by git before anything else.
    if Files.exists(Path.join(folder, ".git/MERGE_HEAD")) {
      _ = git("merge", "--abort")
      report.notes.append("undid a merge an earlier sync left unfinished")
    }

    // This machine's new records.
    let own = project.logPaths().filter { project.owner(ofLog: $0)?.device == device }
      .map { String($0.dropFirst(folder.count + 1)) }
    if !own.isEmpty {
      try must(runner.run(["add", "--"] + own, in: folder), "git add (this device's logs)")
      let staged = runner.run(["diff", "--cached", "--numstat", "--"] + own, in: folder)
      report.out = counts(staged.text, project: project, folder: folder)
      if !report.out.isEmpty {
        let summary = report.out.keys.sorted().map { "\($0) +\(report.out[$0] ?? 0)" }.joined(separator: ", ")
        try must(
          runner.run(
            identity(runner, folder, device) + ["commit", "--quiet", "-m", "tally sync \(device): \(summary)", "--"]
              + own,
            in: folder), "git commit")
        report.committed = true
      }
    }
    let branchResult = git("symbolic-ref", "--short", "HEAD")
    try must(branchResult, "finding the branch")
    let branch = branchResult.text

    // Fetch, merge, push; a push someone else beat is retried from the fetch.
    var attempt = 0
    while true {
      attempt += 1
      try must(git("fetch", "--quiet", "origin"), "git fetch")
      let remoteBranch = "origin/" + branch
      if git("rev-parse", "--verify", "--quiet", remoteBranch).ok {
        let before = git("rev-parse", "HEAD").text
        let merge = runner.run(
          identity(runner, folder, device) + ["merge", "--no-edit", "--quiet", remoteBranch], in: folder)
        if !merge.ok {
          let conflicted = git("diff", "--name-only", "--diff-filter=U").text
          _ = git("merge", "--abort")
          throw SyncError(
            "git reports a conflict merging the remote's records"
              + (conflicted.isEmpty ? "" : " (in \(conflicted.split(separator: "\n").joined(separator: ", ")))")
              + "; nothing was changed\n  git says:\n\(indented(merge.text))\n  fix: a log written on two machines "
              + "under one device id (a copied ~/.config/tally?) cannot merge; give one machine a new device id")
        }
        let came = git("diff", "--numstat", before, "HEAD", "--", "labels")
        for (annotator, n) in counts(came.text, project: project, folder: folder) {
          report.incoming[annotator, default: 0] += n
        }
      }
      let ahead = git("rev-list", "--count", "\(remoteBranch)..HEAD")
      if ahead.ok && ahead.text == "0" { break }
      let push = git("push", "--quiet", "-u", "origin", "HEAD:\(branch)")
      if push.ok {
        report.pushed = true
        break
      }
      if attempt >= attempts || !(push.output.contains("rejected") || push.output.contains("fetch first")) {
        throw SyncError(
          "git push failed\(attempt > 1 ? " after \(attempt) tries" : ""); your records are committed here and go "
            + "out with the next sync\n  git says:\n\(indented(push.text))")
      }
    }
    // Concurrent answers (one annotator, one task, two machines) are named.
    if let store = try? LabelStore.load(project: project), !store.conflicts.isEmpty {
      for conflict in store.conflicts.prefix(20) {
        report.notes.append(
          "\(conflict.annotator) has \(conflict.recordIDs.count) current answers to \(conflict.task) "
            + "(records \(conflict.recordIDs.joined(separator: ", "))): the latest counts; settle it by answering again"
        )
      }
    }
    return report
  }

  /// The project's own files inside its folder: tally.yaml, the data, gold, training, exam and guidelines.
  static func projectFiles(_ project: Project) -> [String] {
    let quality = project.config.quality
    let candidates =
      [project.configPath, project.dataPath, project.guidelinesPath]
      + [quality.gold, quality.training, quality.exam].compactMap { $0 }.map {
        Path.absolute(Path.join(project.folder, $0))
      }
    let prefix = Path.absolute(project.folder) + "/"
    return candidates.compactMap { $0 }.map(Path.absolute).filter { $0.hasPrefix(prefix) && Files.exists($0) }
      .map { String($0.dropFirst(prefix.count)) }
  }

  /// Lines added per annotator, from `git diff --numstat` of label logs.
  static func counts(_ numstat: String, project: Project, folder: String) -> [String: Int] {
    var result: [String: Int] = [:]
    for line in numstat.split(separator: "\n") {
      let parts = line.split(separator: "\t", maxSplits: 2).map(String.init)
      guard parts.count == 3, let added = Int(parts[0]), added > 0 else { continue }
      let path = Path.join(folder, parts[2])
      guard let owner = project.owner(ofLog: path) else { continue }
      result[owner.annotatorFileName, default: 0] += added
    }
    return result
  }

  /// `-c user.name=… -c user.email=…` when git has no identity configured (a fresh machine), so a sync never
  /// fails for want of one; the user's own identity otherwise.
  static func identity(_ git: any GitRunner, _ folder: String, _ device: String) -> [String] {
    let email = git.run(["config", "user.email"], in: folder)
    return email.ok && !email.text.isEmpty
      ? [] : ["-c", "user.name=tally \(device)", "-c", "user.email=tally@\(device)"]
  }

  static func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
  }
}
