import TallyCore

#if canImport(Glibc)
  import Glibc
#endif

/// What Tally keeps per user and machine, outside every project: `$XDG_CONFIG_HOME/tally/` (by default
/// `~/.config/tally/`). It holds this machine's device id (`device`), which names the machine's label logs, and
/// the annotators' signing keys (`keys/<annotator>.key`). Tests give each simulated machine its own folder.
public enum TallyHome {
  /// The folder, from the environment.
  public static func folder(environment: [String: String]) -> String {
    if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return Path.join(xdg, "tally") }
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
    return Path.join(Path.join(home, ".config"), "tally")
  }

  public static var environment: [String: String] {
    var result: [String: String] = [:]
    for name in ["XDG_CONFIG_HOME", "HOME"] {
      if let value = getenv(name) { result[name] = String(cString: value) }
    }
    return result
  }

  /// This machine's device id, made once (the host name, cut to letters, digits and `-`, and 6 random hex
  /// digits: `laptop-3fa9c2`) and kept in `device`.
  public static func deviceID(folder: String) throws(SystemError) -> String {
    let path = Path.join(folder, "device")
    if Files.exists(path) {
      guard let text = try? Files.readText(path) else {
        throw SystemError(
          "this machine's device id cannot be read (a new one would orphan its logs)", path: path, code: EACCES)
      }
      let id = text.trimmingCharacters(in: " \n\r\t")
      guard isValidDevice(id) else {
        throw SystemError(
          "this machine's device id `\(id)` is not usable (lower-case letters, digits and `-` only); fix or remove the "
            + "file (a new id is made)", path: path, code: EINVAL)
      }
      return id
    }
    try Files.makeDirectory(folder)
    var host = [CChar](repeating: 0, count: 256)
    gethostname(&host, host.count - 1)
    let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let name = hostName.lowercased().unicodeScalars.map { scalar -> String in
      ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? String(scalar) : "-"
    }.joined()
    let slug = String(name.split(separator: "-").joined(separator: "-").prefix(20))
    var rng = SystemRandomNumberGenerator()
    let bits: UInt64 = rng.next()
    let random = String(bits & 0xFF_FFFF, radix: 16)
    let id = (slug.isEmpty ? "device" : slug) + "-" + String(repeating: "0", count: 6 - random.count) + random
    try Files.writeAtomically(id + "\n", to: path)
    return id
  }

  /// A device id is a safe file name: letters, digits and `-`.
  public static func isValidDevice(_ id: String) -> Bool {
    !id.isEmpty && id.count <= 64
      && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
  }
}

extension String {
  func trimmingCharacters(in set: String) -> String {
    let chars = Set(set)
    var s = Substring(self)
    while let c = s.first, chars.contains(c) { s.removeFirst() }
    while let c = s.last, chars.contains(c) { s.removeLast() }
    return String(s)
  }
}
