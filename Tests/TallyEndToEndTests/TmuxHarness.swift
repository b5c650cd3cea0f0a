import Foundation
import Testing

/// Runs the real `tally` binary in a detached tmux session and reads its screen.
final class TmuxSession {
  let name: String
  let width: Int
  let height: Int

  /// A tmux server of our own, so tests never touch (or inherit signal masks from) a user's server.
  static let socket = "tally-e2e-\(getpid())"

  /// The `tally` binary built next to this test bundle.
  static var tallyBinary: String {
    // TALLY_BINARY runs the same tests against another build (e.g. .build-release/release/tally).
    if let override = ProcessInfo.processInfo.environment["TALLY_BINARY"], !override.isEmpty {
      return URL(fileURLWithPath: override).standardizedFileURL.path
    }
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("tally").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return ".build/debug/tally"
  }

  static var tmuxAvailable: Bool { (try? run(["tmux", "-V"]))?.status == 0 }

  /// The device id every command run by the tests has (unless a test gives a machine its own
  /// `XDG_CONFIG_HOME`): logs the binary writes are `labels/<annotator>/e2e-machine.jsonl`.
  static let device = "e2e-machine"

  /// The Tally home (`XDG_CONFIG_HOME`) of that device.
  static let home: String = machineHome(device)

  /// A Tally home for a simulated machine with the given device id.
  static func machineHome(_ device: String) -> String {
    let base = NSTemporaryDirectory() + "tally-e2e-homes-\(getpid())/" + device
    try? FileManager.default.createDirectory(atPath: base + "/tally", withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: base + "/tally/device", contents: Data((device + "\n").utf8))
    return base
  }

  init(command: String, directory: String, width: Int = 100, height: Int = 30, environment: [String: String] = [:])
    throws
  {
    name = "tally-e2e-\(UUID().uuidString.prefix(8))"
    self.width = width
    self.height = height
    var env = "TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"
    if environment["XDG_CONFIG_HOME"] == nil { env += " XDG_CONFIG_HOME='\(Self.home)'" }
    for (k, v) in environment { env += " \(k)='\(v)'" }
    let shell = "cd '\(directory)' && env \(env) \(command); printf '\\r\\nTALLY-EXIT=%s\\r\\n' $?; sleep 30"
    let result = try Self.run([
      "tmux", "-L", Self.socket, "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", shell,
    ])
    guard result.status == 0 else { throw HarnessError("tmux new-session failed: \(result.output)") }
  }

  deinit { _ = try? Self.run(["tmux", "-L", Self.socket, "kill-session", "-t", name]) }

  /// Sends keys as tmux key names (e.g. "Left", "Enter", "1").
  func send(_ keys: String...) throws {
    for key in keys { _ = try Self.run(["tmux", "-L", Self.socket, "send-keys", "-t", name, key]) }
  }

  /// Sends text literally.
  func type(_ text: String) throws {
    _ = try Self.run(["tmux", "-L", Self.socket, "send-keys", "-t", name, "-l", text])
  }

  func capture() throws -> String {
    try Self.run(["tmux", "-L", Self.socket, "capture-pane", "-p", "-J", "-t", name]).output
  }

  /// Waits until the screen contains `text`; fails the test with the screen if it never does.
  @discardableResult
  func waitFor(_ text: String, timeout: Double = 15, sourceLocation: SourceLocation = #_sourceLocation) throws -> String
  {
    let deadline = Date().addingTimeInterval(timeout)
    var screen = ""
    while Date() < deadline {
      screen = try capture()
      if screen.contains(text) {
        // A capture can catch a frame half drawn (top to bottom): return the screen once it holds still.
        var settled = screen
        for _ in 0..<20 {
          Thread.sleep(forTimeInterval: 0.03)
          let again = try capture()
          if again == settled { break }
          settled = again
        }
        if settled.contains(text) { return settled }
        screen = settled
        continue
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record("timed out waiting for “\(text)”; screen was:\n\(screen)", sourceLocation: sourceLocation)
    throw HarnessError("timed out waiting for \(text)")
  }

  /// Kills the program with SIGKILL (no chance to clean up) and waits until the pane's shell reports it gone.
  func killProgram(sourceLocation: SourceLocation = #_sourceLocation) throws {
    let pid = try #require(try programPID(), sourceLocation: sourceLocation)
    let killed = kill(pid, SIGKILL)
    #expect(killed == 0, "kill \(pid) failed: errno \(errno)", sourceLocation: sourceLocation)
    try waitFor("TALLY-EXIT=", sourceLocation: sourceLocation)
  }

  /// The process id of the program running in the pane (the child of the pane's shell).
  func programPID() throws -> Int32? {
    let shell = try Self.run(["tmux", "-L", Self.socket, "display-message", "-p", "-t", name, "#{pane_pid}"]).output
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let children = try Self.run(["pgrep", "-P", shell]).output.split(separator: "\n")
    for child in children {
      let pid = String(child).trimmingCharacters(in: .whitespaces)
      let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
      if comm.hasPrefix("tally") || comm.hasPrefix("sh") { return Int32(pid) }
    }
    return nil
  }

  /// Runs a command and waits for it, with output captured through a file. Uses posix_spawn and waitpid
  /// on that one pid: Foundation's Process can miss a child's exit while Swift Testing's exit-test monitor
  /// is watching children, and a pipe would be held open by a tmux server the command starts.
  @discardableResult
  static func run(_ arguments: [String], input: String? = nil, directory: String? = nil) throws -> (
    status: Int32, output: String
  ) {
    let outputPath = NSTemporaryDirectory() + "tally-run-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: outputPath) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var command = ["/usr/bin/env", "XDG_CONFIG_HOME=" + home] + arguments
    if let directory {
      // env has no chdir option everywhere: go through sh.
      command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + arguments
    }
    var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // The test runner's threads block signals, and a spawned child inherits that mask: a shell would
    // then never see SIGCHLD and a tmux server never SIGWINCH. Start children with a clean mask.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, command[0], &actions, &attributes, &argv, environ)
    guard spawned == 0 else { throw HarnessError("cannot run \(arguments): error \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let data = FileManager.default.contents(atPath: outputPath) ?? Data()
    let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (exitCode, String(decoding: data, as: UTF8.self))
  }
}

struct HarnessError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A temporary folder removed at the end of the test.
final class TemporaryFolder {
  let path: String
  init() throws {
    path = NSTemporaryDirectory() + "tally-e2e-" + UUID().uuidString.prefix(8)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }

  func write(_ name: String, _ text: String) throws {
    let url = URL(fileURLWithPath: path).appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: true, encoding: .utf8)
  }

  func read(_ name: String) throws -> String {
    try String(contentsOfFile: path + "/" + name, encoding: .utf8)
  }
}
