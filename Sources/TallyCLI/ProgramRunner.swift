import TallyCore
import TallyTerminal
import TallyUI

/// The I/O half of a program: holds its state and performs its effects (files, the data), answering each with
/// the event it produced. Labeling (`LabelEngine`) and review (`ReviewSession`) are sessions.
protocol ProgramSession: AnyObject {
  associatedtype P: Program
  var state: P.State { get set }
  /// Performs one effect; nil when the effect ends the program.
  func perform(_ effect: P.Effect) -> P.Event?
  /// Results of background work that arrived since the last call, as events (none by default).
  func backgroundEvents() -> [P.Event]
}

extension ProgramSession {
  func backgroundEvents() -> [P.Event] { [] }

  /// Sends one event through the program's update and performs the effects. False when the program ended.
  @discardableResult
  func send(_ event: P.Event) -> Bool {
    let now = Clock.now()
    return run(P.update(&state, event, time: now, freshID: RecordIDs.make(time: now)))
  }

  /// Performs effects in order, feeding each result back through update (whose effects come next).
  @discardableResult
  func run(_ effects: [P.Effect]) -> Bool {
    var pending = effects
    var keepRunning = true
    while !pending.isEmpty {
      let effect = pending.removeFirst()
      guard let event = perform(effect) else {
        keepRunning = false
        continue
      }
      let now = Clock.now()
      pending += P.update(&state, event, time: now, freshID: RecordIDs.make(time: now))
    }
    return keepRunning
  }
}

/// The one terminal loop: read a key (or let a second pass), turn it into the program's event, let the session
/// perform what update asks, draw. Nothing here knows what the program is.
enum TerminalRunner {
  static func run<S: ProgramSession>(_ session: S, on terminal: Terminal) {
    let size = terminal.size
    // Two frames, swapped after each draw: the terminal keeps the last one to diff against, and the other is
    // reused for the next frame without allocating.
    var frame = Screen(width: size.width, height: size.height)
    var spare = Screen(width: size.width, height: size.height)
    func draw() {
      S.P.render(session.state, into: &frame)
      terminal.draw(frame)
      swap(&frame, &spare)
    }
    draw()
    var running = true
    var lastTick = Clock.now()
    while running {
      let key = terminal.readKey(timeoutMilliseconds: 500)
      if terminal.inputClosed { break }
      for event in session.backgroundEvents() where running { running = session.send(event) }
      var input: TerminalInput?
      if let key {
        if key == .resize {
          let size = terminal.size
          terminal.invalidate()
          input = .resize(width: size.width, height: size.height)
        } else {
          input = .key(key)
        }
      } else if Clock.now() - lastTick >= 1 {
        lastTick = Clock.now()
        input = .tick
      }
      if running, let input, let event = S.P.event(for: input) { running = session.send(event) }
      draw()
    }
  }
}
