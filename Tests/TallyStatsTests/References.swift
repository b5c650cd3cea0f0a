import TallyJSON
import TallyStats

#if canImport(Glibc)
  import Glibc
#endif

/// Reference outputs made by `References/generate.py` with the reference libraries themselves (each file names
/// the library versions that made it: crowd-kit 1.4.2, krippendorff 0.9.0, statsmodels 0.15.0,
/// scikit-learn 1.5.2, choix 0.4.1, nltk 3.10.4, on numpy 2.0.2 / Python 3.11.7) on synthetic crowds with known
/// truth. The tests read them as committed; CI needs no Python.
enum Reference {
  static let folder: String = {
    let file = #filePath
    return String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) + "/References"
  }()

  static func load(_ name: String) throws -> JSONObject {
    let bytes = try readFile(folder + "/" + name + ".json")
    guard let object = try JSONParser.parse(bytes).objectValue else { throw ReferenceError.notAnObject(name) }
    return object
  }

  enum ReferenceError: Error { case notAnObject(String), missing(String) }
}

extension JSONObject {
  func object(_ key: String) throws -> JSONObject {
    guard let value = self[key]?.objectValue else { throw Reference.ReferenceError.missing(key) }
    return value
  }

  func array(_ key: String) throws -> [JSONValue] {
    guard let value = self[key]?.arrayValue else { throw Reference.ReferenceError.missing(key) }
    return value
  }

  func number(_ key: String) throws -> Double {
    guard let value = self[key]?.doubleValue else { throw Reference.ReferenceError.missing(key) }
    return value
  }

  /// A number, or nil where the reference wrote null (undefined).
  func optionalNumber(_ key: String) throws -> Double? {
    guard let value = self[key] else { throw Reference.ReferenceError.missing(key) }
    return value.isNull ? nil : value.doubleValue
  }
}

func readFile(_ path: String) throws -> [UInt8] {
  guard let file = fopen(path, "rb") else { throw Reference.ReferenceError.missing(path) }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65_536)
  while true {
    let n = fread(&chunk, 1, chunk.count, file)
    if n <= 0 { break }
    bytes += chunk[0..<n]
  }
  return bytes
}

/// A categorical crowd as the reference files give it: labels already in code-point order (crowd-kit's order),
/// tasks and workers coded in the order first seen.
struct ReferenceCrowd {
  var labels: [String]
  var tasks: [String] = []
  var workers: [String] = []
  var data: CategoricalJudgments
  var truth: [Int32]

  init(_ input: JSONObject) throws {
    labels = try input.array("labels").compactMap(\.stringValue)
    var taskCodes: [String: Int] = [:]
    var workerCodes: [String: Int] = [:]
    var triples: [(Int, Int, Int)] = []
    var tasks: [String] = []
    var workers: [String] = []
    for row in try input.array("judgments") {
      guard let parts = row.arrayValue?.compactMap(\.stringValue), parts.count == 3,
        let label = labels.firstIndex(of: parts[2])
      else { throw Reference.ReferenceError.missing("judgment") }
      let t = taskCodes[parts[0]] ?? tasks.count
      if t == tasks.count {
        taskCodes[parts[0]] = t
        tasks.append(parts[0])
      }
      let w = workerCodes[parts[1]] ?? workers.count
      if w == workers.count {
        workerCodes[parts[1]] = w
        workers.append(parts[1])
      }
      triples.append((t, w, label))
    }
    guard !triples.isEmpty else { throw Reference.ReferenceError.missing("judgments") }
    self.tasks = tasks
    self.workers = workers
    data = CategoricalJudgments(
      taskCount: tasks.count, workerCount: workers.count, classCount: labels.count, triples: triples)
    let truthObject = try input.object("truth")
    let labelList = labels
    truth = tasks.map { task in
      Int32(truthObject[task]?.stringValue.flatMap { labelList.firstIndex(of: $0) } ?? -1)
    }
  }

  /// A reference's per-task labels as codes.
  func labelCodes(_ object: JSONObject) -> [Int32] {
    tasks.map { Int32(object[$0]?.stringValue.flatMap { labels.firstIndex(of: $0) } ?? -1) }
  }

  /// A reference's per-task probabilities, tasks × classes.
  func probabilities(_ object: JSONObject) -> [Double] {
    tasks.flatMap { task in labels.map { object[task]?.objectValue?[$0]?.doubleValue ?? .nan } }
  }
}
