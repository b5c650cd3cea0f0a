/// Which response of a side-by-side task is shown on the left: random per task, but fixed by the project
/// seed and the task id, so a task always shows the same way (after a restart, for every annotator).
public enum CompareSides {
  /// True when response `a` is shown on the left.
  public static func leftIsA(taskID: String, seed: UInt64, randomize: Bool) -> Bool {
    guard randomize else { return true }
    // FNV-1a over the id, mixed with the seed by a SplitMix64 finaliser.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
    for byte in taskID.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    var z = hash &+ 0x9e37_79b9_7f4a_7c15
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    z ^= z >> 31
    return z & 1 == 0
  }
}
