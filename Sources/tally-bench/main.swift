// tally-bench: generates a 1,000,000-line dataset and a 1,000,000-record label log, then measures
// start-up to the first frame, peak memory, resume, and key-to-frame latency; then the team half (aggregation,
// agreement and Bradley–Terry on a million judgments, the label store over a million records).
// Run: `swift run -c release tally-bench [--lines N] [--dir PATH] [--runs N] [--only labeling|team|review|store-bench|store]`.
import TallyCLI
import TallyCore
import TallyJSON
import TallyStore
import TallyText
import TallyUI

#if canImport(Glibc)
  import Glibc
#endif

func monotonic() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Peak resident memory of this process (VmHWM), in MB.
func peakMemoryMB() -> Double {
  guard let file = fopen("/proc/self/status", "r") else { return -1 }
  defer { fclose(file) }
  var line = [CChar](repeating: 0, count: 256)
  while fgets(&line, Int32(line.count), file) != nil {
    let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if text.hasPrefix("VmHWM:") { return (Double(text.filter(\.isNumber)) ?? 0) / 1024 }
  }
  return -1
}

func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return 0 }
  return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

func fmt(_ value: Double, _ digits: Int = 3) -> String {
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let rounded = (value * scale).rounded() / scale
  return String(rounded)
}

/// Streams generated lines into a file.
func generate(_ path: String, count: Int, line: (Int, inout SplitMix64) -> String) {
  guard let file = fopen(path, "w") else {
    print("cannot write \(path)")
    exit(1)
  }
  var rng = SplitMix64(seed: 42)
  var buffer: [UInt8] = []
  buffer.reserveCapacity(1 << 22)
  for i in 0..<count {
    buffer.append(contentsOf: line(i, &rng).utf8)
    buffer.append(0x0A)
    if buffer.count > 1 << 22 {
      _ = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
      buffer.removeAll(keepingCapacity: true)
    }
  }
  _ = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
  fclose(file)
}

func fileSize(_ path: String) -> Int {
  var st = stat()
  return stat(path, &st) == 0 ? Int(st.st_size) : 0
}

var lines = 1_000_000
var dir = "bench-data"
var runs = 5
var only: String?
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
  switch arg {
  case "--lines": lines = Int(args.popFirst() ?? "") ?? lines
  case "--dir": dir = args.popFirst() ?? dir
  case "--runs": runs = Int(args.popFirst() ?? "") ?? runs
  case "--only": only = args.popFirst()
  default:
    print("usage: tally-bench [--lines N] [--dir PATH] [--runs N] [--only labeling|team|review|store-bench|store]")
    exit(2)
  }
}
if only == "store" {
  storeOnly(dir: dir)
  exit(0)
}
if only == "review-open" {
  let s = monotonic()
  let state = openReview(dir: dir)
  print("review open: \(fmt(monotonic() - s)) s, \(state?.state.queue.count ?? 0) tasks in the queue")
  exit(0)
}
if only == "review" {
  mkdir(dir, 0o755)
  runReviewBench(dir: dir, runs: runs)
  exit(0)
}
if only == "store-bench" {
  runStoreBench(dir: dir, runs: runs)
  exit(0)
}
if only == "team" {
  mkdir(dir, 0o755)
  runTeamBench(dir: dir, runs: runs)
  exit(0)
}

let words = [
  "the", "service", "was", "quick", "and", "friendly", "but", "delivery", "took", "longer", "than", "expected",
  "price", "quality", "great", "terrible", "okay", "would", "buy", "again", "never", "café", "東京", "😀",
]
func sentence(_ rng: inout SplitMix64, bytes: Int) -> String {
  var text = ""
  while text.utf8.count < bytes { text += words[Int(rng.next() % UInt64(words.count))] + " " }
  return text
}

mkdir(dir, 0o755)
let fresh = dir + "/fresh"
let resumed = dir + "/resumed"
for folder in [fresh, resumed] {
  mkdir(folder, 0o755)
  mkdir(folder + "/labels", 0o755)
}
let yaml = """
  name: bench
  data: ../data.jsonl
  guidelines: ../guidelines.md
  questions:
    - name: label
      type: single
      options: [positive, negative, neutral]
  """
for folder in [fresh, resumed] {
  guard let f = fopen(folder + "/tally.yaml", "w") else { exit(1) }
  fputs(yaml, f)
  fclose(f)
}
if let f = fopen(dir + "/guidelines.md", "w") {
  fputs("# Bench\n\nPick the sentiment.\n", f)
  fclose(f)
}

