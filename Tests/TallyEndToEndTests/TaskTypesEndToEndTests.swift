import Foundation
import TallyCore
import TallyJSON
import Testing

/// Span and side-by-side tasks driven through the real binary in tmux: label by keys, go back and change,
/// SIGKILL and resume, then check the log and every export shape.
@Suite(.serialized, .enabled(if: TmuxSession.tmuxAvailable))
struct TaskTypesEndToEndTests {
  func json(_ text: String) -> [[String: Any]] {
    text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
  }

  func spans(_ value: Any?) -> [String] {
    ((value as? [[String: Any]]) ?? []).map { span in
      "\(span["start"] ?? "?")-\(span["end"] ?? "?") \(span["label"] ?? "?") \(span["text"] ?? "?")"
    }
  }

  @Test func spansAfterEmojiAndCJKKeepCodePointOffsets() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "ents.jsonl",
      """
      {"id": "s1", "text": "😀 Angela Merkel met 習近平 in Berlin."}
      {"id": "s2", "text": "👩‍💻 Siemens AG hired 田中さん."}
      {"id": "s3", "text": "Tokyo\\tand Osaka."}

      """)
    let command = "\(TmuxSession.tallyBinary) label ents.jsonl --spans PER,ORG,LOC --annotator sp"
    var session: TmuxSession? = try TmuxSession(command: command, directory: folder.path)
    guard let first = session else { return }
    try first.waitFor("Angela Merkel met")
    try first.send("w", "v", "w", "1")  // PER "Angela Merkel"
    try first.waitFor("Merkel‹PER›")
    try first.send("w", "w", "1")  // PER "習近平"
    try first.send("w", "w", "3")  // LOC "Berlin"
    try first.waitFor("Berlin‹LOC›")
    try first.send("Enter")
    try first.waitFor("Siemens AG hired")
    try first.send("w", "v", "w", "2")  // ORG "Siemens AG"
    try first.send("w", "w", "1")  // PER "田中さん"
    try first.waitFor("田中さん‹PER›")
    try first.send("Enter")
    try first.waitFor("Osaka")
    // Back to s1: remove the span on 習近平 and submit again (a superseding record).
    try first.send("<")
    try first.waitFor("Siemens AG‹ORG›")
    try first.send("<")
    try first.waitFor("Merkel‹PER›")
    try first.send("]", "]", "x")
    try first.waitFor("Removed PER “習近平”")
    try first.send("Enter")  // a changed answer moves on to the next task, s2
    try first.waitFor("Siemens AG‹ORG›")
    try first.killProgram()
    session = nil

    let second = try TmuxSession(command: command, directory: folder.path)
    let resumed = try second.waitFor("Osaka")
    #expect(resumed.contains("2/3 done"))
    try second.send("3", "w", "w", "3")  // LOC "Tokyo", LOC "Osaka" (after a tab)
    try second.waitFor("Osaka‹LOC›")
    try second.send("Enter")
    try second.waitFor("End of the queue")
    try second.send("q")
    try second.waitFor("TALLY-EXIT=0")

    let export = try TmuxSession.run([TmuxSession.tallyBinary, "export", "ents.jsonl.tally"], directory: folder.path)
    #expect(export.status == 0, "\(export.output)")
    let rows = json(export.output)
    #expect(rows.map { $0["id"] as? String } == ["s1", "s2", "s3"])
    func label(_ i: Int) -> [String] { spans((rows[safe: i]?["answers"] as? [String: Any])?["label"]) }
    #expect(label(0) == ["2-15 PER Angela Merkel", "27-33 LOC Berlin"])
    #expect(label(1) == ["4-14 ORG Siemens AG", "21-25 PER 田中さん"])
    #expect(label(2) == ["0-5 LOC Tokyo", "10-15 LOC Osaka"])

    let log = json(try folder.read("ents.jsonl.tally/labels/sp/e2e-machine.jsonl")).filter {
      $0["task"] as? String == "s1"
    }
    #expect(log.count == 2)
    #expect(log.last?["supersedes"] as? String == log.first?["id"] as? String)

    let spacy = try TmuxSession.run(
      [TmuxSession.tallyBinary, "export", "ents.jsonl.tally", "--format", "spacy"], directory: folder.path)
    let docs = json(spacy.output)
    #expect(docs.count == 3)
    #expect(docs.first?["text"] as? String == "😀 Angela Merkel met 習近平 in Berlin.")
    #expect(spans(docs.first?["spans"]) == ["2-15 PER Angela Merkel", "27-33 LOC Berlin"])

    let conll = try TmuxSession.run(
      [TmuxSession.tallyBinary, "export", "ents.jsonl.tally", "--format", "conll"], directory: folder.path)
    #expect(conll.status == 0)
    let firstDoc = conll.output.components(separatedBy: "\n\n").first ?? ""
    #expect(
      firstDoc.split(separator: "\n").map(String.init) == [
        "# id: s1 annotator: sp", "😀\tO", "Angela\tB-PER", "Merkel\tI-PER", "met\tO", "習近平\tO", "in\tO",
        "Berlin\tB-LOC", ".\tO",
      ])
  }

  static let compareYAML = """
    name: arena
    data: pairs.jsonl
    layout: compare
    compare:
      require_scroll: true
    seed: 3
    questions:
      - name: overall
        type: comparison
        prompt: Which is better overall?
        both_bad: true
        strength: true
      - name: correctness
        type: comparison
        prompt: Which is more correct?

    """

  @Test func sideBySideRecordsSidesAndAnswersInTermsOfAAndB() throws {
    let folder = try TemporaryFolder()
    let long = (1...60).map { "ALPHA line \($0)" }.joined(separator: "\\n")
    try folder.write("project/tally.yaml", Self.compareYAML)
    try folder.write(
      "project/pairs.jsonl",
      """
      {"id": "p1", "prompt": "Capital of France?", "response_a": "ALPHA Paris.", "response_b": "BRAVO Lyon."}
      {"id": "p2", "prompt": "Count to sixty.", "response_a": "\(long)", "response_b": "BRAVO 1, 2, 3."}
      {"id": "p3", "prompt": "Say hi in Japanese.", "response_a": "ALPHA こんにちは", "response_b": "BRAVO hello"}

      """)
    let left = ["p1", "p2", "p3"].map { CompareSides.leftIsA(taskID: $0, seed: 3, randomize: true) ? "a" : "b" }
    let right = left.map { $0 == "a" ? "b" : "a" }
    let command = "\(TmuxSession.tallyBinary) label project --annotator judge"
    var session: TmuxSession? = try TmuxSession(command: command, directory: folder.path)
    guard let first = session else { return }
    let screen = try first.waitFor("Capital of France?")
    // The response on the left is the one the seed says.
    let row =
      screen.split(separator: "\n").first { $0.contains("ALPHA") && $0.contains("BRAVO") }.map(String.init) ?? ""
    let alphaIsLeft =
      (row.range(of: "ALPHA")?.lowerBound ?? row.endIndex) < (row.range(of: "BRAVO")?.lowerBound ?? row.startIndex)
    #expect(alphaIsLeft == (left[0] == "a"), "screen row: \(row)")
    try first.send("1")  // left is better
    try first.waitFor("How much?")
    try first.send("2")  // clearly
    try first.send("2")  // correctness: right
    try first.waitFor("Count to sixty.")
    try first.send("3")  // refused: the long response has not been read to its end
    try first.waitFor("to the end first")
    for _ in 0..<8 { try first.send("J", "J", "J", "J", "J", "J", "J", "J") }
    try first.send("3", "3")  // tie, tie
    try first.waitFor("Say hi in Japanese.")
    try first.send("<")
    try first.waitFor("Already answered")
    try first.send("4")  // change overall to both bad: correctness is still answered, so it submits
    try first.waitFor("Say hi in Japanese.")
    try first.killProgram()
    session = nil

    let second = try TmuxSession(command: command, directory: folder.path)
    try second.waitFor("Say hi in Japanese.")
    try second.send("2", "1", "1")  // right, slightly; correctness left
    try second.waitFor("End of the queue")
    try second.send("q")
    try second.waitFor("TALLY-EXIT=0")

    let export = try TmuxSession.run([TmuxSession.tallyBinary, "export", "project"], directory: folder.path)
    let rows = json(export.output)
    #expect(rows.count == 3)
    func answers(_ i: Int) -> [String: String] {
      ((rows[safe: i]?["answers"] as? [String: Any]) ?? [:]).compactMapValues { $0 as? String }
    }
    #expect(answers(0) == ["overall": left[0], "overall_strength": "clearly", "correctness": right[0]])
    #expect(answers(1) == ["overall": "both_bad", "correctness": "tie"])
    #expect(answers(2) == ["overall": right[2], "overall_strength": "slightly", "correctness": left[2]])
    #expect(rows.map { $0["shown_left"] as? String } == left)
    let log = json(try folder.read("project/labels/judge/e2e-machine.jsonl")).filter { $0["task"] as? String == "p2" }
    #expect(log.count == 2)
    #expect(log.last?["supersedes"] as? String == log.first?["id"] as? String)
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
