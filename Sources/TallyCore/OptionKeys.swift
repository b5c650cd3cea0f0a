/// Which key picks each option in a list: its hotkey from `tally.yaml`, else its digit (1–9), else a free
/// letter, so every option of a long list can be chosen with one key.
public enum OptionKeys {
  /// Letters handed out after the digits run out (none of them is bound to anything else).
  static let spareLetters: [Character] = Array("abcefhilmoptvwxyz")

  /// The key for each option, in order.
  public static func assign(_ options: [AnswerOption], excluding taken: Set<Character> = []) -> [Character] {
    let hotkeys = Set(options.compactMap(\.key))
    var spare = spareLetters.filter { !hotkeys.contains($0) && !taken.contains($0) }.makeIterator()
    var keys: [Character] = []
    keys.reserveCapacity(options.count)
    for (i, option) in options.enumerated() {
      if let key = option.key {
        keys.append(key)
      } else if i < 9 {
        keys.append(Character(String(i + 1)))
      } else if let letter = spare.next() {
        keys.append(letter)
      } else {
        keys.append(" ")
      }
    }
    return keys
  }

  /// The keys for a question's options at the top level (span questions keep their command letters).
  public static func assign(for question: Question, options: [AnswerOption]) -> [Character] {
    assign(options, excluding: question.kind == .spans ? ProjectConfigParser.spanCommandKeys : [])
  }
}
