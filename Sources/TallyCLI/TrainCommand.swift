import ArgumentParser
import TallyCore
import TallyStore

/// `tally train`: the project's training set with feedback after every answer, or its exam.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Practise on the project's training set (feedback after every answer), or take its exam.",
    discussion: """
      Training shows the expected answer and its explanation after each answer. The exam shows nothing until
      the end, then the score; a score at or above `exam_pass_mark` passes, and the result is written to your
      label log. A project with `exam_required: true` opens for labeling only after a passed exam.
      Neither training nor exam answers are labels: `tally export` leaves them out.
      """
  )

  @Argument(help: "The project folder or its tally.yaml (for a quick start: the <data>.tally folder).")
  var project: String

  @Flag(help: "Take the exam instead of the training.")
  var exam = false

  @Option(help: "Who is training (default: the login name).")
  var annotator: String?

  func run() throws {
    let loaded: Project
    do {
      loaded = try Project.load(project)
    } catch {
      StandardError.print(error.description)
      throw ExitCode(2)
    }
    let session = LabelSession(
      project: loaded, annotator: Annotator.resolve(annotator), phase: exam ? .exam : .training)
    let code = session.run()
    if code != 0 { throw ExitCode(code) }
  }
}
