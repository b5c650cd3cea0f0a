import Foundation
import TallyJSON
import Testing

/// `tally aggregate`, `tally agreement` and `tally report`, run as the real binary on a project with four
/// annotators (one of them answers "pos" whatever the text says) and on judgments files.
@Suite(.serialized) struct TeamCommandTests {
  func tally(_ arguments: [String], in folder: TemporaryFolder) throws -> (status: Int32, output: String) {
    try TmuxSession.run(["/usr/bin/env", "NO_COLOR=1", TmuxSession.tallyBinary] + arguments, directory: folder.path)
  }

  /// The truth of task i is labels[i % 3]; ana and bob are always right, cy errs on every fourth task, dee
  /// always says "pos". Two gold tasks, answered by ana (right) and dee (wrong).
  func teamProject() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write(
      "p/tally.yaml",
      """
      name: team
      data: data.jsonl
      quality:
        gold: gold.jsonl
      questions:
        - name: sentiment
          type: single
          options: [pos, neg, neu]

      """)
    let labels = ["pos", "neg", "neu"]
    try folder.write(
      "p/data.jsonl", (1...12).map { #"{"id":"t\#($0)","text":"text \#($0)"}"# }.joined(separator: "\n") + "\n")
    try folder.write(
      "p/gold.jsonl",
      #"{"id":"g1","text":"gold one","gold":{"sentiment":"neg"}}"# + "\n"
        + #"{"id":"g2","text":"gold two","gold":{"sentiment":"neu"}}"# + "\n")
    var n = 0
    // As a labeling session writes them: dee's answers flagged too fast, gold answers scored.
    func record(_ who: String, _ task: String, _ label: String, gold: Bool = false, correct: Bool = false) -> String {
      n += 1
      let second = String(format: "%02d", n % 60)
      let minute = String(format: "%02d", n / 60)
      return
        #"{"v":1,"id":"\#(who)-\#(n)","type":"answer","task":"\#(task)","annotator":"\#(who)","answers":{"sentiment":"\#(label)"},"submitted_at":"2026-12-01T10:\#(minute):\#(second).000Z","active_seconds":\#(who == "dee" ? 0.4 : 6),"tool":"t"\#(gold ? #","gold":true,"correct":\#(correct)"# : "")\#(who == "dee" ? #","flags":["too_fast"]"# : "")}"#
    }
    for who in ["ana", "bob", "cy", "dee"] {
      var lines: [String] = []
      for i in 1...12 {
        var label = labels[i % 3]
        if who == "cy" && i % 4 == 0 { label = labels[(i + 1) % 3] }
        if who == "dee" { label = "pos" }
        lines.append(record(who, "t\(i)", label))
      }
      if who == "ana" {
        lines += [
          record(who, "g1", "neg", gold: true, correct: true), record(who, "g2", "neu", gold: true, correct: true),
        ]
      }
      if who == "dee" { lines += [record(who, "g1", "pos", gold: true), record(who, "g2", "pos", gold: true)] }
      try folder.write("p/labels/\(who).jsonl", lines.joined(separator: "\n") + "\n")
    }
    return folder
  }

  func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  @Test func aggregateGivesEveryTaskItsLabelAndPosterior() throws {
    let folder = try teamProject()
    let mv = try tally(["aggregate", "p", "--method", "mv"], in: folder)
    #expect(mv.status == 0, "\(mv.output)")
    let rows = mv.output.split(separator: "\n").compactMap { try? JSONParser.parse($0.utf8).objectValue }
    #expect(rows.count == 12)  // gold tasks kept out
    let t2 = try #require(rows.first { $0["task"] == .string("t2") })
    // t2's truth is "neu": ana, bob, cy say neu, dee says pos.
    #expect(t2["label"] == .string("neu"))
    #expect(t2["confidence"] == .number(0.75))
    // The posterior lists the options in the project's order.
    #expect(
      t2["posterior"] == .object(JSONObject([("pos", .number(0.25)), ("neg", .number(0)), ("neu", .number(0.75))])))
    #expect(t2["annotators"] == .number(4))

    // Dawid–Skene finds dee uninformative and writes the annotators' lines.
    let ds = try tally(["aggregate", "p", "--method", "ds", "--annotators-out", "ann.jsonl"], in: folder)
    #expect(ds.status == 0, "\(ds.output)")
    let annotators = try folder.read("ann.jsonl").split(separator: "\n").compactMap {
      try? JSONParser.parse($0.utf8).objectValue
    }
    #expect(annotators.map { $0["annotator"]?.stringValue } == ["ana", "bob", "cy", "dee"])
    let accuracy = annotators.compactMap { $0["accuracy"]?.doubleValue }
    #expect(accuracy.count == 4 && accuracy[0] > 0.9 && accuracy[3] < 0.5, "\(annotators)")
    // --out never replaces an existing file without --force.
    let again = try tally(["aggregate", "p", "--method", "ds", "--annotators-out", "ann.jsonl"], in: folder)
    #expect(again.status != 0 && again.output.contains("--force"), "\(again.output)")
  }

  @Test func agreementJSONHasEveryFigureWithWhatItUsed() throws {
    let folder = try teamProject()
    let result = try tally(["agreement", "p", "--json"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    let doc = try #require(try JSONParser.parse(result.output.utf8).objectValue)
    #expect(doc["items"] == .number(12))
    #expect(doc["annotators"] == .number(4))
    let alpha = try #require(doc["krippendorff_alpha"]?.objectValue)
    let nominal = try #require(alpha["nominal"]?.doubleValue)
    #expect(nominal > 0 && nominal < 1)
    let ci = (alpha["ci"]?.arrayValue ?? []).compactMap { $0.doubleValue }
    #expect(ci.count == 2 && ci[0] <= nominal && nominal <= ci[1])
    #expect(alpha["per_label"]?.objectValue?.keys.sorted() == ["neg", "neu", "pos"])
    let fleiss = try #require(doc["fleiss_kappa"]?["by_ratings_per_item"]?["4"]?.objectValue)
    #expect(fleiss["items"] == .number(12))
    let pairs = try #require(doc["cohen_kappa"]?["pairs"]?.arrayValue)
    #expect(pairs.count == 6)
    // ana and bob agree on everything.
    let anaBob = pairs.first { $0["a"] == .string("ana") && $0["b"] == .string("bob") }
    #expect(anaBob?["kappa"] == .number(1))
    #expect(anaBob?["shared"] == .number(12))
    #expect(doc["percent_agreement"]?["items"] == .number(12))
  }

  @Test func theReportFitsEightyColumnsAndNamesTheSkewedAnnotator() throws {
    let folder = try teamProject()
    let result = try tally(["report", "p"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    let text = result.output
    #expect(!text.contains("\u{1B}"))  // NO_COLOR, and not a terminal
    for line in lines(text) { #expect(line.count <= 80, "\(line)") }
    // dee answers "pos" to everything, too fast, and fails both gold tasks: flagged in every section.
    #expect(
      text == """
        team: team report
        12 tasks labeled by 4 annotators · 52 records

        sentiment (single)
        labels
        pos               24   50%  ████████████████████████████████████████████████████
        neg               12   25%  ██████████████████████████
        neu               12   25%  ██████████████████████████

        by annotator (share of their answers; ⚑ 20+ points off the others' median)
        annotator   n    pos  neg  neu
        ana        12    33%  33%  33%
        bob        12    33%  33%  33%
        cy         12    33%  33%  33%
        dee        12  ⚑100%  ⚑0%  ⚑0%

        annotators
        annotator  answers  estimated (DS)  gold accuracy   too fast
        ana             12            100%  100% (34–100%)        0%
        bob             12            100%  –                     0%
        cy              12             75%  –                     0%
        dee             12             29%  0% (0–66%)          100%

        agreement
        figure                       value  95% interval  items  left out
        α (nominal)                  0.347   0.130–0.487     12         0     ├─●─┤
        percent agreement            0.583                   12         0
        Cohen's κ (mean of 6 pairs)  0.375
        Fleiss' κ (4 per item)       0.333                   12
        (the bars: each α's bootstrap interval, ● the value, on −0.2 … 1)

        most confused (pairs of answers to one task)
        labels     times  share of pairs
        neg ↔ pos     14             19%
        neu ↔ pos     14             19%
        neg ↔ neu      2              3%
        """ + "\n")
  }

  @Test func aJudgmentsFileWithBadLinesIsAggregatedAndTheLinesNamed() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "j.csv",
      "task,worker,label\nq1,w1,yes\nq1,w2,yes\nq1,w3,no\nq2,w1,no\nq2,,no\nq2,w2,no\nq3,w1,\"maybe, later\"\n")
    let result = try tally(["aggregate", "--from", "j.csv", "--method", "mv", "--format", "csv"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    #expect(result.output.contains("j.csv:6:"), "\(result.output)")
    let csv = result.output.components(separatedBy: "\r\n").map {
      $0.split(separator: "\n").last.map(String.init) ?? ""
    }
    #expect(
      csv == [
        #"task,label,confidence,annotators,"posterior.maybe, later",posterior.no,posterior.yes"#,
        "q1,yes,0.6666666666666666,3,0,0.3333333333333333,0.6666666666666666", "q2,no,1,2,0,1,0",
        #"q3,"maybe, later",1,1,1,0,0"#, "",
      ])
  }

  @Test func comparisonsRankTheSystems() throws {
    let folder = try TemporaryFolder()
    var rows = ["left,right,winner,annotator"]
    // big beats mid 8 of 10, mid beats small 8 of 10, big beats small 9 of 10, a few ties.
    for (l, r, wins, losses, ties) in [("big", "mid", 8, 2, 1), ("mid", "small", 8, 2, 1), ("small", "big", 1, 9, 0)] {
      rows +=
        Array(repeating: "\(l),\(r),left,a", count: wins) + Array(repeating: "\(l),\(r),right,b", count: losses)
        + Array(repeating: "\(l),\(r),tie,a", count: ties)
    }
    try folder.write("c.csv", rows.joined(separator: "\n") + "\n")
    let result = try tally(["aggregate", "--from", "c.csv", "--bootstrap", "50"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    let items = result.output.split(separator: "\n").compactMap { try? JSONParser.parse($0.utf8).objectValue }
      .filter { $0["item"] != nil }
    try #require(items.count == 3, "\(result.output)")
    #expect(items.map { $0["item"]?.stringValue } == ["big", "mid", "small"])
    #expect(items.map { $0["rank"] } == [.number(1), .number(2), .number(3)])
    let logs = items.compactMap { $0["log_strength"]?.doubleValue }
    #expect(abs(logs.reduce(0, +)) < 1e-9)
    #expect(abs(items.compactMap { $0["strength"]?.doubleValue }.reduce(0, +) - 1) < 1e-9)
    #expect(items[0]["wins"] == .number(17) && items[0]["ties"] == .number(1))
    let ci = items[0]["ci"]?.arrayValue?.compactMap(\.doubleValue) ?? []
    #expect(ci.count == 2 && ci[0] <= logs[0] && logs[0] <= ci[1])
  }
}

extension TeamCommandTests {
  /// Side-by-side answers of two judges over three systems: big beats mid beats small; kim always picks the left.
  func compareProject() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write(
      "p/tally.yaml",
      """
      name: arena
      data: pairs.jsonl
      layout: compare
      compare:
        model_a_field: model_a
        model_b_field: model_b
      questions:
        - name: overall
          type: comparison

      """)
    let systems = ["big", "mid", "small"]
    var data: [String] = []
    var lee: [String] = []
    var kim: [String] = []
    var n = 0
    for i in 0..<30 {
      let (a, b) = (systems[i % 3], systems[(i + 1) % 3])
      data.append(
        #"{"id":"c\#(i)","prompt":"p\#(i)","response_a":"x","response_b":"y","model_a":"\#(a)","model_b":"\#(b)"}"#)
      // The better system (lower index) wins for lee, except one in five; sides alternate.
      let better = systems.firstIndex(of: a)! < systems.firstIndex(of: b)! ? "a" : "b"
      let leeAnswer = i % 5 == 4 ? (better == "a" ? "b" : "a") : better
      let left = i % 2 == 0 ? "a" : "b"
      func line(_ who: String, _ answer: String) -> String {
        n += 1
        return
          #"{"v":1,"id":"\#(who)-\#(n)","type":"answer","task":"c\#(i)","annotator":"\#(who)","answers":{"overall":"\#(answer)"},"shown_left":"\#(left)","submitted_at":"2026-12-01T10:00:\#(String(format: "%02d", n % 60)).000Z","tool":"t"}"#
      }
      lee.append(line("lee", leeAnswer))
      kim.append(line("kim", left))
    }
    try folder.write("p/pairs.jsonl", data.joined(separator: "\n") + "\n")
    try folder.write("p/labels/lee.jsonl", lee.joined(separator: "\n") + "\n")
    try folder.write("p/labels/kim.jsonl", kim.joined(separator: "\n") + "\n")
    return folder
  }

  @Test func theReportRanksTheSystemsAndMeasuresThePullOfTheLeftSide() throws {
    let folder = try compareProject()
    let result = try tally(["report", "p"], in: folder)
    #expect(result.status == 0, "\(result.output)")
    // kim always picks the left side: flagged, and the fit's left-side term is well above 0.
    #expect(
      result.output == """
        arena: team report
        30 tasks labeled by 2 annotators · 60 records

        overall (comparison)
        labels
        a                 33   55%  ████████████████████████████████████████████████████
        b                 27   45%  ██████████████████████████████████████████▌

        by annotator (share of their answers; ⚑ 20+ points off the others' median)
        annotator   n    a    b
        kim        30  50%  50%
        lee        30  60%  40%

        annotators
        annotator  answers  estimated (DS)  gold accuracy  too fast
        kim             30             56%  –                    0%
        lee             30             52%  –                    0%

        agreement
        figure                   value  95% interval  items  left out
        α (nominal)              0.007  −0.366–0.344     30         0  ├──●───┤
        percent agreement        0.500                   30         0
        Cohen's κ (1 pair)       0.000
        Fleiss' κ (2 per item)  −0.010                   30
        (the bars: each α's bootstrap interval, ● the value, on −0.2 … 1)

        most confused (pairs of answers to one task)
        labels  times  share of pairs
        a ↔ b      15             50%

        ranking (Bradley–Terry, log strength with 95% bootstrap interval)
         1 big                 0.42                      ├────────●────────┤
         2 mid                 0.00            ├─────────●────────┤
         3 small              −0.42   ├─────────●─────────┤
                                     −0.96                               0.92

        position bias (which side won, ties left out)
        the left side won 75% of 60 judgments (95% 63%–84%)
        Bradley–Terry with a left-side term: ln γ = 1.27 (95% 0.76 to 2.42) (0: no pull)
        annotator  judgments  left won  95% interval
        kim               30    ⚑ 100%      89%–100%
        lee               30       50%       33%–67%
        (⚑: the interval excludes 50%)
        """ + "\n")
  }
}
