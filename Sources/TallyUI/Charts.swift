import TallyText

/// Text charts for a lead's terminal: bars, interval whiskers, aligned tables and matrices, as styled lines.
/// `tally report` prints them; the review screen draws the same ones. Meaning never rests on colour: bars are
/// lengths, marks are characters.
public enum Charts {
  static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

  /// A horizontal bar `fraction` (0…1) of `width` columns, in eighth-blocks.
  public static func bar(_ fraction: Double, width: Int) -> String {
    guard width > 0, fraction.isFinite else { return "" }
    let eighthsTotal = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
    return String(repeating: "█", count: eighthsTotal / 8) + eighths[eighthsTotal % 8]
  }

  /// An interval on a scale of `width` columns spanning `range`: `├` low, `●` the estimate, `┤` high, `─` between.
  public static func whisker(low: Double, value: Double, high: Double, range: ClosedRange<Double>, width: Int) -> String
  {
    guard width >= 3, range.upperBound > range.lowerBound else { return "" }
    func column(_ x: Double) -> Int {
      let share = (x - range.lowerBound) / (range.upperBound - range.lowerBound)
      return max(0, min(width - 1, Int((share * Double(width - 1)).rounded())))
    }
    var cells = [Character](repeating: " ", count: width)
    let (a, m, b) = (column(low), column(value), column(high))
    if a < b { for i in a...b { cells[i] = "─" } }
    cells[a] = "├"
    cells[b] = "┤"
    cells[m] = "●"
    return String(cells)
  }

  /// Counts as bars with their share: `label  count  share  ███▌`.
  public static func distribution(_ rows: [(label: String, count: Int)], width: Int, labelWidth: Int = 16)
    -> [StyledLine]
  {
    let total = max(1, rows.reduce(0) { $0 + $1.count })
    let top = max(1, rows.map(\.count).max() ?? 1)
    let countWidth = max(1, rows.map { String($0.count).count }.max() ?? 1)
    let barWidth = max(4, width - labelWidth - countWidth - 10)
    return rows.map { row in
      let label = fit(row.label, labelWidth)
      let count = String(repeating: " ", count: countWidth - String(row.count).count) + String(row.count)
      let share = percent(Double(row.count) / Double(total))
      return StyledLine([
        StyledRun(label + "  ", .plain), StyledRun(count + "  " + share + "  ", .plain),
        StyledRun(bar(Double(row.count) / Double(top), width: barWidth), Style(foreground: .cyan)),
      ])
    }
  }

  /// A table with a bold header: cells padded to each column's display width.
  public static func table(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> [StyledLine] {
    let text = TextTable.render(header: header, rows: rows, rightAligned: rightAligned)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated().map { i, line in
      StyledLine(String(line), i == 0 ? .bold : .plain)
    }
  }

  /// `text` cut to `width` display columns (with `…`) and padded to it.
  public static func fit(_ text: String, _ width: Int) -> String {
    var cut = text
    if DisplayWidth.of(cut) > width {
      while DisplayWidth.of(cut) > width - 1, !cut.isEmpty { cut.removeLast() }
      cut += "…"
    }
    return cut + String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
  }

  /// `83%`, right-aligned in four columns.
  public static func percent(_ share: Double) -> String {
    guard share.isFinite else { return "   –" }
    let text = "\(Int((share * 100).rounded()))%"
    return String(repeating: " ", count: max(0, 4 - text.count)) + text
  }
}

/// Styled lines as terminal text: ANSI attributes when `color` (a terminal without `NO_COLOR`), else plain.
public enum ANSIText {
  public static func render(_ lines: [StyledLine], color: Bool) -> String {
    var out = ""
    for line in lines {
      for run in line.runs {
        // Untrusted text never reaches the terminal as a command: control characters become placeholders.
        let safe = TextCells.split(run.text).map(\.text).joined()
        guard color, run.style != .plain else {
          out += safe
          continue
        }
        var codes: [String] = []
        if run.style.bold { codes.append("1") }
        if run.style.dim { codes.append("2") }
        if run.style.italic { codes.append("3") }
        if run.style.underline { codes.append("4") }
        if run.style.reverse { codes.append("7") }
        if let foreground = run.style.foreground { codes.append(String(30 + Int(foreground.rawValue))) }
        out += "\u{1B}[" + codes.joined(separator: ";") + "m" + safe + "\u{1B}[0m"
      }
      out += "\n"
    }
    return out
  }
}
