import TallyCore
import TallyJSON

#if canImport(Glibc)
  import Glibc
#endif

/// Who holds a session lock: written into the lock file so a refused session can say where the other runs.
public struct LockHolder: Sendable, Equatable {
  public var host: String
  public var pid: Int32
  public var annotator: String
  /// ISO 8601 time the session started.
  public var startedAt: String

  public init(host: String, pid: Int32, annotator: String, startedAt: String) {
    self.host = host
    self.pid = pid
    self.annotator = annotator
    self.startedAt = startedAt
  }

  var json: String {
    var o = JSONObject()
    o["host"] = .string(host)
    o["pid"] = .number(Double(pid))
    o["annotator"] = .string(annotator)
    o["started_at"] = .string(startedAt)
    return JSONValue.object(o).serialized() + "\n"
  }

  init?(json bytes: [UInt8]) {
    var line = bytes
    while let last = line.last, last == 0x0A || last == 0x0D || last == 0x20 { line.removeLast() }
    guard let value = try? JSONParser.parse(line),
      let o = value.objectValue, let host = o["host"]?.stringValue,
      let pid = o["pid"]?.doubleValue.flatMap({ Int32(exactly: $0) })
    else { return nil }
    self.init(
      host: host, pid: pid, annotator: o["annotator"]?.stringValue ?? "", startedAt: o["started_at"]?.stringValue ?? "")
  }
}

/// Why a session lock could not be taken.
public enum SessionLockError: Error, Sendable, Equatable {
  /// Another live session holds it (on this host, or on another host of a shared disk, whose state cannot be
  /// seen from here).
  case held(LockHolder?, path: String, elsewhere: Bool)
  case system(SystemError)
}

/// One labeling session per (project, annotator): an advisory lock file `labels/<annotator>.lock` that names
/// the host and pid holding it. The lock is an `flock` on that file, so it goes away with the process however
/// it ends; a lock file left by a process that is gone (a `kill -9`, a crash) is taken over. A lock file
/// written by another host (a shared disk) is never taken over: whether that session still runs cannot be
/// told from here, so the message says how to remove it.
public final class SessionLock {
  public let path: String
  public let holder: LockHolder
  private var fd: Int32

  /// The lock file of an annotator in a labels folder.
  public static func path(labelsFolder: String, annotator: String) -> String {
    Path.join(labelsFolder, LabelLogReader.safeFileName(annotator) + ".lock")
  }

  /// Takes the lock for `annotator`, or throws who holds it.
  public init(
    labelsFolder: String, annotator: String, host: String = SessionLock.hostName(), pid: Int32 = getpid(),
    startedAt: String
  ) throws(SessionLockError) {
    let path = Self.path(labelsFolder: labelsFolder, annotator: annotator)
    self.path = path
    holder = LockHolder(host: host, pid: pid, annotator: annotator, startedAt: startedAt)
    for _ in 0..<8 {
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else { throw .system(SystemError("cannot open session lock", path: path, code: errno)) }
      if cFlock(fd, LOCK_EX | LOCK_NB) != 0 {
        let code = errno
        let other = LockHolder(json: Self.contents(fd))
        close(fd)
        if code == EWOULDBLOCK || code == EAGAIN { throw .held(other, path: path, elsewhere: false) }
        throw .system(SystemError("cannot lock", path: path, code: code))
      }
      // The file may have been removed (by a session that just ended) between open and flock: then this lock
      // is on a file nobody else sees. Start again on the current one.
      guard Self.sameFile(fd: fd, path: path) else {
        close(fd)
        continue
      }
      if let other = LockHolder(json: Self.contents(fd)), other.host != host {
        close(fd)
        throw .held(other, path: path, elsewhere: true)
      }
      // Ours now: the previous holder (if any) is gone, since its flock went with it.
      let bytes = Array(holder.json.utf8)
      guard ftruncate(fd, 0) == 0,
        bytes.withUnsafeBytes({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == bytes.count
      else {
        let code = errno
        close(fd)
        throw .system(SystemError("cannot write session lock", path: path, code: code))
      }
      _ = fsync(fd)
      self.fd = fd
      return
    }
    throw .held(nil, path: path, elsewhere: false)
  }

  deinit { release() }

  /// Removes the lock file and lets go of the lock (also done when the lock is dropped).
  public func release() {
    guard fd >= 0 else { return }
    if Self.sameFile(fd: fd, path: path) { unlink(path) }
    close(fd)
    fd = -1
  }

  /// This machine's host name.
  public static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
  }

  static func contents(_ fd: Int32) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 4096)
    let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
    return n > 0 ? Array(bytes[0..<n]) : []
  }

  static func sameFile(fd: Int32, path: String) -> Bool {
    var open = stat()
    var named = stat()
    guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
    return open.st_dev == named.st_dev && open.st_ino == named.st_ino
  }
}
