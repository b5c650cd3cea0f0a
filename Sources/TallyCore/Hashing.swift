import Crypto

/// Content hashes: guideline versions and ids for records that carry none.
public enum ContentHash {
  /// SHA-256 of the bytes as lowercase hex.
  public static func sha256Hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digest = SHA256.hash(data: Array(bytes))
    return digest.map { byte in
      let hex = String(byte, radix: 16)
      return byte < 16 ? "0" + hex : hex
    }.joined()
  }

  /// A guideline version: `sha256:` and the first 16 hex digits of the file's hash.
  public static func guidelinesVersion(of text: String) -> String {
    "sha256:" + sha256Hex(text.utf8).prefix(16)
  }

  /// A stable task id for a record with no id field: `h` and 16 hex digits of the raw line's hash.
  public static func taskID<Bytes: Sequence>(forRecordBytes bytes: Bytes) -> String where Bytes.Element == UInt8 {
    "h" + sha256Hex(bytes).prefix(16)
  }
}

/// A small, fast, seedable random number generator (SplitMix64), for reproducible queue orders.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension QueueOrder {
  /// The queue: positions → data indices, for `count` tasks.
  public func permutation(count: Int) -> [Int32] {
    var order = [Int32](unsafeUninitializedCapacity: max(0, count)) { buffer, initialized in
      for i in 0..<max(0, count) { buffer[i] = Int32(truncatingIfNeeded: i) }
      initialized = max(0, count)
    }
    if case .shuffle(let seed) = self, count > 1 {
      // Our own Fisher–Yates, so an order never changes with the standard library's shuffle.
      var rng = SplitMix64(seed: seed)
      for i in stride(from: count - 1, to: 0, by: -1) {
        let j = Int(rng.next() % UInt64(i + 1))
        order.swapAt(i, j)
      }
    }
    return order
  }
}
