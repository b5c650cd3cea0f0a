import TallyCore

/// RFC 4180 row parsing: fields separated by a delimiter, optionally in double quotes, `""` for a quote.
enum CSVRow {
  /// Splits one CSV or TSV record into fields (TSV: tab-separated, no quoting).
  static func parse(_ bytes: [UInt8], format: DataFormat) -> [String] {
    format == .tsv ? parse(bytes, delimiter: 0x09, quoting: false) : parse(bytes, delimiter: 0x2C, quoting: true)
  }

  /// Splits one record (which may contain newlines inside quotes) into fields.
  static func parse(_ bytes: [UInt8], delimiter: UInt8, quoting: Bool = true) -> [String] {
    var fields: [String] = []
    var field: [UInt8] = []
    var inQuotes = false
    var fieldWasQuoted = false
    var i = 0
    var end = bytes.count
    // Drop the record's line ending.
    while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
    while i < end {
      let c = bytes[i]
      if inQuotes {
        if c == 0x22 {
          if i + 1 < end, bytes[i + 1] == 0x22 {
            field.append(0x22)
            i += 1
          } else {
            inQuotes = false
          }
        } else {
          field.append(c)
        }
      } else if c == 0x22 && quoting && field.isEmpty && !fieldWasQuoted {
        inQuotes = true
        fieldWasQuoted = true
      } else if c == delimiter {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
        fieldWasQuoted = false
      } else {
        field.append(c)
      }
      i += 1
    }
    fields.append(String(decoding: field, as: UTF8.self))
    return fields
  }

  /// Quotes a field for CSV output when it needs it.
  static func quote(_ field: String, delimiter: Character = ",") -> String {
    if field.contains(delimiter) || field.contains("\"") || field.contains("\n") || field.contains("\r") {
      return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
    }
    return field
  }
}

extension String {
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    out.reserveCapacity(count)
    for c in self {
      if c == target { out += replacement } else { out.append(c) }
    }
    return out
  }
}
