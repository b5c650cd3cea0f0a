import TallyCore
import TallyJSON
import TallyText

/// The answers being given to the task on screen, before they are submitted.
public struct Draft: Sendable, Equatable {
  /// Question name → answer so far.
  public var answers: JSONObject = JSONObject()
  /// Which question keys go to.
  public var activeQuestion = 0
  /// Where a taxonomy question is browsing (indices from the top).
  public var taxonomyPath: [Int] = []
  /// True while the answers are the data's prediction, untouched.
  public var fromPrediction = false
  /// The annotator's current record for this task, which a new submission supersedes.
  public var previousRecordID: String?
  /// The answers as last submitted (to tell whether anything changed).
  public var submittedAnswers: JSONObject?
  /// Free text: the cursor, in characters from the start of the field.
  public var cursor = 0
  /// Free text: keys go into the field (Esc hands them back to the commands).
  public var editing = true
  /// Spans: the cursor, as the code-point offset of the cell it is on.
  public var spanCursor = 0
  /// Spans: where the selection started (nil: no selection).
  public var spanAnchor: Int?
  /// Spans: selections cover exact characters instead of snapping to whole words.
  public var characterPrecision = false
  /// Comparison: `a` or `b` was chosen and the question waits for the strength.
  public var askingStrength = false
  /// The predicted spans of the span question, read once (to mark them in the list).
  public var predictedSpans: Set<Span> = []

  public init() {}
}

/// What covers the labeling screen, if anything.
public enum Overlay: Sendable, Equatable {
  case none
  case help
  /// Typing a reason for skipping.
  case skipReason(String)
  /// Too many answers too fast: the queue is stopped until this time.
  case slowDown(until: Double)
  /// Gold accuracy fell below the project's threshold: stopped until this time.
  case goldPause(until: Double, accuracy: Double)
  /// The expected answer of a gold, training or exam task.
  case feedback(Feedback)
  /// Quitting would lose answers not submitted yet: asks first.
  case confirmQuit
}

/// What the feedback screen says about a gold or training answer.
public struct Feedback: Sendable, Equatable {
  public var correct: Bool
  /// The expected answers, one line per question.
  public var expected: [String]
  /// What the annotator answered, in the same form.
  public var given: [String]
  public var explanation: String?

  public init(correct: Bool, expected: [String], given: [String] = [], explanation: String?) {
    self.correct = correct
    self.expected = expected
    self.given = given
    self.explanation = explanation
  }
}

/// Training and exam progress in this run.
public struct PracticeScore: Sendable, Equatable {
  /// Task id → whether its latest answer matched.
  public var results: [String: Bool] = [:]
  /// The exam result was written.
  public var recorded = false

  public init() {}

  public var correct: Int { results.values.filter { $0 }.count }
}

/// The guidelines pane.
public struct GuidelinesState: Sendable, Equatable {
  public var visible = false
  public var scroll = 0
  /// Text typed after `/`, while typing.
  public var searchInput: String?
  public var query = ""
  public var hits: [SearchHit] = []
  public var hitIndex = 0
  /// The rendered guidelines for one width.
  public var rendered: RenderedMarkdown?
  public var renderedWidth = 0
  /// Opened in this session at the current version (an event record was written).
  public var openedThisVersion = false
  /// Opened by the app before the first task, because they were new to the annotator.
  public var openedAtStart = false
  /// Opened at least once in this session (for questions that require it).
  public var openedThisSession = false

  public init() {}
}

/// Active time on the current task: gaps between inputs count unless longer than the idle limit.
public struct ActiveClock: Sendable, Equatable {
  public var shownAt: Double = 0
  public var lastInput: Double = 0
  public var seconds: Double = 0

  public init() {}

  /// Counts the time since the last input, unless it was an idle gap.
  public mutating func advance(to time: Double, idleLimit: Double) {
    let gap = time - lastInput
    if gap > 0 && gap <= idleLimit { seconds += gap }
    if time > lastInput { lastInput = time }
  }

  /// Starts timing a newly shown task.
  public mutating func restart(at time: Double) {
    shownAt = time
    lastInput = time
    seconds = 0
  }

  /// True when the last input is older than the idle limit.
  public func isIdle(at time: Double, idleLimit: Double) -> Bool { time - lastInput > idleLimit }
}

/// A place the span cursor can stand: one drawn cell of the task text.
public struct CursorStop: Sendable, Equatable {
  public var offset: Int
  public var end: Int
  public var line: Int
  /// Display column of the cell in its wrapped line.
  public var column: Int
}

/// The panes of a side-by-side task.
public enum ComparePane: Int, Sendable, Equatable, CaseIterable {
  case prompt, left, right
}

/// What a side-by-side task shows and how far each pane is scrolled.
public struct CompareState: Sendable, Equatable {
  /// Response `a` is on the left.
  public var leftIsA = true
  public var focus = ComparePane.left
  /// Scroll offset per pane (prompt, left, right).
  public var scroll = [0, 0, 0]
  /// The left and right responses have been scrolled to their ends.
  public var seenEnd = [false, false]
  public var showDiff = false
  /// Code-point ranges of the words that differ, left and right (computed when first shown).
  public var diff: [[Range<Int>]]?
  /// Texts and their wrapped lines per pane, and the width they were wrapped to.
  public var texts = ["", "", ""]
  public var lines: [[WrappedLine]] = [[], [], []]
  public var widths = [-1, -1, -1]
  /// Model names (left, right), when the project shows them.
  public var models: [String?] = [nil, nil]
  /// The project renders the texts as Markdown (LLM output usually is).
  public var markdownEnabled = true
  /// Show the texts as they are stored (`m`), not rendered.
  public var showRaw = false
  /// The texts rendered as Markdown per pane, and the widths they were rendered for.
  public var markdown: [[StyledLine]] = [[], [], []]
  public var markdownWidths = [-1, -1, -1]

