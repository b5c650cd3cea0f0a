/// Aligned plain-text tables (display widths, so CJK and emoji line up).
public enum TextTable {
  public static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
    let all = [header] + rows
    var widths = [Int](repeating: 0, count: header.count)
    for row in all {
      for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
    }
    var out = ""
    for row in all {
      var line = ""
      for (i, cell) in row.enumerated() where i < widths.count {
        let pad = String(repeating: " ", count: widths[i] - DisplayWidth.of(cell))
        if i > 0 { line += "  " }
        line += rightAligned.contains(i) ? pad + cell : cell + pad
      }
      while line.hasSuffix(" ") { line.removeLast() }
      out += line + "\n"
    }
    return out
  }
}
