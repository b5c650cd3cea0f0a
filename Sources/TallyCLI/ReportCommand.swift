import ArgumentParser
import TallyCore
import TallyJSON
import TallyStats
import TallyStore
import TallyText
import TallyUI

#if canImport(Glibc)
  import Glibc
#endif

/// `tally report`: one screen a lead reads at a terminal.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "The team report: label distributions, annotators, agreement, confusions, rankings (80 columns)."
  )

  @Argument(help: "The project folder or its tally.yaml.")
  var project: String

  @Flag(help: "Print one JSON document instead of the report.")
  var json = false

  @Option(help: "Columns to fit (default 80).")
  var width: Int = 80

  func run() throws {
    let loaded = try ProjectArgument.load(project)
    let report: TeamReport
    do {
      let store = try LabelStore.load(project: loaded)
      report = try TeamReport.make(project: loaded, store: store)
    } catch {
      StandardError.print("tally report: \(error)")
      throw ExitCode(1)
    }
    if json {
      print(report.json.serialized())
      return
    }
    let environment = Environment.all()
    let color = isatty(1) == 1 && environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
    print(ANSIText.render(ReportView.lines(report, width: max(60, width)), color: color), terminator: "")
  }
}

/// The report laid out as styled lines, no wider than `width`.
enum ReportView {
  static func lines(_ report: TeamReport, width: Int) -> [StyledLine] {
    var out: [StyledLine] = []
    func heading(_ text: String) {
      out.append(StyledLine(""))
      out.append(StyledLine(text, Style(bold: true, underline: true)))
    }
    out.append(StyledLine("\(report.project): team report", .bold))
    out.append(
      StyledLine(
        "\(report.tasks) tasks labeled by \(report.annotators.count) annotators · \(report.records) records"
          + (report.conflicts > 0 ? " · ⚑ \(report.conflicts) conflicts (tally validate)" : "")))
    for q in report.questions {
      heading("\(q.question.name) (\(q.question.kind.rawValue))")
      if q.distribution.isEmpty {
        out.append(StyledLine("no answers yet", .dim))
        continue
      }
      out.append(StyledLine("labels", .bold))
      out += Charts.distribution(q.distribution, width: width)
      // The annotator × label matrix: each annotator's share of each label, skew marked.
      let labels = q.distribution.map(\.label).prefix(6)
      if q.perAnnotator.count > 1 {
        out.append(StyledLine(""))
        out.append(StyledLine("by annotator (share of their answers; ⚑ 20+ points off the others' median)", .bold))
        let header = ["annotator", "n"] + labels.map { Charts.fit($0, 8).trimmingTrailingSpaces }
        let rows: [[String]] = q.perAnnotator.map { name, counts, total in
          [Charts.fit(name, 14).trimmingTrailingSpaces, "\(total)"]
            + labels.map { label in
              let share = Double(counts[label] ?? 0) / Double(max(1, total))
              let flag = q.skewed.contains { $0.annotator == name && $0.label == label } ? "⚑" : ""
              return flag + Charts.percent(share).trimmingLeadingSpaces
            }
        }
        out += Charts.table(header: header, rows: rows, rightAligned: Set(1..<(2 + labels.count)))
      }
      // Annotators: estimated accuracy beside gold accuracy and the too-fast share.
      let quality = Dictionary(report.quality.annotators.map { ($0.annotator, $0) }, uniquingKeysWith: { a, _ in a })
      if !q.estimatedAccuracy.isEmpty {
        out.append(StyledLine(""))
        out.append(StyledLine("annotators", .bold))
        let rows: [[String]] = q.perAnnotator.map { name, _, total in
          let row = quality[name]
          return [
            Charts.fit(name, 14).trimmingTrailingSpaces, "\(total)",
            q.estimatedAccuracy[name].map { Charts.percent($0).trimmingLeadingSpaces } ?? "–",
            row?.goldAccuracy.map { a in
              Charts.percent(a).trimmingLeadingSpaces
                + (row?.goldInterval.map {
                  " (\(Int(($0.lowerBound * 100).rounded()))–\(Int(($0.upperBound * 100).rounded()))%)"
                } ?? "")
            } ?? "–",
            row?.tooFastShare.map { Charts.percent($0).trimmingLeadingSpaces } ?? "–",
          ]
        }
        out += Charts.table(
          header: ["annotator", "answers", "estimated (DS)", "gold accuracy", "too fast"], rows: rows,
          rightAligned: [1, 2, 4])
      }
      // Agreement with intervals.
      out.append(StyledLine(""))
      out.append(StyledLine("agreement", .bold))
      out += agreementLines(q.agreement, width: width)
      if !q.confusedPairs.isEmpty {
        out.append(StyledLine(""))
        out.append(StyledLine("most confused (pairs of answers to one task)", .bold))
        out += Charts.table(
          header: ["labels", "times", "share of pairs"],
          rows: q.confusedPairs.map {
            ["\($0.a) ↔ \($0.b)", "\($0.count)", Charts.percent($0.share).trimmingLeadingSpaces]
          },
          rightAligned: [1, 2])
      }
      if let ranking = q.ranking?.ranking, !ranking.isEmpty {
        out.append(StyledLine(""))
        out.append(StyledLine("ranking (Bradley–Terry, log strength with 95% bootstrap interval)", .bold))
        let values = ranking.flatMap { [$0.interval?.low ?? $0.logStrength, $0.interval?.high ?? $0.logStrength] }
        let low = (values.min() ?? -1) - 0.05
        let high = (values.max() ?? 1) + 0.05
        let whiskerWidth = max(10, width - 40)
        for item in ranking {
          let whisker = Charts.whisker(
            low: item.interval?.low ?? item.logStrength, value: item.logStrength,
            high: item.interval?.high ?? item.logStrength, range: low...high, width: whiskerWidth)
          let name = Charts.fit(item.item, 16)
          let strength = AggregationResult.format(item.logStrength, 2)
          out.append(
            StyledLine([
              StyledRun(String(format2(item.rank)) + " " + name + " ", .plain),
              StyledRun(String(repeating: " ", count: max(0, 7 - strength.count)) + strength + "  ", .plain),
              StyledRun(whisker.trimmingTrailingSpaces, Style(foreground: .cyan)),
            ]))
        }
        // The scale under the whiskers (which start after rank, name and value: 29 columns).
        let bottom = AggregationResult.format(low, 2)
        let top = AggregationResult.format(high, 2)
        let gap = max(1, whiskerWidth - DisplayWidth.of(bottom) - DisplayWidth.of(top))
        out.append(
          StyledLine(String(repeating: " ", count: 29) + bottom + String(repeating: " ", count: gap) + top, .dim))
        if let bias = q.ranking?.positionBias, bias.judgments > 0 {
          func pct(_ x: Double) -> String { Charts.percent(x).trimmingLeadingSpaces }
          out.append(StyledLine(""))
          out.append(StyledLine("position bias (which side won, ties left out)", .bold))
          out.append(
            StyledLine(
              "the left side won \(pct(bias.leftShare)) of \(bias.judgments) judgments (95% \(pct(bias.interval.low))–"
                + "\(pct(bias.interval.high)))"))
          out.append(
            StyledLine(
              "Bradley–Terry with a left-side term: ln γ = " + AggregationResult.format(bias.logAdvantage, 2)
                + (bias.advantageInterval.map {
                  " (95% \(AggregationResult.format($0.low, 2)) to \(AggregationResult.format($0.high, 2)))"
                } ?? "") + " (0: no pull)"))
          let names = q.ranking?.annotators.map(\.annotator) ?? []
          let rows = names.enumerated().compactMap { j, name -> [String]? in
            guard let judge = bias.perJudge[j], judge.judgments > 0 else { return nil }
            let flag = judge.low > 0.5 || judge.high < 0.5 ? "⚑ " : ""
            return [name, "\(judge.judgments)", flag + pct(judge.share), "\(pct(judge.low))–\(pct(judge.high))"]
          }
          if !rows.isEmpty {
            out += Charts.table(
              header: ["annotator", "judgments", "left won", "95% interval"], rows: rows, rightAligned: [1, 2, 3])
            out.append(StyledLine("(⚑: the interval excludes 50%)", .dim))
          }
        }
      }
    }
    if let reviews = report.reviews {
      // Reviews: who was overturned, and where reviewers disagreed with each other.
      out.append(StyledLine(""))
      out.append(StyledLine("reviews", .bold))
      out += Charts.table(
        header: ["annotator", "reviewed", "overturned", "sent back"],
        rows: reviews.annotators.map {
          [
            $0.annotator, "\($0.reviewed)",
            "\($0.overturned)" + ($0.overturnedShare.map { " (\(Charts.percent($0).trimmingLeadingSpaces))" } ?? ""),
            "\($0.sentBack)",
          ]
        }, rightAligned: [1, 2, 3])
      out += Charts.table(
        header: ["reviewer", "settled", "sent back", "changed by another"],
        rows: reviews.reviewers.map {
          ["\($0.reviewer)", "\($0.settled)", "\($0.sentBack)", "\($0.changedByAnother)"]
        },
        rightAligned: [1, 2, 3])
      if let top = reviews.confusions.first {
        out.append(StyledLine("most often corrected: \(top.said) → \(top.review) (\(top.count)×)", .dim))
      }
    }
    return out.flatMap { StyledWrap.wrap($0, width: width, restIndent: StyledLine("  ")) }
  }

