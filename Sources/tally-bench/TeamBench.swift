// The team half of the benchmark: aggregation and agreement on a million judgments, Bradley–Terry on a million
// comparisons, and the label store over a million records in many logs.
import TallyCore
import TallyJSON
import TallyStats
import TallyStore

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `arguments` (the binary first) to the end; wall seconds and the child's peak resident memory (MB).
func spawnMeasured(_ arguments: [String]) -> (seconds: Double, peakMB: Double, status: Int32) {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
  defer { for p in argv { free(p) } }
  var pid: pid_t = 0
  let start = monotonic()
  guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else { return (-1, -1, -1) }
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
  return (monotonic() - start, Double(usage.ru_maxrss) / 1024, (status >> 8) & 0xFF)
}

/// Median, min and max of `runs` measurements, and the peak memory of the largest.
func measured(_ label: String, runs: Int, target: String, _ body: () -> (seconds: Double, peakMB: Double)) {
  var times: [Double] = []
  var peak = 0.0
  for _ in 0..<runs {
    let (seconds, mb) = body()
    times.append(seconds)
    peak = max(peak, mb)
  }
  let memory = peak > 0 ? "; peak memory \(fmt(peak, 0)) MB" : ""
  print(
    "\(label): median \(fmt(percentile(times, 0.5))) s (min \(fmt(times.min() ?? 0)), max \(fmt(times.max() ?? 0)))"
      + "\(memory)  [\(target)]")
}

func runTeamBench(dir: String, runs: Int) {
  let judgments = dir + "/judgments.csv"
  let comparisons = dir + "/comparisons.csv"
  let tasks = 260_000
  let annotators = 1_000
  let labels = ["alpha", "beta", "gamma", "delta"]
  if fileSize(judgments) == 0 {
    // Each task is judged by 3 or 4 of 1,000 annotators (85% of tasks by 4), until there are 1,000,000
    // judgments; annotators are 50–95% accurate, one in twenty answers at random.
    var rng = SplitMix64(seed: 11)
    let accuracy = (0..<annotators).map { _ in 0.5 + Double(rng.next() % 4500) / 10_000 }
    let spammer = (0..<annotators).map { _ in rng.next() % 20 == 0 }
    var rows = ["task,annotator,label"]
    rows.reserveCapacity(1_000_001)
    var t = 0
    while rows.count <= 1_000_000 {
      let truth = Int(rng.next() % 4)
      let n = rng.next() % 100 < 85 ? 4 : 3
      var chosen: Set<Int> = []
      while chosen.count < n { chosen.insert(Int(rng.next() % UInt64(annotators))) }
      for a in chosen.sorted() where rows.count <= 1_000_000 {
        var label = truth
        if spammer[a] || Double(rng.next() % 10_000) / 10_000 >= accuracy[a] { label = Int(rng.next() % 4) }
        rows.append("task\(t % tasks),a\(a),\(labels[label])")
      }
      t += 1
    }
    generate(judgments, count: rows.count) { i, _ in rows[i] }
  }
  if fileSize(comparisons) == 0 {
    // 100 systems with normal-ish strengths; 1,000,000 random pairs; ~10% ties; sides at random.
    var rng = SplitMix64(seed: 13)
    let strength = (0..<100).map { _ in Double(Int(rng.next() % 4000) - 2000) / 1000 }
    generate(comparisons, count: 1_000_001) { i, _ in
      if i == 0 { return "left,right,winner,annotator" }
      let a = Int(rng.next() % 100)
      var b = Int(rng.next() % 100)
      while b == a { b = Int(rng.next() % 100) }
      let p = 1 / (1 + exp(strength[b] - strength[a]))
      let u = Double(rng.next() % 1_000_000) / 1_000_000
      let winner = u < 0.1 ? "tie" : (Double(rng.next() % 1_000_000) / 1_000_000 < p ? "left" : "right")
      return "m\(a),m\(b),\(winner),j\(rng.next() % 200)"
    }
  }
  print("judgments: \(fileSize(judgments) / 1_000_000) MB; comparisons: \(fileSize(comparisons) / 1_000_000) MB")
  let exe = (try? readLink("/proc/self/exe")) ?? CommandLine.arguments[0]
  let tally = String(exe[..<(exe.lastIndex(of: "/") ?? exe.startIndex)]) + "/tally"
  for method in ["mv", "ds", "wawa"] {
    measured(
      "aggregate --from (1,000,000 judgments) --method \(method), whole command", runs: runs,
      target: method == "mv" ? "< 0.5 s" : method == "ds" ? "< 2 s" : "—"
    ) {
      let r = spawnMeasured([tally, "aggregate", "--from", judgments, "--method", method])
      return (r.seconds, r.peakMB)
    }
  }
  for method in ["glad", "mace"] {
    measured("aggregate --from (1,000,000 judgments) --method \(method), whole command", runs: 1, target: "—") {
      let r = spawnMeasured([tally, "aggregate", "--from", judgments, "--method", method])
      return (r.seconds, r.peakMB)
    }
  }
  measured(
    "aggregate --from (1,000,000 comparisons of 100 systems) --method bt, 200 bootstrap rounds", runs: runs,
    target: "< 2 s"
  ) {
    let r = spawnMeasured([tally, "aggregate", "--from", comparisons, "--method", "bt", "--bootstrap", "200"])
    return (r.seconds, r.peakMB)
  }
  // The library calls alone, on the table read once (as the reference timings are library calls).
  let start = monotonic()
  guard let table = try? JudgmentsFile.readCategorical(path: judgments) else { return }
  print("  reading the judgments file: \(fmt(monotonic() - start)) s (\(table.data.count) judgments)")
  let data = table.data
  let units = (0..<1).flatMap { _ -> [[Int32]] in
    let byTask = data.byTask()
    return (0..<data.taskCount).map { t in byTask.items(of: t).map { data.labels[Int($0)] } }
  }
  measured("  majority vote, library call", runs: runs, target: "crowd-kit: see README") {
    let s = monotonic()
    _ = MajorityVote.fit(data)
    return (monotonic() - s, 0)
  }
  measured("  Dawid–Skene, library call", runs: runs, target: "crowd-kit: see README") {
    let s = monotonic()
    let fit = DawidSkene.fit(data)
    if fit.iterations == 0 { print("(no iterations)") }
    return (monotonic() - s, 0)
  }
  measured("  Dawid–Skene crowd-kit compatible, library call", runs: runs, target: "—") {
    let s = monotonic()
    _ = DawidSkene.fit(data, options: .crowdKit)
    return (monotonic() - s, 0)
  }
  measured("  Cohen's κ, all pairs, library call", runs: runs, target: "< 2 s") {
    let s = monotonic()
    let pairs = Kappa.cohenAllPairs(data)
    if pairs.isEmpty { print("(no pairs)") }
    return (monotonic() - s, 0)
  }
  measured("  Krippendorff's α (nominal), library call", runs: runs, target: "< 0.5 s") {
    let s = monotonic()
    _ = Krippendorff.alpha(units: units, valueCount: data.classCount)
    return (monotonic() - s, 0)
  }
  measured("  Fleiss' κ by ratings per item, library call", runs: runs, target: "< 0.5 s") {
    let s = monotonic()
    _ = Kappa.fleissByRatings(data)
    return (monotonic() - s, 0)
  }
  measured(
    "agreement --from (1,000,000 judgments), whole command (α with a 1,000-round bootstrap)", runs: runs, target: "—"
  ) {
    let r = spawnMeasured([tally, "agreement", "--from", judgments, "--json"])
    return (r.seconds, r.peakMB)
  }
  runStoreBench(dir: dir, runs: runs)
}

