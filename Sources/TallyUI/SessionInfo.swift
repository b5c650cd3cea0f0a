import TallyCore

/// What a labeling session knows from the start and never changes: the project, the annotator, the guidelines.
public struct SessionInfo: Sendable, Equatable {
  public var projectName: String
  /// The project folder as shown to the user (relative when possible).
  public var projectFolder: String
  public var questions: [Question]
  public var showFields: [String]
  public var annotator: String
  /// The guidelines' Markdown, or nil.
  public var guidelines: String?
  public var guidelinesVersion: String?
  /// Why there are no guidelines (shown in the pane), when there are none.
  public var guidelinesNote: String?
  public var toolVersion: String
  /// Gaps between keys longer than this do not count as active time.
  public var idleLimit: Double
  /// Tasks in the queue (data and gold).
  public var total: Int
  /// Gold tasks mixed into the queue. Never shown in a count: the counts are over data tasks only, so they do
  /// not tell an annotator how many checks there are.
  public var goldTotal = 0
  /// Data tasks in the queue.
  public var dataTotal: Int { total - goldTotal }
  /// What a task shows: one text, or two responses side by side.
  public var layout: TaskLayout = .text
  /// The project seed (which side each response of a side-by-side task is shown on).
  public var seed: UInt64 = 0
  /// Speed checks, straight-lining and gold rules.
  public var quality = QualityConfig()
  /// Training or an exam (`tally train`): every task has a known answer and none is a label.
  public var phase: Phase?
  /// The exam's version (a hash of its file), recorded with its result.
  public var examVersion: String?

  public init(
    projectName: String, projectFolder: String, questions: [Question], showFields: [String] = [],
    annotator: String, guidelines: String? = nil, guidelinesVersion: String? = nil, guidelinesNote: String? = nil,
    toolVersion: String, idleLimit: Double = 60, total: Int
  ) {
    self.projectName = projectName
    self.projectFolder = projectFolder
    self.questions = questions
    self.showFields = showFields
    self.annotator = annotator
    self.guidelines = guidelines
    self.guidelinesVersion = guidelinesVersion
    self.guidelinesNote = guidelinesNote
    self.toolVersion = toolVersion
    self.idleLimit = idleLimit
    self.total = total
  }
}
