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
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
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

  /// The names, by code.
  var names: [String] {
    (0..<hashes.count).map { String(decoding: storage[starts[$0]..<starts[$0 + 1]], as: UTF8.self) }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
