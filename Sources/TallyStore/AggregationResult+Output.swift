import Dispatch
import Synchronization
import TallyCore
import TallyJSON
import TallyStats
import TallyText

/// The output formats of `tally aggregate`.
public enum AggregateFormat: String, Sendable, CaseIterable {
  case jsonl, csv, table
}

extension AggregationResult {
  /// The output text in a format.
  public func text(_ format: AggregateFormat) -> String {
    switch format {
    case .jsonl: return jsonLines()
    case .csv: return csv()
    case .table: return table()
    }
  }

  static func rounded(_ x: Double, _ digits: Double = 1e12) -> Double { (x * digits).rounded() / digits }

  /// One JSON object per task (`task`, `label`, `confidence`, `posterior`, `annotators`), or per ranked item.
  public func jsonLines() -> String {
    // Streamed, not built as values: a million tasks' lines cost less than their statistics so.
    var out = JSONStream()
    if let ranking {
      for item in ranking {
        out.beginObject()
        out.key("item")
        out.string(item.item)
        out.key("rank")
        out.number(Double(item.rank))
        out.key("log_strength")
        out.number(item.logStrength)
        out.key("strength")
        out.number(item.strength)
        out.key("ci")
        if let interval = item.interval {
          out.beginArray()
          out.number(interval.low)
          out.number(interval.high)
          out.endArray()
        } else {
          out.value(.null)
        }
        for (key, n) in [("wins", item.wins), ("losses", item.losses), ("ties", item.ties)] {
          out.key(key)
          out.number(Double(n))
        }
        out.key("comparisons")
        out.number(Double(item.comparisons))
        out.endObject()
        out.newline()
      }
      return out.makeString()
    }
    guard tasks.count > 20_000 else { return Self.taskLines(tasks[...]) }
    // Large outputs written in parts on every core, joined in order.
    let chunks = 8
    let all = tasks
    let parts = Mutex([String](repeating: "", count: chunks))
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      let text = AggregationResult.taskLines(all[(all.count * c / chunks)..<(all.count * (c + 1) / chunks)])
      parts.withLock { $0[c] = text }
    }
    return parts.withLock { $0.joined() }
  }

  /// The JSON lines of some tasks.
  static func taskLines(_ tasks: ArraySlice<AggregatedTask>) -> String {
    var out = JSONStream()
    for task in tasks {
      out.beginObject()
      out.key("task")
      out.string(task.task)
      out.key("label")
      out.value(task.label)
      out.key("confidence")
      out.number(task.confidence)
      out.key("posterior")
      out.beginObject()
      for (label, p) in task.posterior {
        out.key(label)
        out.number(p)
      }
      out.endObject()
      out.key("annotators")
      out.number(Double(task.annotators))
      for (key, value) in task.extra.entries {
        out.key(key)
        out.value(value)
      }
      out.endObject()
      out.newline()
    }
    return out.makeString()
  }

  /// The same columns as the JSON lines, the posterior flattened to `posterior.<label>`.
  public func csv() -> String {
    var rows: [[String]] = []
    if let ranking {
      rows.append([
        "item", "rank", "log_strength", "strength", "ci_low", "ci_high", "wins", "losses", "ties", "comparisons",
      ])
      for item in ranking {
        rows.append(
          [
            item.item, "\(item.rank)", JSONValue.number(item.logStrength).serialized(),
            JSONValue.number(item.strength).serialized(),
            item.interval.map { JSONValue.number($0.low).serialized() } ?? "",
            item.interval.map { JSONValue.number($0.high).serialized() } ?? "", "\(item.wins)", "\(item.losses)",
            "\(item.ties)", "\(item.comparisons)",
          ])
      }
    } else {
      let labels = self.labels.isEmpty ? Array(Set(tasks.flatMap { $0.posterior.map(\.label) })).sorted() : self.labels
      let extras = tasks.first.map { $0.extra.keys } ?? []
      rows.append(["task", "label", "confidence", "annotators"] + extras + labels.map { "posterior." + $0 })
      for task in tasks {
        let label: String
        switch task.label {
        case .string(let s): label = s
        case .null: label = ""
        case .array(let items)
        where items.allSatisfy({ $0.stringValue != nil }) && !items.contains(where: { $0.objectValue != nil }):
          label = items.compactMap(\.stringValue).joined(separator: "|")
        default: label = task.label.serialized()
        }
        var shares: [String: Double] = [:]
        for (name, p) in task.posterior { shares[name] = p }
        rows.append(
          [task.task, label, JSONValue.number(task.confidence).serialized(), "\(task.annotators)"]
            + extras.map { key in task.extra[key].map { $0.stringValue ?? $0.serialized() } ?? "" }
            + labels.map { shares[$0].map { JSONValue.number($0).serialized() } ?? "" })
      }
    }
    return rows.map { $0.map { CSVRow.quote($0) }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  /// One JSON object per annotator: `annotator`, `n`, `accuracy`, and for Dawid–Skene `confusion` (true →
  /// observed), for comparisons the share of non-tie answers that chose the left side.
  public func annotatorLines() -> String {
    var out = ""
    for estimate in annotators {
      var o = JSONObject()
      o["annotator"] = .string(estimate.annotator)
      o["n"] = .number(Double(estimate.judgments))
      o["accuracy"] = estimate.accuracy.map { .number($0) } ?? .null
      if let confusion = estimate.confusion {
        var matrix = JSONObject()
        for (truth, row) in confusion {
          var observed = JSONObject()
          for (label, p) in row { observed[label] = .number(p) }
          matrix[truth] = .object(observed)
        }
        o["confusion"] = .object(matrix)
      }
      if let bias = positionBias, let index = annotators.firstIndex(where: { $0.annotator == estimate.annotator }),
        let judge = bias.perJudge[index]
      {
        o["left_share"] = .number(judge.share)
        o["left_share_ci"] = .array([.number(judge.low), .number(judge.high)])
      }
      out += JSONValue.object(o).serialized() + "\n"
    }
    return out
  }

  /// A readable summary: the labels' counts and mean confidence, the least certain tasks, the annotators; or
  /// the ranking with its intervals and the position bias.
  public func table() -> String {
    var out = ""
    for note in notes { out += note + "\n" }
    if let ranking {
      out +=
        "\n"
        + TextTable.render(
          header: ["rank", "item", "log strength", "95% interval", "strength", "wins", "losses", "ties"],
          rows: ranking.map { item in
            [
              "\(item.rank)", item.item, Self.format(item.logStrength, 3),
              item.interval.map { "\(Self.format($0.low, 3)) … \(Self.format($0.high, 3))" } ?? "–",
              Self.format(item.strength * 100, 1) + "%", "\(item.wins)", "\(item.losses)", "\(item.ties)",
            ]
          }, rightAligned: [0, 2, 4, 5, 6, 7])
      if let tieParameter { out += "\nDavidson tie parameter ν = \(Self.format(tieParameter, 3))\n" }
      if let bias = positionBias {
        out +=
          "\nposition bias: the left side won \(Self.format(bias.leftShare * 100, 1))% of \(bias.judgments) "
          + "non-tie judgments (95% \(Self.format(bias.interval.low * 100, 1))–\(Self.format(bias.interval.high * 100, 1))%); "
          + "left-side advantage ln γ = \(Self.format(bias.logAdvantage, 3))"
          + (bias.advantageInterval.map { " (95% \(Self.format($0.low, 3)) … \(Self.format($0.high, 3)))" } ?? "")
          + "\n"
      }
      return out
    }
    var counts: [String: (n: Int, confidence: Double)] = [:]
    for task in tasks {
      let key = task.label.stringValue ?? task.label.serialized()
      let seen = counts[key] ?? (0, 0)
      counts[key] = (seen.n + 1, seen.confidence + task.confidence)
    }
    out += "\n\(tasks.count) tasks\n"
    out += TextTable.render(
      header: ["label", "tasks", "share", "mean confidence"],
      rows: counts.sorted { ($1.value.n, $0.key) < ($0.value.n, $1.key) }.map { key, value in
        [
          key, "\(value.n)", Self.format(Double(value.n) * 100 / Double(max(1, tasks.count)), 1) + "%",
          Self.format(value.confidence / Double(value.n), 3),
        ]
      }, rightAligned: [1, 2, 3])
    let uncertain = tasks.sorted { $0.confidence < $1.confidence }.prefix(10)
    if !uncertain.isEmpty {
      out +=
        "\nleast certain\n"
        + TextTable.render(
          header: ["task", "label", "confidence", "annotators"],
          rows: uncertain.map {
            [$0.task, $0.label.stringValue ?? $0.label.serialized(), Self.format($0.confidence, 3), "\($0.annotators)"]
          },
          rightAligned: [2, 3])
    }
    if !annotators.isEmpty {
      out +=
        "\nannotators\n"
        + TextTable.render(
          header: ["annotator", "judgments", "estimated accuracy"],
          rows: annotators.sorted { $0.annotator < $1.annotator }.map {
            [$0.annotator, "\($0.judgments)", $0.accuracy.map { Self.format($0 * 100, 1) + "%" } ?? "–"]
          }, rightAligned: [1, 2])
    }
    return out
  }

  /// `x` with `digits` decimals, a true minus sign, `–` for NaN.
  public static func format(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "–" : (x > 0 ? "∞" : "−∞") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let value = (x * scale).rounded() / scale
    var text = JSONValue.format(number: value)
    if digits > 0 {
      if !text.contains(".") { text += "." }
      let decimals = text.split(separator: ".", omittingEmptySubsequences: false).last?.count ?? 0
      text += String(repeating: "0", count: max(0, digits - decimals))
    }
    return text.replacing("-", with: "−")
  }
}
