#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An error from a system call, with the path and operation that failed.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
  public var operation: String
  public var path: String
  public var code: Int32

  public init(_ operation: String, path: String, code: Int32) {
    self.operation = operation
    self.path = path
    self.code = code
  }

  public var description: String {
    let reason = String(cString: strerror(code))
    return "\(operation) \(path): \(reason)"
  }
}

/// The system calls the label log makes, behind one seam so tests can make them fail (disk full, EIO).
public protocol SystemCalls: Sendable {
  func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
  func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int
  func fsync(_ fd: Int32) -> Int32
  func close(_ fd: Int32) -> Int32
  func flock(_ fd: Int32, _ operation: Int32) -> Int32
  func rename(_ from: String, _ to: String) -> Int32
  func unlink(_ path: String) -> Int32
}

extension SystemCalls {
  // Fakes that only fail writes or fsyncs get the real calls for the rest.
  public func rename(_ from: String, _ to: String) -> Int32 { Glibc.rename(from, to) }
  public func unlink(_ path: String) -> Int32 { Glibc.unlink(path) }
}

/// The real system calls.
public struct LiveSystemCalls: SystemCalls {
  public init() {}
  public func open(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { Glibc.open(path, flags, mode) }
  public func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
    Glibc.write(fd, buffer.baseAddress, buffer.count)
  }
  public func fsync(_ fd: Int32) -> Int32 { Glibc.fsync(fd) }
  public func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }
  public func flock(_ fd: Int32, _ operation: Int32) -> Int32 { cFlock(fd, operation) }
  public func rename(_ from: String, _ to: String) -> Int32 { Glibc.rename(from, to) }
  public func unlink(_ path: String) -> Int32 { Glibc.unlink(path) }
}

// `flock` the function is shadowed by `struct flock` in Swift's Glibc module.
@_silgen_name("flock") func cFlock(_ fd: Int32, _ operation: Int32) -> Int32

