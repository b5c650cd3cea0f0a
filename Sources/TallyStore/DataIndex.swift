import TallyCore

#if canImport(Glibc)
  import Glibc
#endif

/// Where each record of a data file starts. Built by one pass over the bytes; records are parsed only
/// when shown. A value type, so a background scanner can share it.
public struct DataIndex: Sendable {
  /// Byte offset of each record, plus one final entry: the end of the last record.
  public var offsets: [Int64]
  /// 1-based line number of each record.
  public var lines: [Int32]
  /// For CSV/TSV: the header's column names.
  public var header: [String]
  public var fileSize: Int64

  public var count: Int { lines.count }

  /// Indexes `path`. JSONL and text: one record per non-blank line. CSV/TSV: a header row, then one record
  /// per row; quoted fields may hold newlines.
  public static func build(path: String, format: DataFormat) throws(DataError) -> DataIndex {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      let code = errno
      if code == ENOENT {
        throw DataError(file: path, "data file not found", fix: "check the `data:` path (it is relative to tally.yaml)")
      }
      throw DataError(file: path, "cannot open data file: \(String(cString: strerror(code)))")
    }
    defer { close(fd) }
    var index = DataIndex(offsets: [], lines: [], header: [], fileSize: 0)
    let chunkSize = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
    defer { buffer.deallocate() }

    let delimited = format == .csv || format == .tsv
    var base: Int64 = 0  // file offset of buffer[0]
    var lineStart: Int64 = 0
    var lineNumber: Int32 = 1
    var recordLine: Int32 = 1
    var lineHasContent = false
    var inQuotes = false
    var quotePending = false
    var atFieldStart = true
    var sawHeader = !delimited
    var headerEnd: Int64 = 0
    index.offsets.reserveCapacity(1024)

    func finishRecord(end: Int64) {
      if !sawHeader {
        sawHeader = true
        headerEnd = end
        return
      }
      if lineHasContent {
        index.offsets.append(lineStart)
        index.lines.append(recordLine)
      }
    }

    while true {
      let n = read(fd, buffer.baseAddress, chunkSize)
      if n < 0 {
        if errno == EINTR { continue }
        throw DataError(file: path, "cannot read data file: \(String(cString: strerror(errno)))")
      }
      if n == 0 { break }
      guard let start = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { break }
      var i = 0
      if !delimited {
        // JSONL and text: memchr for newlines.
        while i < n {
          if !lineHasContent {
            // Skip leading blanks to decide whether the line has content.
            while i < n, start[i] == 0x20 || start[i] == 0x09 || start[i] == 0x0D { i += 1 }
            if i < n, start[i] != 0x0A { lineHasContent = true }
          }
          guard i < n else { break }
          let remaining = n - i
          guard let hit = memchr(start + i, 0x0A, remaining) else {
            i = n
            break
          }
          let position = start.distance(to: hit.assumingMemoryBound(to: UInt8.self))
          let end = base + Int64(position)
          finishRecord(end: end)
          lineNumber += 1
          recordLine = lineNumber
          lineStart = end + 1
          lineHasContent = false
          i = position + 1
        }
      } else {
        // RFC 4180 for CSV: a quote opens a quoted field only at the start of a field, `""` inside is a
        // quote, and newlines inside quotes belong to the field. TSV has no quoting.
        let quote: UInt8 = 0x22
        let delimiter: UInt8 = format == .tsv ? 0x09 : 0x2C
        let quoting = format == .csv
        while i < n {
          let c = start[i]
          i += 1
          if inQuotes {
            if quotePending {
              quotePending = false
              if c == quote { continue }  // an escaped quote
              inQuotes = false  // the closing quote; this character is outside
            } else {
              if c == quote {
                quotePending = true
              } else if c == 0x0A {
                lineNumber += 1
              }
              continue
            }
          }
          if c == quote && quoting && atFieldStart {
            inQuotes = true
            atFieldStart = false
            lineHasContent = true
          } else if c == delimiter {
            atFieldStart = true
            lineHasContent = true
          } else if c == 0x0A {
            lineNumber += 1
            let end = base + Int64(i - 1)
            finishRecord(end: end)
            recordLine = lineNumber
            lineStart = end + 1
            lineHasContent = false
            atFieldStart = true
          } else if c != 0x0D {
            atFieldStart = false
            if c != 0x20 { lineHasContent = true }
          }
        }
      }
      base += Int64(n)
    }
    // A last record without a newline.
    if lineStart < base { finishRecord(end: base) } else if !sawHeader { sawHeader = true }
    index.fileSize = base
    index.offsets.append(base)
    if delimited {
      let headerBytes = try Self.readRange(fd: fd, path: path, from: 0, to: headerEnd)
      index.header = CSVRow.parse(headerBytes, format: format).map {
        $0.trimming(" ").trimming("\u{FEFF}")
      }
    }
    return index
  }

  static func readRange(fd: Int32, path: String, from: Int64, to: Int64) throws(DataError) -> [UInt8] {
    let length = Int(max(0, to - from))
    var bytes = [UInt8](repeating: 0, count: length)
    var done = 0
    while done < length {
      let n = bytes.withUnsafeMutableBytes { raw in
        pread(fd, raw.baseAddress.map { $0 + done }, length - done, off_t(from) + off_t(done))
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw DataError(file: path, "cannot read data file: \(String(cString: strerror(errno)))")
      }
      if n == 0 { break }
      done += n
    }
    if done < length { bytes.removeLast(length - done) }
    return bytes
  }
}

/// A problem with a data file as a whole (missing, unreadable).
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
  public var diagnostic: Diagnostic

  public init(file: String, line: Int? = nil, _ message: String, fix: String? = nil) {
    diagnostic = Diagnostic(.error, file: file, line: line, message, fix: fix)
  }

  public var description: String { diagnostic.description }
}

extension String {
  func trimming(_ character: Character) -> String {
    var s = Substring(self)
    while s.first == character { s.removeFirst() }
    while s.last == character { s.removeLast() }
    return String(s)
  }
}
