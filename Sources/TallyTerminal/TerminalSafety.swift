import CNcursesw

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Leaves the user's terminal sane when Tally dies: signal handlers, an exit hook and stderr capture.
///
/// The handlers and their state live in C (`shim.h`): a signal handler must not touch Swift globals, and
/// a C handler needs no captures. On SIGINT, SIGTERM, SIGHUP, SIGQUIT and on the crash signals SIGSEGV,
/// SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP the handler
/// 1. calls `endwin()` if a real terminal is in curses mode,
/// 2. puts the real stderr back on fd 2 and replays what was written to it meanwhile
///    (a `fatalError` message, for instance), and
/// 3. re-raises the signal: termination signals with the default action, so the exit status shows the
///    signal; crash signals with the handler that was there before (Swift's backtracer), or the default.
///
/// `install()` also registers an `atexit` hook doing steps 1 and 2, for code paths that call `exit`.
/// `Terminal.init(colors:)` calls `install()` and `captureStderr()` itself; `Terminal.restore()` releases
/// stderr. The test terminal (`Terminal(testingWidth:height:)`) does neither.
public enum TerminalSafety {
  /// Installs the signal handlers and the exit hook; later calls do nothing.
  ///
  /// Termination signals that were ignored at start (`nohup`, background jobs) stay ignored. Install before
  /// ncurses starts so that ncurses does not put its own SIGINT/SIGTERM handlers in place.
  public static func install() {
    _ = tally_safety_install()
  }

  /// Sends fd 2 to an unlinked temporary file until `releaseStderr()`, so that messages written while
  /// curses owns the screen are not lost on the alternate screen. Returns false if stderr could not be
  /// captured (it then stays where it was), including when it is captured already.
  @discardableResult
  public static func captureStderr() -> Bool {
    fflush(nil)
    let directory = environmentValue("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array("\(directory)/tally-stderr-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
      guard let base = buffer.baseAddress else { return -1 }
      return mkstemp(base)
    }
    guard fd >= 0 else { return false }
    // Nobody else needs the name; the descriptor keeps the file alive until it is replayed.
    template.withUnsafeBufferPointer { buffer in
      if let base = buffer.baseAddress { _ = unlink(base) }
    }
    guard tally_stderr_capture(fd) == 0 else {
      close(fd)
      return false
    }
    return true
  }

  /// Puts the real stderr back on fd 2 and copies everything captured onto it. Safe to call more than once.
  public static func releaseStderr() {
    tally_stderr_release()
  }

  /// True while fd 2 is being captured.
  public static var isCapturingStderr: Bool {
    tally_stderr_is_captured() != 0
  }

  /// Records that a real terminal entered curses mode, so the handlers know to call `endwin()`.
  static func cursesDidStart() {
    tally_safety_set_curses_active(1)
  }

  /// Records that curses mode ended; call right after `endwin()` and before the screen is freed.
  static func cursesDidEnd() {
    tally_safety_set_curses_active(0)
  }

  /// Reads one environment variable.
  static func environmentValue(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
  }
}
