import Foundation
import Testing

@testable import TallyCore
@testable import TallyJSON
@testable import TallyStore

/// Bundles over random logs: merge is a union that is commutative, associative and idempotent, loses nothing,
/// and keeps every log byte for byte (so chains and signatures hold); damaged or foreign bundles are refused whole.
@Suite struct BundleTests {
  static let yaml = "name: b\ndata: data.jsonl\nquestions:\n  - name: q\n    options: [x, y, z]\n"

  final class Copy {
    let scratch = Scratch()
    let project: Project
    init(yaml: String = BundleTests.yaml) throws {
      try FileManager.default.createDirectory(atPath: scratch.file("p/labels"), withIntermediateDirectories: true)
      scratch.write("p/tally.yaml", yaml)
      scratch.write("p/data.jsonl", (1...30).map { #"{"id":"t\#($0)","text":"x"}"# }.joined(separator: "\n") + "\n")
      project = try Project.load(scratch.file("p"))
    }

    /// Every log's bytes, by project-relative path.
    func logs() throws -> [String: String] {
      var result: [String: String] = [:]
      for path in project.logPaths() {
        result[String(path.dropFirst(project.folder.count + 1))] = try String(contentsOfFile: path, encoding: .utf8)
      }
      return result
    }

    func merge(_ bundles: [[UInt8]]) throws -> MergeReport {
      try BundleMerge.merge(project: project, bundles: bundles.enumerated().map { ("bundle\($0.offset)", $0.element) })
    }
  }

  struct RNG {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
  }

  /// Appends `count` random records to random logs of the source.
  func write(_ source: Copy, _ count: Int, _ rng: inout RNG, _ serial: inout Int) throws {
    let devices = [("ana", "laptop"), ("ana", "box"), ("ben", "laptop"), ("cy", "air")]
    for _ in 0..<count {
      let (annotator, device) = devices[rng.next(devices.count)]
      let path = source.project.logPath(for: annotator, device: device)
      try source.project.prepareLogFolder(for: path)
      serial += 1
      try LabelLogWriter(path: path).append(
        LabelRecord(
          id: "r\(serial)", type: .answer, task: "t\(1 + rng.next(30))", annotator: annotator,
          answers: JSONObject([("q", .string(["x", "y", "z"][rng.next(3)]))]), submittedAt: Double(serial), tool: "t"))
    }
  }

  /// A source with three bundles made along the way (the second and third `--since` the one before) and a full one.
  func bundles(seed: UInt64) throws -> (source: Copy, parts: [[UInt8]], full: [UInt8]) {
    let source = try Copy()
    var rng = RNG(state: seed)
    var serial = 0
    var parts: [[UInt8]] = []
    var last: BundleManifest?
    for _ in 0..<3 {
      try write(source, 5 + rng.next(20), &rng, &serial)
      let (text, manifest) = try RecordBundle.make(project: source.project, device: "d", since: last, now: 0)
      parts.append(Array(text.utf8))
      last = manifest
    }
    let full = try RecordBundle.make(project: source.project, device: "d", now: 0).text
    return (source, parts, Array(full.utf8))
  }

  @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
  func mergingInAnyOrderOrTwiceGivesTheSourcesLogsByteForByte(seed: UInt64) throws {
    let (source, parts, full) = try bundles(seed: seed)
    let expected = try source.logs()
    let orders: [[Int]] = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1, 0, 2]]
    for order in orders {
      // One bundle per merge, in this order.
      let copy = try Copy()
      for i in order { _ = try copy.merge([parts[i]]) }
      #expect(try copy.logs() == expected, "order \(order)")
      #expect(!FileManager.default.fileExists(atPath: copy.project.labelsFolder + "/.pending/records.jsonl"))
      // Again: nothing new.
      let again = try copy.merge(parts)
      #expect(again.added.isEmpty && again.held.isEmpty)
      #expect(try copy.logs() == expected)
    }
    // All at once, in any order, and the full bundle: the same.
    let together = try Copy()
    _ = try together.merge([parts[2], parts[0], parts[1]])
    #expect(try together.logs() == expected)
    let whole = try Copy()
    let report = try whole.merge([full])
    #expect(try whole.logs() == expected)
    #expect(report.added.values.reduce(0, +) == expected.values.reduce(0) { $0 + $1.split(separator: "\n").count })
    // Merged copies verify: chains intact, nothing lost.
    #expect(try LogVerifier.verify(project: whole.project).clean)
  }

