/// The words that differ between two texts, as code-point ranges in each (for highlighting).
public enum WordDiff {
  /// The ranges of words in `a` that are not in `b`'s matching sequence, and the other way round.
  public static func changes(_ a: String, _ b: String) -> (a: [Range<Int>], b: [Range<Int>]) {
    let wordsA = words(a)
    let wordsB = words(b)
    let difference = wordsB.map(\.key).difference(from: wordsA.map(\.key))
    var removed: [Range<Int>] = []
    var inserted: [Range<Int>] = []
    for change in difference {
      switch change {
      case .remove(let offset, _, _): removed.append(wordsA[offset].range)
      case .insert(let offset, _, _): inserted.append(wordsB[offset].range)
      }
    }
    return (removed.sorted { $0.lowerBound < $1.lowerBound }, inserted.sorted { $0.lowerBound < $1.lowerBound })
  }

  static func words(_ text: String) -> [(key: String, range: Range<Int>)] {
    var result: [(key: String, range: Range<Int>)] = []
    var current = String.UnicodeScalarView()
    var start = 0
    var offset = 0
    for scalar in text.unicodeScalars {
      if scalar.properties.isWhitespace {
        if !current.isEmpty {
          result.append((String(current), start..<offset))
          current = String.UnicodeScalarView()
        }
      } else {
        if current.isEmpty { start = offset }
        current.append(scalar)
      }
      offset += 1
    }
    if !current.isEmpty { result.append((String(current), start..<offset)) }
    return result
  }
}
