/// A key press, decoded by the terminal module from whatever the terminal sent.
public enum Key: Sendable, Hashable {
  case char(Character)
  case ctrl(Character)
  case alt(Character)
  case enter, tab, backTab, backspace, delete, escape
  case up, down, left, right, home, end, pageUp, pageDown
  case function(Int)
  /// The terminal changed size; the runner re-reads the size and redraws.
  case resize
  /// A key the decoder did not recognise, kept for diagnostics.
  case unknown(Int32)
}

extension Key {
  /// The shortest name, for hint lines ("⌫" for Backspace).
  public var hintLabel: String {
    switch self {
    case .backspace: return "⌫"
    default: return label
    }
  }

  /// A short name for help screens and the status bar ("Enter", "←", "Ctrl-C", "x").
  public var label: String {
    switch self {
    case .char(" "): return "Space"
    case .char(let c): return String(c)
    case .ctrl(let c): return "Ctrl-\(c.uppercased())"
    case .alt(let c): return "Alt-\(c)"
    case .enter: return "Enter"
    case .tab: return "Tab"
    case .backTab: return "Shift-Tab"
    case .backspace: return "Backspace"
    case .delete: return "Delete"
    case .escape: return "Esc"
    case .up: return "↑"
    case .down: return "↓"
    case .left: return "←"
    case .right: return "→"
    case .home: return "Home"
    case .end: return "End"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .function(let n): return "F\(n)"
    case .resize: return "resize"
    case .unknown(let code): return "key \(code)"
    }
  }
}
