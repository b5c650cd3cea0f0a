import TallyCore

/// A one-line prompt being typed (a search, a skip reason, a review comment or reason): the keymap's prompt
/// keys edit or end it, every other character types itself, so typed words never reach the screen under it.
public enum Prompt {
  public enum Outcome: Equatable {
    case accept, cancel, quit
    case edited(String)
    /// A prompt key the caller handles itself (Tab: whom a task goes back to).
    case other(Action)
    case ignored
  }

  /// What `key` does to `text` (at most `limit` characters).
  public static func edit(_ text: String, key: Key, limit: Int) -> Outcome {
    if let action = Keymap.action(for: key, in: .prompt) {
      switch action {
      case .promptAccept: return .accept
      case .promptCancel: return .cancel
      case .promptDeleteBack: return .edited(String(text.dropLast()))
      case .promptClear: return .edited("")
      case .quit: return .quit
      default: return .other(action)
      }
    }
    guard case .char(let c) = key else { return .ignored }
    return text.count < limit ? .edited(text + String(c)) : .ignored
  }
}