  @Test func aLaterBundleWaitsForTheEarlierOneAndNothingIsLost() throws {
    let (source, parts, _) = try bundles(seed: 9)
    let copy = try Copy()
    let first = try copy.merge([parts[2]])
    #expect(first.added.isEmpty && !first.held.isEmpty)
    #expect(try copy.logs().isEmpty || (try copy.logs()) != (try source.logs()))
    _ = try copy.merge([parts[1]])
    _ = try copy.merge([parts[0]])
    #expect(try copy.logs() == source.logs())
  }

  @Test func aBundleCutShortOrChangedIsRefusedWhole() throws {
    let (_, parts, full) = try bundles(seed: 3)
    let copy = try Copy()
    // Cut anywhere: never a partial merge.
    for cut in [full.count - 2, full.count / 2, full.count - 30, 40] {
      let report = try copy.merge([Array(full.prefix(cut))])
      #expect(report.added.isEmpty && report.refused.count == 1, "cut at \(cut)")
      #expect(try copy.logs().isEmpty)
    }
    var changed = parts[0]
    if let i = changed.firstIndex(of: UInt8(ascii: "x")) { changed[i] = UInt8(ascii: "y") }
    let report = try copy.merge([changed])
    #expect(report.refused.first?.message.contains("damaged") == true, "\(report.refused)")
    #expect(try copy.logs().isEmpty)
    #expect(report.refused.first.map { $0.message.contains("cut short") } == false)
  }

  @Test func aBundleForAnotherProjectIsRefusedWithWhatDiffers() throws {
    let (_, _, full) = try bundles(seed: 4)
    let other = try Copy(yaml: BundleTests.yaml.replacingOccurrences(of: "[x, y, z]", with: "[x, y]"))
    let report = try other.merge([full])
    #expect(report.refused.first?.message.contains("its questions") == true, "\(report.refused)")
    #expect(try other.logs().isEmpty)
  }

  @Test func twoBundlesDisagreeingOnARecordApplyNeitherWhateverTheOrder() throws {
    let (_, _, full) = try bundles(seed: 7)
    // A second bundle with r2 changed: made the way a bundle is made, from a copy whose r2 differs.
    let copy = try Copy()
    _ = try copy.merge([full])
    let r2log = try copy.logs().first { $0.value.contains(#""id":"r2""#) }?.key ?? ""
    let path = copy.project.folder + "/" + r2log
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let changed =
      text.split(separator: "\n").map { line -> String in
        guard line.contains(#""id":"r2""#) else { return String(line) }
        return String(line).replacingOccurrences(of: #""tool":"t""#, with: #""tool":"other""#)
      }.joined(separator: "\n") + "\n"
    try changed.write(toFile: path, atomically: false, encoding: .utf8)
    let altered = Array(try RecordBundle.make(project: copy.project, device: "d", now: 0).text.utf8)
    var results: [[String: String]] = []
    for order in [[full, altered], [altered, full]] {
      let target = try Copy()
      let report = try target.merge(order)
      #expect(report.conflicts.count == 1 && report.conflicts[0].message.contains("r2"), "\(report.conflicts)")
      #expect(!(try target.logs().values.contains { $0.contains(#""id":"r2""#) }))
      results.append(try target.logs())
    }
    #expect(results[0] == results[1])
  }

  @Test func aRecordWithAKnownIdAndOtherBytesIsAConflictAndTheRestGoesIn() throws {
    let (source, _, full) = try bundles(seed: 5)
    let copy = try Copy()
    // The copy already holds a different record under the id r1, in a log of its own.
    let path = copy.project.logPath(for: "ana", device: "other")
    try copy.project.prepareLogFolder(for: path)
    try LabelLogWriter(path: path).append(
      LabelRecord(id: "r1", type: .answer, task: "t1", annotator: "ana", submittedAt: 1, tool: "forged"))
    let report = try copy.merge([full])
    #expect(report.conflicts.count == 1 && report.conflicts[0].message.hasPrefix("record r1 for"))
    let merged = try copy.logs()
    // Everything else of r1's log after it waits (its chain starts at r1); every other log arrived whole.
    for (log, text) in try source.logs() where !text.contains(#""id":"r1""#) { #expect(merged[log] == text) }
  }
}