let dataPath = dir + "/data.jsonl"
let t0 = monotonic()
if fileSize(dataPath) == 0 || (try? DataIndex.build(path: dataPath, format: .jsonl))?.count != lines {
  generate(dataPath, count: lines) { i, rng in
    "{\"id\":\"t\(i)\",\"text\":\"\(sentence(&rng, bytes: 190))\",\"lang\":\"en\",\"source\":\"bench\"}"
  }
}
// A label log with one record per task but the last, as a real annotator's would be.
let annotator = "bench"
let logPath = resumed + "/labels/" + annotator + ".jsonl"
if fileSize(logPath) == 0 {
  let labels = ["positive", "negative", "neutral"]
  generate(logPath, count: lines) { i, rng in
    let task = i == lines - 1 ? "guidelines" : "t\(i)"
    if i == lines - 1 {
      return LabelRecord(
        id: "g-\(i)", type: .event, annotator: annotator, event: "guidelines_opened", submittedAt: 1.8e9,
        guidelinesVersion: ContentHash.guidelinesVersion(of: "# Bench\n\nPick the sentiment.\n"), tool: "bench"
      ).jsonLine
    }
    return LabelRecord(
      id: "0190c3a2-\(i)-7000-8000-\(rng.next() % 1_000_000_000_000)", type: .answer, task: task, line: i + 1,
      annotator: annotator, answers: JSONObject([("label", .string(labels[i % 3]))]), shownAt: 1.8e9 + Double(i),
      submittedAt: 1.8e9 + Double(i) + 3.2, activeSeconds: 3.2, guidelinesVersion: "sha256:0123456789abcdef",
      tool: "tally 0.1.0"
    ).jsonLine
  }
}
print(
  "data: \(lines) lines, \(fileSize(dataPath) / 1_000_000) MB; log: \(fileSize(logPath) / 1_000_000) MB"
    + " (prepared in \(fmt(monotonic() - t0, 1)) s)")

/// Start-up to the first frame: load project, index data, read the log, find the first task, render it.
func firstFrame(_ folder: String) -> (seconds: Double, position: Int) {
  let start = monotonic()
  guard let project = try? Project.load(folder),
    let engine = try? LabelEngine(project: project, annotator: annotator, width: 200, height: 60)
  else {
    print("cannot open \(folder)")
    exit(1)
  }
  engine.start(width: 200, height: 60)
  let screen = Renderer.render(engine.state)
  let seconds = monotonic() - start
  precondition(screen.width == 200)
  return (seconds, engine.state.position)
}

var firstTimes: [Double] = []
for _ in 0..<runs { firstTimes.append(firstFrame(fresh).seconds) }
let peakAfterFirst = peakMemoryMB()
print(
  "first task drawn (fresh project, \(runs) runs): median \(fmt(percentile(firstTimes, 0.5))) s,"
    + " max \(fmt(firstTimes.max() ?? 0)) s; peak memory \(fmt(peakAfterFirst, 1)) MB  [target < 1 s, < 300 MB]")

do {
  let start = monotonic()
  let index = try LabelLogReader.index(path: logPath)
  print("  reading the \(index.records)-record log alone: \(fmt(monotonic() - start)) s")
} catch {
  print("cannot read the log: \(error)")
}
var resumeTimes: [Double] = []
var resumePosition = 0
for _ in 0..<runs {
  let result = firstFrame(resumed)
  resumeTimes.append(result.seconds)
  resumePosition = result.position
}
print(
  "resume with a \(lines)-record log (\(runs) runs): median \(fmt(percentile(resumeTimes, 0.5))) s,"
    + " max \(fmt(resumeTimes.max() ?? 0)) s; resumed at position \(resumePosition + 1);"
    + " peak memory \(fmt(peakMemoryMB(), 1)) MB  [target < 2 s]")

// Key to frame at 200×60 with a 20 KB task.
var rng = SplitMix64(seed: 7)
let bigText = sentence(&rng, bytes: 20_000)
let questions = [
  Question(name: "label", kind: .multi, options: ["alpha", "beta", "gamma", "delta"].map { AnswerOption(name: $0) })
]
let session = SessionInfo(
  projectName: "bench", projectFolder: "bench", questions: questions, showFields: ["lang"], annotator: "bench",
  guidelines: "# Guide\n\nSome text.\n", guidelinesVersion: "sha256:x", toolVersion: "bench", total: 10)
var state = AppState(session: session, width: 200, height: 60, handled: [:], now: 1000)
_ = App.update(
  &state,
  Input(
    .loaded(
      LoadedTask(position: 0, task: LabelTask(id: "big", line: 1, fields: JSONObject([("lang", "en")]), text: bigText))),
    time: 1000))
