import TallyCore
import TallyJSON
import TallyStats
import TallyText

extension AgreementFigure {
  /// `{"value", "items", "left_out"}` (with `ci` when there is an interval); a figure that is undefined is null.
  var json: JSONValue {
    var o = JSONObject()
    o["value"] = value.map { .number($0) } ?? .null
    if let interval { o["ci"] = .array([.number(interval.low), .number(interval.high)]) }
    o["items"] = .number(Double(items))
    o["left_out"] = .number(Double(leftOut))
    return .object(o)
  }
}

extension AgreementReport {
  /// One JSON document: `items`, `annotators`, `krippendorff_alpha`, `fleiss_kappa`, `cohen_kappa`,
  /// `percent_agreement` (and `depths` for taxonomies, `spans` for span questions).
  public var json: JSONValue {
    var o = JSONObject()
    o["items"] = .number(Double(items))
    o["annotators"] = .number(Double(annotators))
    var alpha = JSONObject()
    for figure in self.alpha {
      alpha[figure.name] = figure.value.map { .number($0) } ?? .null
      if figure.name == self.alpha.first?.name {
        if let interval = figure.interval { alpha["ci"] = .array([.number(interval.low), .number(interval.high)]) }
        alpha["items"] = .number(Double(figure.items))
        alpha["left_out"] = .number(Double(figure.leftOut))
      } else if let interval = figure.interval {
        alpha[figure.name + "_ci"] = .array([.number(interval.low), .number(interval.high)])
      }
    }
    var perLabel = JSONObject()
    for figure in alphaPerLabel { perLabel[figure.name] = figure.value.map { .number($0) } ?? .null }
    alpha["per_label"] = .object(perLabel)
    o["krippendorff_alpha"] = .object(alpha)
    var byRatings = JSONObject()
    for f in fleiss {
      byRatings[String(f.ratingsPerItem)] = .object(
        JSONObject([("items", .number(Double(f.items))), ("kappa", f.kappa.map { .number($0) } ?? .null)]))
    }
    o["fleiss_kappa"] = .object(JSONObject([("by_ratings_per_item", .object(byRatings))]))
    let pairs: [JSONValue] = cohen.map { pair in
      .object(
        JSONObject([
          ("a", .string(pair.a)), ("b", .string(pair.b)), ("shared", .number(Double(pair.shared))),
          ("kappa", pair.kappa.map { .number($0) } ?? .null),
        ]))
    }
    o["cohen_kappa"] = .object(
      JSONObject([("pairs", .array(pairs)), ("mean", cohenMean.map { .number($0) } ?? .null)]))
    o["percent_agreement"] = percent?.json ?? .null
    if !depths.isEmpty {
      o["depths"] = .array(
        depths.map { d in
          .object(
            JSONObject([("depth", .number(Double(d.depth))), ("alpha", d.alpha.json), ("percent", d.percent.json)]))
        })
    }
    if !spanFigures.isEmpty {
      var spans = JSONObject()
      for figure in spanFigures { spans[figure.name] = figure.json }
      o["spans"] = .object(spans)
    }
    return .object(o)
  }

  /// The figures as text a lead reads at a terminal.
  public func table() -> String {
    func value(_ x: Double?) -> String { x.map { AggregationResult.format($0, 3) } ?? "undefined" }
    var out = "\(items) items, \(annotators) annotators\n\n"
    var rows: [[String]] = []
    for figure in alpha {
      rows.append(
        [
          "Krippendorff's α (\(figure.name))", value(figure.value),
          figure.interval.map { "\(value($0.low)) … \(value($0.high))" } ?? "", "\(figure.items)", "\(figure.leftOut)",
        ])
    }
    if let percent {
      rows.append(["percent agreement", value(percent.value), "", "\(percent.items)", "\(percent.leftOut)"])
    }
    for f in fleiss {
      rows.append(["Fleiss' κ, \(f.ratingsPerItem) ratings per item", value(f.kappa), "", "\(f.items)", ""])
    }
    if !cohen.isEmpty {
      rows.append(["Cohen's κ, mean of \(cohen.count) pairs", value(cohenMean), "", "", ""])
    }
    for figure in spanFigures {
      let name =
        ["f1_exact": "span F1, exact", "f1_overlap": "span F1, overlap ≥ 0.5", "token_kappa": "token-level κ"][
          figure.name] ?? figure.name
      rows.append([name, value(figure.value), "", "\(figure.items)", "\(figure.leftOut)"])
    }
    out += TextTable.render(
      header: ["figure", "value", "95% interval", "items", "left out"], rows: rows, rightAligned: [1, 3, 4])
    if !alphaPerLabel.isEmpty {
      out += "\nper label (one against the rest)\n"
      out += TextTable.render(
        header: ["label", "α", "items"],
        rows: alphaPerLabel.map { [$0.name, value($0.value), "\($0.items)"] }, rightAligned: [1, 2])
    }
    if !depths.isEmpty {
      out += "\nby depth\n"
      out += TextTable.render(
        header: ["depth", "α", "percent", "items"],
        rows: depths.map { ["\($0.depth)", value($0.alpha.value), value($0.percent.value), "\($0.alpha.items)"] },
        rightAligned: [0, 1, 2, 3])
    }
    if !cohen.isEmpty && cohen.count <= 30 {
      out += "\npairs\n"
      out += TextTable.render(
        header: ["a", "b", "shared", "κ"], rows: cohen.map { [$0.a, $0.b, "\($0.shared)", value($0.kappa)] },
        rightAligned: [2, 3])
    }
    for note in notes { out += "\n" + note }
    return out + (notes.isEmpty ? "" : "\n")
  }
}