/// Small file helpers used by the store.
enum Files {
  static func exists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0
  }

  static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  static func size(_ path: String) -> Int64? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Int64(st.st_size)
  }

  /// Reads a whole file (or its first `limit` bytes) as bytes: sized by `fstat` and read straight into the
  /// array, so a large file is neither copied nor regrown.
  static func readBytes(_ path: String, limit: Int = .max) throws(SystemError) -> [UInt8] {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SystemError("cannot open", path: path, code: errno) }
    defer { _ = Glibc.close(fd) }
    var st = stat()
    let known = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
    var result: [UInt8] = []
    var capacity = min(limit, max(known + 1, 1 << 16))
    while result.count < limit {
      if result.count == capacity { capacity = min(limit, capacity * 2) }
      var readError: Int32 = 0
      var atEnd = false
      let old = result.count
      let grown = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
        if let base = buffer.baseAddress {
          result.withUnsafeBufferPointer { previous in
            if let from = previous.baseAddress { base.initialize(from: from, count: old) }
          }
        }
        count = old
        while count < capacity {
          let n = Glibc.read(fd, buffer.baseAddress.map { $0 + count }, capacity - count)
          if n < 0 {
            if errno == EINTR { continue }
            readError = errno
            return
          }
          if n == 0 {
            atEnd = true
            return
          }
          count += n
        }
      }
      result = grown
      if readError != 0 { throw SystemError("cannot read", path: path, code: readError) }
      if atEnd { break }
    }
    return result
  }

  static func readText(_ path: String) throws(SystemError) -> String {
    String(decoding: try readBytes(path), as: UTF8.self)
  }

  /// Writes a file atomically: a new temporary file in the same folder, written whole and fsync'd, then
  /// renamed over `path` and the folder fsync'd. On any failure the temporary file is removed and `path` is
  /// left as it was, so an interrupted write never leaves a half-written file.
  static func writeAtomically(
    _ text: String, to path: String, system: any SystemCalls = LiveSystemCalls()
  ) throws(SystemError) {
    try writeAtomically(bytes: Array(text.utf8), to: path, system: system)
  }

  static func writeAtomically(
    bytes: [UInt8], to path: String, system: any SystemCalls = LiveSystemCalls()
  ) throws(SystemError) {
    let temporary = Path.join(Path.directory(of: path), "." + Path.fileName(of: path) + ".tally-tmp-\(getpid())")
    let fd = system.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      let code = errno
      if code == EEXIST {
        // Left by an earlier run of this pid that was killed: not ours to keep.
        _ = system.unlink(temporary)
        return try writeAtomically(bytes: bytes, to: path, system: system)
      }
      throw SystemError("cannot create", path: temporary, code: code)
    }
    func fail(_ operation: String, _ code: Int32) -> SystemError {
      _ = system.close(fd)
      _ = system.unlink(temporary)
      return SystemError(operation, path: temporary, code: code)
    }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { raw in system.write(fd, UnsafeRawBufferPointer(rebasing: raw[written...])) }
      if n < 0 {
        if errno == EINTR { continue }
        throw fail("cannot write", errno)
      }
      if n == 0 { throw fail("cannot write", EIO) }
      written += n
    }
    guard system.fsync(fd) == 0 else { throw fail("cannot fsync", errno) }
    guard system.close(fd) == 0 else {
      let code = errno
      _ = system.unlink(temporary)
      throw SystemError("cannot close", path: temporary, code: code)
    }
    guard system.rename(temporary, path) == 0 else {
      let code = errno
      _ = system.unlink(temporary)
      throw SystemError("cannot rename to", path: path, code: code)
    }
    syncDirectory(of: path)
  }

  /// Copies a (small) file whole to a new path, atomically.
  static func copy(_ source: String, to destination: String) throws(SystemError) {
    try writeAtomically(bytes: try readBytes(source), to: destination)
  }

  /// Makes a folder (and its parents) if missing.
  static func makeDirectory(_ path: String) throws(SystemError) {
    if isDirectory(path) { return }
    let parent = Path.directory(of: path)
    if parent != path && !parent.isEmpty && !isDirectory(parent) { try makeDirectory(parent) }
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw SystemError("cannot create folder", path: path, code: errno)
    }
    syncDirectory(of: path)
  }

  /// fsyncs the folder holding `path`, so a newly created entry survives a power cut.
  static func syncDirectory(of path: String) {
    let fd = Glibc.open(Path.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      _ = Glibc.fsync(fd)
      _ = Glibc.close(fd)
    }
  }

  static func listDirectory(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
        pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }
}

/// Path string helpers (POSIX paths).
public enum Path {
  public static func join(_ a: String, _ b: String) -> String {
    if b.hasPrefix("/") || a.isEmpty { return b }
    return a.hasSuffix("/") ? a + b : a + "/" + b
  }

  public static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  public static func fileName(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }

  /// The name without its last extension.
  public static func stem(of path: String) -> String {
    let name = fileName(of: path)
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
  }

  /// An absolute, normalised path (no `.` or `..` parts).
  public static func absolute(_ path: String) -> String {
    var full = path
    if !path.hasPrefix("/") {
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      if getcwd(&buffer, buffer.count) != nil {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        full = join(String(decoding: bytes, as: UTF8.self), path)
      }
    }
    var parts: [Substring] = []
    for part in full.split(separator: "/") {
      if part == "." || part.isEmpty { continue }
      if part == ".." {
        if !parts.isEmpty { parts.removeLast() }
        continue
      }
      parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
  }

  /// `path` relative to the current folder when it is inside it, else as given; for messages.
  public static func display(_ path: String) -> String {
    let absolutePath = absolute(path)
    let cwd = absolute(".")
    if absolutePath.hasPrefix(cwd + "/") { return String(absolutePath.dropFirst(cwd.count + 1)) }
    return absolutePath
  }
}
