/// UTC timestamps as seconds since 1970, written as ISO 8601 with milliseconds (`2026-11-23T10:04:05.123Z`).
/// Hand-rolled because it runs on every record written and read; the civil-date algorithm is Howard Hinnant's.
public enum Timestamp {
  /// Formats seconds since 1970 as ISO 8601 UTC with milliseconds.
  public static func iso8601(_ seconds: Double) -> String {
    let totalMillis = Int64((seconds * 1000).rounded(.down))
    var days = totalMillis / 86_400_000
    var millisOfDay = totalMillis % 86_400_000
    if millisOfDay < 0 {
      millisOfDay += 86_400_000
      days -= 1
    }
    let (y, m, d) = civil(fromDays: days)
    let h = millisOfDay / 3_600_000
    let mi = (millisOfDay / 60_000) % 60
    let s = (millisOfDay / 1000) % 60
    let ms = millisOfDay % 1000
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(ms, 3))Z"
  }

  /// Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`. Nil if it is not that shape.
  public static func parse(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { parse(bytes: UnsafeRawBufferPointer($0)) }
  }

  /// Parses the same shape from UTF-8 bytes.
  public static func parse(bytes b: UnsafeRawBufferPointer) -> Double? {
    func num(_ start: Int, _ count: Int) -> Int64? {
      guard start + count <= b.count else { return nil }
      var v: Int64 = 0
      for i in start..<(start + count) {
        let c = b[i]
        guard c >= 48, c <= 57 else { return nil }
        v = v * 10 + Int64(c - 48)
      }
      return v
    }
    guard b.count >= 19, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 32, b[13] == 58, b[16] == 58,
      let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
      let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
    else { return nil }
    var i = 19
    var fraction = 0.0
    if i < b.count, b[i] == 46 {
      i += 1
      var scale = 0.1
      while i < b.count, b[i] >= 48, b[i] <= 57 {
        fraction += Double(b[i] - 48) * scale
        scale /= 10
        i += 1
      }
    }
    var offset: Int64 = 0
    if i < b.count {
      if b[i] == 90 {
        i += 1
      } else if b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), let om = num(i + 4, 2) {
        offset = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        i += 6
      } else {
        return nil
      }
    }
    guard i == b.count else { return nil }
    let days = daysFromCivil(y, mo, d)
    return Double(days * 86400 + h * 3600 + mi * 60 + s - offset) + fraction
  }

  private static func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }

  static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