/// Sends `keys` round-robin through update and render, double-buffered as in the runner, and prints the
/// median, p99 and max of key-to-frame (and of update alone).
func measureKeys(_ state: inout AppState, keys: [Key], iterations: Int, label: String) {
  var samples: [Double] = []
  var updateSamples: [Double] = []
  samples.reserveCapacity(iterations)
  updateSamples.reserveCapacity(iterations)
  var checksum = 0
  // `previous` stands for the frame the terminal keeps to diff against.
  var screen = Screen(width: state.width, height: state.height)
  var previous = Screen(width: state.width, height: state.height)
  for i in 0..<iterations {
    let start = monotonic()
    _ = App.update(&state, Input(.key(keys[i % keys.count]), time: 1000 + Double(i) * 0.01))
    let mid = monotonic()
    Renderer.render(state, into: &screen)
    let end = monotonic()
    swap(&screen, &previous)
    samples.append(end - start)
    updateSamples.append(mid - start)
    checksum &+= screen.cells.count
  }
  print(
    "\(label) (\(iterations) keys): median \(fmt(percentile(samples, 0.5) * 1e6, 1)) µs,"
      + " p99 \(fmt(percentile(samples, 0.99) * 1e6, 1)) µs, max \(fmt((samples.max() ?? 0) * 1e6, 1)) µs  [target p99 < 1000 µs]"
  )
  print(
    "  of which update: median \(fmt(percentile(updateSamples, 0.5) * 1e6, 1)) µs, p99 \(fmt(percentile(updateSamples, 0.99) * 1e6, 1)) µs"
  )
  if checksum == 0 { print("(no frames)") }
}

measureKeys(
  &state,
  keys: [.char("1"), .down, .char("2"), .pageDown, .char("1"), .up, .char("d"), .pageUp, .char("2"), .char("d")],
  iterations: 20_000, label: "key to frame, 200×60, 20 KB text")

// A 20 KB span task with 200 spans: cursor moves, jumps between spans and relabels (each relabel re-wraps).
let entities = Question(
  name: "entities", kind: .spans, options: ["PER", "ORG", "LOC", "MISC"].map { AnswerOption(name: $0) })
let points = CodePointText(bigText)
var benchSpans: [Span] = []
for k in 0..<400 where benchSpans.count < 200 {
  let (lo, hi) = points.snapToWords(k * points.count / 400 + 1, k * points.count / 400 + 2)
  if hi > lo, !benchSpans.contains(where: { $0.overlaps(points.span(lo, hi, label: "PER")) }) {
    benchSpans.append(points.span(lo, hi, label: ["PER", "ORG", "LOC", "MISC"][k % 4]))
  }
}
let spanSession = SessionInfo(
  projectName: "bench", projectFolder: "bench", questions: [entities], annotator: "bench", toolVersion: "bench",
  total: 10)
var spanState = AppState(session: spanSession, width: 200, height: 60, handled: [:], now: 1000)
let spanTask = LabelTask(
  id: "spans", line: 1, fields: JSONObject([("spans", Span.answer(benchSpans))]), text: bigText)
_ = App.update(&spanState, Input(.loaded(LoadedTask(position: 0, task: spanTask)), time: 1000))
measureKeys(
  &spanState,
  keys: [.char("]"), .char("2"), .char("w"), .down, .right, .char("b"), .up, .char("["), .char("1"), .char("j")],
  iterations: 20_000, label: "key to frame, 200×60, 20 KB span task with \(benchSpans.count) spans")

// A side-by-side task with two 10 KB responses: scroll each and both, move the focus, toggle the word diff.
var compareSpec = CompareSpec()
compareSpec.randomizeSides = false
var compareSession = SessionInfo(
  projectName: "bench", projectFolder: "bench",
  questions: [
    { () -> Question in
      var q = Question(name: "overall", kind: .comparison, options: Question.comparisonOptions(bothBad: true))
      q.strength = true
      return q
    }()
  ], annotator: "bench", toolVersion: "bench", total: 10)
compareSession.layout = .compare(compareSpec)
var compareState = AppState(session: compareSession, width: 200, height: 60, handled: [:], now: 1000)
let responseA = sentence(&rng, bytes: 10_000)
let responseB = sentence(&rng, bytes: 10_000)
let pairTask = LabelTask(
  id: "pair", line: 1,
  fields: JSONObject([
    ("prompt", "Compare these."), ("response_a", .string(responseA)), ("response_b", .string(responseB)),
  ]),
  text: "Compare these.")
_ = App.update(&compareState, Input(.loaded(LoadedTask(position: 0, task: pairTask)), time: 1000))
_ = App.update(&compareState, Input(.key(.char("w")), time: 1000))  // the word diff, computed once per task
measureKeys(
  &compareState,
  keys: [
    .char("j"), .char("J"), .char("]"), .pageDown, .char("K"), .char("["), .char("k"), .pageUp, .char("w"), .char("w"),
  ],
  iterations: 20_000, label: "key to frame, 200×60, side by side, two 10 KB responses")

var diffTimes: [Double] = []
for _ in 0..<5 {
  let start = monotonic()
  _ = WordDiff.changes(responseA, responseB)
  diffTimes.append(monotonic() - start)
}
print(
  "word diff of the two 10 KB responses (once per task, on `w`): median \(fmt(percentile(diffTimes, 0.5) * 1e3, 2)) ms")

if only != "labeling" {
  runTeamBench(dir: dir, runs: runs)
  runReviewBench(dir: dir, runs: runs)
}
