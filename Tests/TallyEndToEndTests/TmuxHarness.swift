import Foundation
import Testing

/// Runs the real `tally` binary in a detached tmux session and reads its screen.
final class TmuxSession {
  let name: String
  let width: Int
  let height: Int

  /// The `tally` binary built next to this test bundle.
  static var tallyBinary: String {
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

  init(command: String, directory: String, width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
    name = "tally-e2e-\(UUID().uuidString.prefix(8))"
    self.width = width
    self.height = height
    var env = "TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"
    for (k, v) in environment { env += " \(k)=\(v)" }
    let shell = "cd '\(directory)' && env \(env) \(command); printf '\\r\\nTALLY-EXIT=%s\\r\\n' $?; sleep 30"
    let result = try Self.run(["tmux", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", shell])
    guard result.status == 0 else { throw HarnessError("tmux new-session failed: \(result.output)") }
  }

  deinit { _ = try? Self.run(["tmux", "kill-session", "-t", name]) }

  /// Sends keys as tmux key names (e.g. "Left", "Enter", "1").
  func send(_ keys: String...) throws {
    for key in keys { _ = try Self.run(["tmux", "send-keys", "-t", name, key]) }
  }

  /// Sends text literally.
  func type(_ text: String) throws {
    _ = try Self.run(["tmux", "send-keys", "-t", name, "-l", text])
  }

  func capture() throws -> String {
    try Self.run(["tmux", "capture-pane", "-p", "-J", "-t", name]).output
  }

  /// Waits until the screen contains `text`; fails the test with the screen if it never does.
  @discardableResult
  func waitFor(_ text: String, timeout: Double = 15, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var screen = ""
    while Date() < deadline {
      screen = try capture()
      if screen.contains(text) { return screen }
      Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record("timed out waiting for “\(text)”; screen was:\n\(screen)", sourceLocation: sourceLocation)
    throw HarnessError("timed out waiting for \(text)")
  }

  /// The process id of the program running in the pane (the child of the pane's shell).
  func programPID() throws -> Int32? {
    let shell = try Self.run(["tmux", "display-message", "-p", "-t", name, "#{pane_pid}"]).output
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let children = try Self.run(["pgrep", "-P", shell]).output.split(separator: "\n")
    for child in children {
      let pid = String(child).trimmingCharacters(in: .whitespaces)
      let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
      if comm.hasPrefix("tally") || comm.hasPrefix("sh") { return Int32(pid) }
    }
    return nil
  }

  @discardableResult
  static func run(_ arguments: [String], input: String? = nil, directory: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