  public init() {}

  /// The panes show rendered Markdown: the project wants it, and neither the raw text nor the word diff (which
  /// marks the stored text) is asked for.
  public var rendersMarkdown: Bool { markdownEnabled && !showRaw && !showDiff }

  /// Lines a pane shows.
  public func lineCount(_ pane: Int) -> Int { rendersMarkdown ? markdown[pane].count : lines[pane].count }

  /// The response shown on a side (`a` or `b`).
  public func response(on pane: ComparePane) -> String { (pane == .left) == leftIsA ? "a" : "b" }
}

/// The whole state of a labeling session. `update` changes it; `Renderer` draws it.
public struct AppState: Sendable, Equatable {
  public var session: SessionInfo
  public var width: Int
  public var height: Int
  /// The queue position on screen; `session.total` means the end of the queue.
  public var position: Int
  /// The task on screen (nil while loading, at the end, or for an unreadable line).
  public var current: LoadedTask?
  /// Task id → what this annotator did with it (latest record).
  public var handled: [TaskKey: HandledTask]
  public var draft = Draft()
  public var overlay = Overlay.none
  public var guidelines = GuidelinesState()
  public var showDescriptions = false
  public var textScroll = 0
  /// A one-line message for the status area (errors, confirmations).
  public var message: String?
  public var messageIsError = false
  public var dataSummary: DataSummary?
  /// Problems met reading this annotator's log back (torn last line …).
  public var logProblems: [String] = []
  /// A record sent to the log and not yet confirmed durable; the screen does not move until it is.
  public var pendingRecord: LabelRecord?
  /// Where to go once the pending record is durable.
  public var pendingLoad: LoadRequest?
  public var clock = ActiveClock()
  public var now: Double
  public var sessionStart: Double
  /// Data tasks answered or skipped for the first time in this session (changes are `editedThisSession`).
  public var submittedThisSession = 0
  /// The wrapped task text for the current width.
  public var textLayout: [WrappedLine] = []
  public var textLayoutWidth = 0
  /// Span tasks: the text as code points, the spans the layout's tags were made for, and where the cursor
  /// can stop (the offsets of the drawn cells, with each cell's end and wrapped line).
  public var spanText = CodePointText("")
  public var textLayoutSpans: [Span] = []
  public var cursorStops: [CursorStop] = []
  /// Side-by-side tasks: sides, scroll positions, focus and the wrapped texts.
  public var compare = CompareState()
  /// The whole task text has been on screen (for questions that require scrolling).
  public var textSeenEnd = false
  /// Speed checks, answer runs and the gold rule.
  public var quality: QualityTracker
  /// Overlays waiting for the one on screen to close (feedback, then a pause).
  public var overlayQueue: [Overlay] = []
  /// What the quality checks said about the last answer, shown once the next task is up.
  public var qualityNotice: String?
  /// Training and exam answers in this run.
  public var practice = PracticeScore()
  /// A search typed after `/` in the task text (projects without guidelines).
  public var taskSearch = TaskSearchState()
  /// Where to go once the overlay on screen (feedback about the task under it) is closed.
  public var loadAfterOverlay: LoadRequest?
  /// First line of the question area shown, when its lines do not fit (J/K scroll it).
  public var questionScroll = 0
  /// Answers to tasks answered before (changes), in this session.
  public var editedThisSession = 0
  /// Gold tasks handled (their keys are in `handled` too, but counts are over data tasks).
  public internal(set) var goldHandledCount = 0
  /// Bumped whenever the lines of the task text (or a pane) are laid out again, so searches know when their
  /// positions are stale.
  public var layoutGeneration = 0

  public init(session: SessionInfo, width: Int, height: Int, handled: [TaskKey: HandledTask], now: Double) {
    self.session = session
    self.width = width
    self.height = height
    self.position = 0
    self.handled = handled
    self.skippedCount = handled.values.lazy.filter(\.skipped).count
    self.goldHandledCount = handled.keys.lazy.filter(\.gold).count
    self.now = now
    self.sessionStart = now
    self.quality = QualityTracker(config: session.quality)
  }

  /// Data tasks handled (answered or skipped); gold tasks are not counted.
  public var doneCount: Int { handled.count - goldHandledCount }
  /// Data tasks that can be labeled: the data less the lines that cannot be read and duplicate ids, once the
  /// background check has counted them.
  public var labelableCount: Int {
    max(0, session.dataTotal - (dataSummary.map { $0.malformed + $0.duplicates } ?? 0))
  }
  /// Tasks whose latest record is a skip (kept up to date by `update`, not recounted per frame).
  public internal(set) var skippedCount = 0
  public var atEnd: Bool { position >= session.total }
  public var activeQuestion: Question? {
    session.questions.indices.contains(draft.activeQuestion) ? session.questions[draft.activeQuestion] : nil
  }

  /// Labels per hour in this session, once there are a few to go on (three answers, or a minute).
  public var labelsPerHour: Int? {
    let elapsed = now - sessionStart
    guard submittedThisSession >= 3 || elapsed >= 60, elapsed > 0 else { return nil }
    return Int((Double(submittedThisSession) / max(elapsed, 1) * 3600).rounded())
  }
}
