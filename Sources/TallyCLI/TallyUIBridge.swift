import TallyCore
import TallyUI

/// App logic the commands reuse outside a labeling session.
enum TallyUIBridge {
  static func predictedAnswers(_ task: LabelTask, _ questions: [Question]) -> JSONObject {
    App.predictedAnswers(task, questions: questions)
  }
}
