import Crypto
import TallyCore

#if canImport(Glibc)
  import Glibc
#endif

/// Annotators' Ed25519 key pairs, kept outside every project: `<Tally home>/keys/<annotator>.key` holds the
/// private key (base64, readable by its owner only); its public key goes into `tally.yaml` under
/// `signing_keys:`, and from then on that annotator's records are signed and `tally verify` checks them.
public enum SigningKeys {
  public static func path(home: String, annotator: String) -> String {
    Path.join(Path.join(home, "keys"), LabelLogReader.safeFileName(annotator) + ".key")
  }

  /// Makes a key pair for `annotator`; returns the public key (base64). An existing key is never replaced
  /// (records signed with it would no longer verify): it is refused, and its public key said.
  public static func create(home: String, annotator: String) throws(SystemError) -> String {
    let file = path(home: home, annotator: annotator)
    if Files.exists(file) && load(home: home, annotator: annotator) == nil {
      throw SystemError(
        "\(annotator)'s key file exists but cannot be read as a key; Tally never replaces one", path: file, code: EEXIST
      )
    }
    if let existing = load(home: home, annotator: annotator) {
      throw SystemError(
        "\(annotator) already has a key (public key \(publicKey(of: existing) ?? "?")); Tally never replaces one",
        path: file, code: EEXIST)
    }
    try Files.makeDirectory(Path.directory(of: file))
    chmod(Path.directory(of: file), 0o700)
    let key = Curve25519.Signing.PrivateKey()
    let text =
      "# Tally signing key of \(annotator): keep it private; the public key goes into tally.yaml\n"
      + Base64.encode(Array(key.rawRepresentation)) + "\n"
    try Files.writeAtomically(text, to: file)
    chmod(file, 0o600)
    return Base64.encode(Array(key.publicKey.rawRepresentation))
  }

  /// The private key of `annotator` on this machine, if there is one.
  public static func load(home: String, annotator: String) -> [UInt8]? {
    guard let text = try? Files.readText(path(home: home, annotator: annotator)) else { return nil }
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      if let bytes = Base64.decode(String(line).trimmingCharacters(in: " \r\t")), bytes.count == 32 { return bytes }
    }
    return nil
  }

  /// The public key (base64) of a private key.
  public static func publicKey(of privateKey: [UInt8]) -> String? {
    (try? Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)).map {
      Base64.encode(Array($0.publicKey.rawRepresentation))
    }
  }

  /// The key a session of `annotator` signs with: nil when the project lists no key for them; an error when
  /// it does and this machine has no matching private key (their records would fail `tally verify`).
  public static func sessionKey(project: Project, annotator: String, home: String) throws(SystemError) -> [UInt8]? {
    guard let listed = project.config.signingKeys[annotator] else { return nil }
    guard let key = load(home: home, annotator: annotator) else {
      throw SystemError(
        "\(Path.display(project.configPath)) lists a signing key for \(annotator), and this machine has none "
          + "(\(path(home: home, annotator: annotator))); copy the key file here, or remove the line from "
          + "`signing_keys:`", path: project.configPath, code: ENOENT)
    }
    guard publicKey(of: key) == listed else {
      throw SystemError(
        "\(annotator)'s key on this machine is not the one \(Path.display(project.configPath)) lists",
        path: path(home: home, annotator: annotator), code: EINVAL)
    }
    return key
  }
}

extension Project {
  /// Makes the folder a log lives in.
  public func prepareLogFolder(for log: String) throws(SystemError) {
    try Files.makeDirectory(Path.directory(of: log))
  }
}
