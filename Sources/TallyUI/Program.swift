import TallyCore

/// What the terminal reports to a running program.
public enum TerminalInput: Sendable, Equatable {
  case key(Key)
  case resize(width: Int, height: Int)
  /// A second passed with no key (for clocks and timed screens).
  case tick
}

/// A program the terminal runner runs: a pure state machine (state + event → new state + effects) and a
/// renderer into a screen of cells. Labeling, training and exams (`LabelingProgram`) and review
/// (`ReviewApp`) are programs; the runner only reads keys, performs the effects and feeds their results back.
public protocol Program {
  associatedtype State
  associatedtype Event
  associatedtype Effect

  /// The event for what the terminal reported; nil when the program ignores it.
  static func event(for input: TerminalInput) -> Event?
  /// Applies one event at `time` (seconds since 1970), with a fresh globally unique id for a record it may
  /// create. Returns the effects to perform, in order. Never reads a clock, a file or the terminal.
  static func update(_ state: inout State, _ event: Event, time: Double, freshID: String) -> [Effect]
  /// Draws the state.
  static func render(_ state: State, into screen: inout Screen)
}

/// Labeling, training and exams as a program on the runner (`App` is its update).
public enum LabelingProgram: Program {
  public static func event(for input: TerminalInput) -> Event? {
    switch input {
    case .key(let key): return .key(key)
    case .resize(let width, let height): return .resize(width: width, height: height)
    case .tick: return .tick
    }
  }

  public static func update(_ state: inout AppState, _ event: Event, time: Double, freshID: String) -> [Effect] {
    App.update(&state, Input(event, time: time, freshID: freshID))
  }

  public static func render(_ state: AppState, into screen: inout Screen) {
    Renderer.render(state, into: &screen)
  }
}
