import Crypto

/// The hash chain of a label log and the signatures of its records.
///
/// Each record carries `prev`: the SHA-256 of the previous record line of the same log, exactly as written
/// (without its newline); the first record carries `genesis`. Editing, removing, inserting or reordering a record
/// breaks the chain at the next line. A signed record ends in `,"sig":"…"}`: an Ed25519 signature, by the
/// annotator's key, of the same line without that member.
public enum LogChain {
  /// `prev` of a log's first record.
  public static let genesis = String(repeating: "0", count: 64)

  /// The chain hash of a record line (without its newline).
  public static func hash(_ line: some Collection<UInt8>) -> String { ContentHash.sha256Hex(line) }

  /// The bytes a signature covers and the signature, if the line ends in a `sig` member.
  public static func splitSignature(_ line: [UInt8]) -> (signed: [UInt8], signature: String)? {
    let marker = Array(#","sig":""#.utf8)
    guard line.count > marker.count + 2, line.last == 0x7D, line[line.count - 2] == 0x22 else { return nil }
    // The last occurrence of the marker: the signature is base64, which holds no quote.
    var i = line.count - 2 - marker.count
    while i >= 0 {
      if line[i] == 0x2C, Array(line[i..<(i + marker.count)]) == marker {
        let signature = String(decoding: line[(i + marker.count)..<(line.count - 2)], as: UTF8.self)
        return (Array(line[..<i]) + [0x7D], signature)
      }
      i -= 1
    }
    return nil
  }

  /// The line with a signature member added last.
  public static func signed(_ line: [UInt8], signature: String) -> [UInt8] {
    guard line.last == 0x7D else { return line }
    return Array(line.dropLast()) + Array(#","sig":"\#(signature)"}"#.utf8)
  }

  /// Signs a line (without `sig`) with an Ed25519 private key (its 32-byte raw representation).
  public static func signature(of line: [UInt8], privateKey: [UInt8]) throws -> String {
    let key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)
    return Base64.encode(Array(try key.signature(for: line)))
  }

  /// Whether `signature` (base64) is the key's signature of `line`.
  public static func verify(_ line: [UInt8], signature: String, publicKey: [UInt8]) -> Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
      let bytes = Base64.decode(signature)
    else { return false }
    return key.isValidSignature(bytes, for: line)
  }
}

/// Standard base64 (RFC 4648, with padding), for keys and signatures.
public enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  public static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i < bytes.count {
      let n = min(3, bytes.count - i)
      let b0 = UInt32(bytes[i])
      let b1 = n > 1 ? UInt32(bytes[i + 1]) : 0
      let b2 = n > 2 ? UInt32(bytes[i + 2]) : 0
      let v = b0 << 16 | b1 << 8 | b2
      out.append(alphabet[Int(v >> 18 & 63)])
      out.append(alphabet[Int(v >> 12 & 63)])
      out.append(n > 1 ? alphabet[Int(v >> 6 & 63)] : 0x3D)
      out.append(n > 2 ? alphabet[Int(v & 63)] : 0x3D)
      i += 3
    }
    return String(decoding: out, as: UTF8.self)
  }

  public static func decode(_ text: String) -> [UInt8]? {
    var values: [UInt8] = []
    var padding = 0
    for c in text.utf8 {
      if c == 0x3D {
        padding += 1
        continue
      }
      guard padding == 0, let v = alphabet.firstIndex(of: c) else { return nil }
      values.append(UInt8(v))
    }
    guard (values.count + padding) % 4 == 0, padding <= 2 else { return nil }
    var out: [UInt8] = []
    var i = 0
    while i + 1 < values.count {
      let chunk = values[i..<min(i + 4, values.count)]
      var v: UInt32 = 0
      for (k, x) in chunk.enumerated() { v |= UInt32(x) << (18 - 6 * UInt32(k)) }
      out.append(UInt8(v >> 16 & 0xFF))
      if chunk.count > 2 { out.append(UInt8(v >> 8 & 0xFF)) }
      if chunk.count > 3 { out.append(UInt8(v & 0xFF)) }
      i += 4
    }
    return out
  }
}
