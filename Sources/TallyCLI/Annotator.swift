import TallyTerminal

#if canImport(Glibc)
  import Glibc
#endif

/// Who is labeling: `--annotator`, else the login name.
enum Annotator {
  static func resolve(_ explicit: String?) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name {
      let login = String(cString: name)
      if !login.isEmpty { return login }
    }
    if let user = getenv("USER") { return String(cString: user) }
    return "annotator"
  }
}

/// Wall-clock time and record ids for inputs (the only clock the app reads).
enum Clock {
  static func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }
}

/// Globally unique record ids: UUID version 7 (48-bit milliseconds, then random bits), so ids also sort by time.
enum RecordIDs {
  static func make(time: Double) -> String {
    var rng = SystemRandomNumberGenerator()
    let millis = UInt64(max(0, time) * 1000)
    var bytes = [UInt8](repeating: 0, count: 16)
    for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - UInt64(i)))) }
    let random = (rng.next() as UInt64, rng.next() as UInt64)
    for i in 6..<16 {
      let source = i < 14 ? random.0 >> (8 * UInt64(i - 6)) : random.1 >> (8 * UInt64(i - 14))
      bytes[i] = UInt8(truncatingIfNeeded: source)
    }
    bytes[6] = (bytes[6] & 0x0F) | 0x70
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let hex = bytes.map { byte -> String in
      let s = String(byte, radix: 16)
      return byte < 16 ? "0" + s : s
    }
    return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
      + hex[8..<10].joined() + "-" + hex[10..<16].joined()
  }
}

/// The terminal a session draws on: signal safety installed, colours as the environment asks; nil (with the
/// reason printed) when there is none.
enum SessionTerminal {
  static func open() -> Terminal? {
    do {
      TerminalSafety.install()
      return try Terminal(colors: Terminal.colorsWanted(environment: Environment.all()))
    } catch {
      StandardError.print("tally: \(error)")
      return nil
    }
  }
}

/// Writing to standard error.
enum StandardError {
  static func print(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    _ = line.utf8CString.withUnsafeBufferPointer { buffer in
      write(2, buffer.baseAddress, buffer.count - 1)
    }
  }
}
