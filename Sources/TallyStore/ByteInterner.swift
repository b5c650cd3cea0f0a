/// Gives each distinct byte string a small code, in the order first seen, without making a `String` for every
/// lookup: an open-addressing hash table over the bytes (FNV-1a), the names kept back to back in one buffer.
/// Reading a million judgments interns three million fields, so this is the hot loop of `--from`.
struct ByteInterner {
  private var slots: [Int32]
  private var hashes: [UInt64] = []
  private var starts: [Int] = [0]
  private var storage: [UInt8] = []
  private var mask: Int

  init(capacity: Int = 1024) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  var count: Int { hashes.count }

  /// The code of `bytes`, a new one if they were not seen before.
  mutating func code(_ bytes: UnsafeRawBufferPointer) -> Int32 {
    let hash = ByteInterner.hash(bytes)
    var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
    while true {
      let code = slots[slot]
      if code < 0 { break }
      if hashes[Int(code)] == hash && equals(Int(code), bytes) { return code }
      slot = (slot + 1) & mask
    }
    let code = Int32(hashes.count)
    slots[slot] = code
    hashes.append(hash)
    storage.append(contentsOf: bytes)
    starts.append(storage.count)
    if hashes.count * 2 > slots.count { grow() }
    return code
  }

  /// A 64-bit hash of the bytes, eight at a time (multiply–xorshift mixing, as in wyhash's spirit): names
  /// are short, so this is the cost of a lookup.
  @inline(__always)
  static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: bytes.count)
    guard let base = bytes.baseAddress else { return h }
    var i = 0
    let n = bytes.count
    while i + 8 <= n {
      h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
      i += 8
    }
    if i < n {
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      while i < n {
        tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
        shift += 8
        i += 1
      }
      h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
    }
    h ^= h >> 29
    h = h &* 0xBF58_476D_1CE4_E5B9
    return h ^ (h >> 32)
  }

  /// The code of a string's UTF-8.
  mutating func code(_ string: String) -> Int32 {
    var copy = string
    return copy.withUTF8 { code(UnsafeRawBufferPointer($0)) }
  }

  private func equals(_ code: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
    let start = starts[code]
    let length = starts[code + 1] - start
    guard length == bytes.count else { return false }
    return storage.withUnsafeBytes { all in
      guard let base = all.baseAddress, let other = bytes.baseAddress else { return length == 0 }
      return memcmp(base + start, other, length) == 0
    }
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    for (code, hash) in hashes.enumerated() {
      var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(code)
    }
  }

  /// Codes of another interner's names in this one (adding those it lacks), in the other's code order.
  mutating func codes(of other: ByteInterner) -> [Int32] {
    var result: [Int32] = []
    result.reserveCapacity(other.count)
    other.storage.withUnsafeBytes { all in
      for c in 0..<other.hashes.count {
        result.append(code(UnsafeRawBufferPointer(rebasing: all[other.starts[c]..<other.starts[c + 1]])))
      }
    }
    return result
  }

  /// The names, by code.
  var names: [String] {
    (0..<hashes.count).map { String(decoding: storage[starts[$0]..<starts[$0 + 1]], as: UTF8.self) }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
