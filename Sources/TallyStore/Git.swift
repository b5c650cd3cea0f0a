import TallyCore

#if canImport(Glibc)
  import Glibc
#endif

/// What one git command did.
public struct GitResult: Sendable, Equatable {
  public var status: Int32
  /// Standard output and error together.
  public var output: String

  public init(status: Int32, output: String) {
    self.status = status
    self.output = output
  }

  public var ok: Bool { status == 0 }
  /// The output without its final newline.
  public var text: String { output.hasSuffix("\n") ? String(output.dropLast()) : output }
}

/// The seam between `tally sync` and git: the real one runs the machine's `git` as a subprocess; tests can give
/// one that fails on purpose.
public protocol GitRunner: Sendable {
  func run(_ arguments: [String], in directory: String) -> GitResult
}

/// The machine's git, with the user's own configuration, SSH agent and credential helpers: Tally holds no
/// credentials. Output goes through a temporary file (a pipe could be held open by an SSH connection git leaves
/// behind).
public struct LiveGit: GitRunner {
  public init() {}

  public func run(_ arguments: [String], in directory: String) -> GitResult {
    var template = Array("/tmp/tally-git-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
    guard fd >= 0 else { return GitResult(status: -1, output: "cannot make a temporary file for git's output") }
    let outputPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer {
      close(fd)
      unlink(outputPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, fd, 1)
    posix_spawn_file_actions_adddup2(&actions, fd, 2)
    let command = ["/usr/bin/env", "git", "-C", directory] + arguments
    var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    // Never wait for a password on a terminal nobody watches: a remote that needs one fails with git's message.
    var environment = [String]()
    var index = 0
    while let entry = environ[index] {
      environment.append(String(cString: entry))
      index += 1
    }
    environment.append("GIT_TERMINAL_PROMPT=0")
    var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
    defer { for p in envp { free(p) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, &argv, &envp)
    guard spawned == 0 else { return GitResult(status: -1, output: "cannot run git: error \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let bytes = (try? Files.readBytes(outputPath)) ?? []
    let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return GitResult(status: code, output: String(decoding: bytes, as: UTF8.self))
  }
}