  static func format2(_ rank: Int) -> String { rank < 10 ? " \(rank)" : "\(rank)" }

  static func agreementLines(_ agreement: AgreementReport, width: Int) -> [StyledLine] {
    func value(_ x: Double?) -> String { x.map { AggregationResult.format($0, 3) } ?? "undefined" }
    var rows: [[String]] = []
    var whiskers: [(low: Double, value: Double, high: Double)?] = []
    for figure in agreement.alpha {
      let interval = figure.interval.map { "\(value($0.low))–\(value($0.high))" } ?? ""
      rows.append(["α (\(figure.name))", value(figure.value), interval, "\(figure.items)", "\(figure.leftOut)"])
      whiskers.append(figure.interval.map { ($0.low, figure.value ?? 0, $0.high) })
    }
    if let percent = agreement.percent {
      rows.append(["percent agreement", value(percent.value), "", "\(percent.items)", "\(percent.leftOut)"])
      whiskers.append(nil)
    }
    if let mean = agreement.cohenMean {
      let pairs = agreement.cohen.count == 1 ? "1 pair" : "mean of \(agreement.cohen.count) pairs"
      rows.append(["Cohen's κ (\(pairs))", value(mean), "", "", ""])
      whiskers.append(nil)
    }
    for f in agreement.fleiss.prefix(3) {
      rows.append(["Fleiss' κ (\(f.ratingsPerItem) per item)", value(f.kappa), "", "\(f.items)", ""])
      whiskers.append(nil)
    }
    for figure in agreement.spanFigures {
      rows.append([
        figure.name.replacing("_", with: " "), value(figure.value), "", "\(figure.items)", "\(figure.leftOut)",
      ])
      whiskers.append(nil)
    }
    let table = Charts.table(
      header: ["figure", "value", "95% interval", "items", "left out"], rows: rows, rightAligned: [1, 2, 3, 4])
    // The interval beside each α, drawn on a scale from −0.2 to 1.
    let drawn = whiskers.contains { $0 != nil }
    let room = width - (table.map { DisplayWidth.of($0.plainText) }.max() ?? 0) - 2
    let lines = table.enumerated().map { i, line in
      guard room >= 8, i > 0, i - 1 < whiskers.count, let w = whiskers[i - 1] else { return line }
      var line = line
      let bar = Charts.whisker(low: w.low, value: w.value, high: w.high, range: -0.2...1, width: min(room, 24))
      line.runs.append(StyledRun("  " + bar.trimmingTrailingSpaces, Style(foreground: .cyan)))
      return line
    }
    return lines
      + (drawn && room >= 8
        ? [StyledLine("(the bars: each α's bootstrap interval, ● the value, on −0.2 … 1)", .dim)] : [])
  }
}

extension String {
  var trimmingTrailingSpaces: String {
    var s = self
    while s.hasSuffix(" ") { s.removeLast() }
    return s
  }

  var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
