// The review benchmark: opening the review of 1,000,000 records in 20 logs to its first task, and key to frame.
import TallyCore
import TallyJSON
import TallyStore
import TallyUI

#if canImport(Glibc)
  import Glibc
#endif

/// 20 annotators × 50,000 answers over 350,000 tasks (groups of three share tasks; ~75% accurate), in the
/// folder `review` beside the 1,000,000-line data file.
func prepareReviewProject(dir: String) {
  let folder = dir + "/review"
  mkdir(folder, 0o755)
  mkdir(folder + "/labels", 0o755)
  if let f = fopen(folder + "/tally.yaml", "w") {
    fputs(
      "name: review\ndata: ../data.jsonl\nquestions:\n  - name: label\n    options: [positive, negative, neutral]\n", f)
    fclose(f)
  }
  let labels = ["positive", "negative", "neutral"]
  for a in 0..<20 {
    mkdir(folder + "/labels/annotator\(a)", 0o755)
    let path = folder + "/labels/annotator\(a)/bench.jsonl"
    if fileSize(path) > 0 { continue }
    generate(path, count: 50_000) { i, rng in
      let task = (a / 3) * 50_000 + i
      let truth = task % 3
      // Each annotator's own draws (the generator's stream is the same for every file).
      var own = SplitMix64(seed: UInt64(a) &* 1_000_003 &+ UInt64(i))
      let label = own.next() % 4 == 0 ? Int(own.next() % 3) : truth
      return LabelRecord(
        id: uuidV7Shaped(&rng), type: .answer, task: "t\(task)", line: task + 1, annotator: "annotator\(a)",
        answers: JSONObject([("label", .string(labels[label]))]), submittedAt: 1.8e9 + Double(i), activeSeconds: 3,
        tool: "tally 0.1.0"
      ).jsonLine
    }
  }
}

/// Opens the review as `tally review` does, to the first task's text (`--only review-open`).
func openReview(dir: String) -> (state: ReviewState, index: ReviewIndex)? {
  var t = monotonic()
  guard let project = try? Project.load(dir + "/review"), let question = project.config.questions.first,
    let dataset = try? Dataset(path: project.dataPath, spec: DataSpec(project.config))
  else { return nil }
  let opened = monotonic() - t
  t = monotonic()
  guard let store = try? LabelStore.load(project: project) else { return nil }
  let loaded = monotonic() - t
  t = monotonic()
  var index = ReviewIndex.load(store: store, question: question)
  let items = monotonic() - t
  t = monotonic()
  defer {
    if CommandLine.arguments.contains("review-open") {
      print(
        "  data indexed \(fmt(opened)) s, store \(fmt(loaded)) s, summaries \(fmt(items)) s, queue and first "
          + "task \(fmt(monotonic() - t)) s"
      )
    }
  }
  var state = ReviewState(
    question: question, summaries: index.summaries, queue: ReviewQueue.disagreements.order(index.summaries),
    queueName: "disagreements", reviewer: "bench", blind: false, width: 200, height: 60)
  // The first task as the session shows it: its full item and its text.
  if let first = state.current, let at = index.position(first, in: dataset),
    case .success(let task) = dataset.task(at: at)
  {
    state.texts[first] = task.text
    state.items[first] = index.item(first)
  }
  return (state, index)
}

func runReviewBench(dir: String, runs: Int) {
  prepareReviewProject(dir: dir)
  let exe = (try? readLink("/proc/self/exe")) ?? CommandLine.arguments[0]
  measured(
    "review of 1,000,000 records in 20 logs, process start to the first task", runs: runs, target: "< 2 s"
  ) {
    let r = spawnMeasured([exe, "--only", "review-open", "--dir", dir])
    return (r.seconds, r.peakMB)
  }
  guard let (opened, index) = openReview(dir: dir) else { return }
  var state = opened
  print("  \(state.summaries.count) tasks, \(state.queue.count) in the disagreement queue")
  // Key to frame at 200×60: n and p through the queue, the text of each task given as the runner would.
  var screen = Screen(width: 200, height: 60)
  var times: [Double] = []
  let text = String(repeating: "A long review text that wraps across the screen. ", count: 40)
  for k in 0..<20_000 {
    let start = monotonic()
    let effects = ReviewApp.update(&state, .key(k % 7 == 6 ? .char("p") : .char("n")), now: Double(k))
    for case .loadText(let item) in effects {
      let review = state.items[item] == nil ? index.item(item) : nil
      _ = ReviewApp.update(&state, .textLoaded(item: item, text: text, review: review), now: Double(k))
    }
    screen.reset(width: 200, height: 60)
    ReviewRenderer.render(state, into: &screen)
    times.append((monotonic() - start) * 1e6)
  }
  print(
    "key to frame, review, 200×60 (20000 keys): median \(fmt(percentile(times, 0.5), 1)) µs, p99 "
      + "\(fmt(percentile(times, 0.99), 1)) µs  [target p99 < 1000 µs]")
}