/// The label store over 1,000,000 records in 100 annotators' logs.
func runStoreBench(dir: String, runs: Int) {
  let folder = dir + "/team"
  mkdir(folder, 0o755)
  mkdir(folder + "/labels", 0o755)
  if let f = fopen(folder + "/tally.yaml", "w") {
    fputs(
      "name: team\ndata: ../data.jsonl\nquestions:\n  - name: label\n    options: [positive, negative, neutral]\n", f)
    fclose(f)
  }
  let labels = ["positive", "negative", "neutral"]
  for a in 0..<100 {
    let path = folder + "/labels/annotator\(a).jsonl"
    if fileSize(path) > 0 { continue }
    var previous: (id: String, task: Int) = ("", 0)
    generate(path, count: 10_000) { i, rng in
      // Each annotator labels 10,000 tasks; one record in fifty changes the answer before it (supersedes it).
      let edit = i % 50 == 49
      let task = edit ? previous.task : (a * 7_919 + i * 13) % 1_000_000
      var record = LabelRecord(
        id: uuidV7Shaped(&rng), type: .answer, task: "t\(task)", line: task + 1,
        annotator: "annotator\(a)", answers: JSONObject([("label", .string(labels[Int(rng.next() % 3)]))]),
        shownAt: 1.8e9 + Double(i), submittedAt: 1.8e9 + Double(i) + 3, activeSeconds: 3,
        guidelinesVersion: "sha256:0123456789abcdef", tool: "tally 0.1.0")
      if edit { record.supersedes = previous.id }
      previous = (record.id, task)
      return record.jsonLine
    }
  }
  // In a process of its own (`tally-bench --only store`), so its peak memory is the store's alone.
  let exe = (try? readLink("/proc/self/exe")) ?? CommandLine.arguments[0]
  measured(
    "label store over 1,000,000 records in 100 logs (process start to loaded)", runs: runs, target: "well under 2 s"
  ) {
    let r = spawnMeasured([exe, "--only", "store", "--dir", dir])
    return (r.seconds, r.peakMB)
  }
}

/// A random id shaped as Tally's (a canonical lowercase UUID, version 7).
func uuidV7Shaped(_ rng: inout SplitMix64) -> String {
  func hex(_ v: UInt64, _ digits: Int) -> String {
    let s = String(v & ((1 << (4 * UInt64(digits))) - 1), radix: 16)
    return String(repeating: "0", count: digits - s.count) + s
  }
  let (a, b) = (rng.next(), rng.next())
  return hex(a >> 32, 8) + "-" + hex(a >> 16, 4) + "-7" + hex(a, 3) + "-" + hex(8 | (b >> 62), 1) + hex(b >> 48, 3)
    + "-"
    + hex(b, 12)
}

func readLink(_ path: String) throws -> String {
  var buffer = [CChar](repeating: 0, count: 4096)
  let n = readlink(path, &buffer, buffer.count - 1)
  guard n > 0 else { throw SystemError("readlink", path: path, code: errno) }
  return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The store alone (`--only store`): what the store benchmark runs, and a target for a profiler.
func storeOnly(dir: String) {
  var s = monotonic()
  guard let project = try? Project.load(dir + "/team") else { return }
  let opened = monotonic() - s
  let afterProject = peakMemoryMB()
  s = monotonic()
  let store = try? LabelStore.load(project: project)
  print(
    "project opened in \(fmt(opened)) s (peak \(fmt(afterProject, 0)) MB); store: \(fmt(monotonic() - s)) s, "
      + "\(store?.count ?? 0) records, peak \(fmt(peakMemoryMB(), 0)) MB")
}
