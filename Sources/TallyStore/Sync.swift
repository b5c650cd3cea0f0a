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
    // A local path given relative to where the command runs, not to the project folder git runs in.
    let remote = remote.map { r -> String in
      // git's rule: `scheme://…` is a URL, `host:path` (a colon before any slash) is scp-like; the rest is a path.
      if r.contains("://") { return r }
      if let colon = r.firstIndex(of: ":"), !r[..<colon].contains("/") { return r }
      return Path.absolute(r)
    }
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
    // A merge in progress (a killed sync's, or one started by hand) is not Tally's to finish or undo.
    if git("rev-parse", "-q", "--verify", "MERGE_HEAD").ok {
      throw SyncError(
        "a git merge is in progress in this repository; nothing was changed\n  fix: finish it (git commit) or undo it "
          + "(git merge --abort), then sync again")
    }

    // The label logs that only grew: this device's, and other devices' logs this machine received by a bundle.
    // Nothing else is ever staged, and a log that lost or changed lines is never committed.
    let logs = project.logPaths().map { String($0.dropFirst(folder.count + 1)) }
    // One diff of the working tree against the last commit, for every log at once.
    let changes = runner.run(["diff", "-z", "--numstat", "--relative", "--", "labels"], in: folder)
    if changes.ok, let shrunk = numstat(changes.output).first(where: { $0.deleted > 0 && logs.contains($0.path) }) {
      throw SyncError(
        "\(shrunk.path) lost or changed records since its last commit (label logs only grow); nothing was synced\n"
          + "  fix: compare it with `git diff -- \(shrunk.path)` and `tally verify`")
    }
    if !logs.isEmpty {
      try must(runner.run(["add", "--"] + logs, in: folder), "git add (label logs)")
      let staged = runner.run(["diff", "--cached", "-z", "--numstat", "--relative", "--"] + logs, in: folder)
      report.out = counts(staged.output, project: project, folder: folder)
      let anything = !runner.run(["diff", "--cached", "--quiet", "--"] + logs, in: folder).ok
      if anything {
        let summary = report.out.keys.sorted().map { "\($0) +\(report.out[$0] ?? 0)" }.joined(separator: ", ")
        try must(
          runner.run(
            identity(runner, folder, device) + ["commit", "--quiet", "-m", "tally sync \(device): \(summary)", "--"]
              + logs,
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
        // Label logs only grow: a remote that removed or changed records is refused before anything merges.
        let theirs = runner.run(
          ["diff", "-z", "--numstat", "--relative", "HEAD...\(remoteBranch)", "--", "labels"], in: folder)
        if let shrunk = numstat(theirs.output).first(where: { $0.deleted > 0 }) {
          throw SyncError(
            "the remote removed or changed records of \(shrunk.path); nothing was merged (label logs only grow)\n"
              + "  fix: find the commit with `git log -p \(remoteBranch) -- \(shrunk.path)`, and restore the log there")
        }
        let merge = runner.run(
          identity(runner, folder, device) + ["merge", "--no-edit", "--quiet", remoteBranch], in: folder)
        if !merge.ok {
          let conflicted = git("diff", "--name-only", "--diff-filter=U").text
          _ = git("merge", "--abort")
          throw SyncError(
            "git reports a conflict merging the remote's records"
              + (conflicted.isEmpty ? "" : " (in \(conflicted.split(separator: "\n").joined(separator: ", ")))")
              + "; the merge was undone (your own commit of this machine's records is kept)\n  git says:\n\(indented(merge.text))\n  fix: a log written on two machines "
              + "under one device id (a copied ~/.config/tally?) cannot merge; give one machine a new device id")
        }
        let came = runner.run(["diff", "-z", "--numstat", "--relative", before, "HEAD", "--", "labels"], in: folder)
        for (annotator, n) in counts(came.output, project: project, folder: folder) {
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

  /// `git diff -z --numstat` entries: lines added and deleted per path (paths as git gives them, unquoted).
  static func numstat(_ output: String) -> [(added: Int, deleted: Int, path: String)] {
    output.split(separator: "\0").compactMap { entry in
      let parts = entry.split(separator: "\t", maxSplits: 2).map(String.init)
      guard parts.count == 3 else { return nil }
      return (Int(parts[0]) ?? 0, Int(parts[1]) ?? 0, parts[2].trimmingCharacters(in: "\n"))
    }
  }

  /// Lines added per annotator (their log folder's name), from `git diff -z --numstat --relative` of label logs.
  static func counts(_ output: String, project: Project, folder: String) -> [String: Int] {
    var result: [String: Int] = [:]
    for (added, _, path) in numstat(output) where added > 0 {
      guard let owner = project.owner(ofLog: Path.join(folder, path)) else { continue }
      result[LabelLogReader.annotator(fromFileName: owner.annotatorFileName), default: 0] += added
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
