import TallyCore
import TallyJSON
import TallyText

/// The question area: each question's prompt, and the active question's options with their keys.
public enum QuestionView {
  /// The lines of the question area for a width (not yet clipped to a height).
  public static func lines(_ state: AppState, width: Int) -> [StyledLine] {
    guard state.current?.task != nil else { return [] }
    var lines: [StyledLine] = []
    let questions = state.session.questions
    for (qi, question) in questions.enumerated() {
      let active = qi == state.draft.activeQuestion
      var header = StyledLine()
      if questions.count > 1 {
        header.runs.append(StyledRun(active ? "▸ " : "  ", .bold))
      }
      if !active, let answer = state.draft.answers[question.name] {
        // The answer first, so it stays visible when a long prompt is cut at the edge.
        header.runs.append(StyledRun("✓ " + answerText(answer, question: question, state: state), .bold))
        header.runs.append(StyledRun("  " + question.prompt, .dim))
      } else {
        header.runs.append(StyledRun(question.prompt, active ? .bold : .dim))
      }
      if question.kind == .multi && active { header.runs.append(StyledRun("  (toggle, then Enter)", .dim)) }
      lines.append(header)
      guard active else { continue }
      if question.kind == .taxonomy, !state.draft.taxonomyPath.isEmpty {
        let trail = state.draft.taxonomyPath.indices.compactMap { depth in
          question.option(at: Array(state.draft.taxonomyPath.prefix(depth + 1)))?.display
        }
        lines.append(
          StyledLine([
            StyledRun("  " + trail.joined(separator: " › ") + " ›", .bold),
            StyledRun("   Backspace: up", .dim),
          ]))
      }
      if question.kind == .text {
        lines += TextField.lines(question, state: state, width: width)
      } else if question.kind == .spans {
        lines += SpanView.questionLines(question, state: state, width: width)
      } else if question.kind == .comparison {
        lines += comparisonLines(question, state: state, width: width)
      } else {
        lines += optionLines(question, state: state, width: width)
      }
    }
    return lines
  }

  static func optionLines(_ question: Question, state: AppState, width: Int) -> [StyledLine] {
    let options = App.currentOptions(question, state) ?? []
    let answer = state.draft.answers[question.name]
    var chosen: Set<String> = []
    switch answer {
    case .string(let name): chosen = [name]
    case .number(let value): chosen = [JSONValue.number(value).displayText]
    case .array(let items):
      if question.kind == .taxonomy {
        // Mark the node on this level that lies on the answer's path.
        let depth = state.draft.taxonomyPath.count
        if depth < items.count, let name = items[depth].stringValue { chosen = [name] }
      } else {
        chosen = Set(items.compactMap(\.stringValue))
      }
    default: break
    }
    var cells: [StyledLine] = []
    var descriptions: [StyledLine?] = []
    let keys = OptionKeys.assign(for: question, options: options)
    for (i, option) in options.enumerated() {
      let keyLabel = String(keys[i])
      let isChosen = chosen.contains(option.name)
      let mark: String
      switch question.kind {
      case .multi: mark = isChosen ? "[x]" : "[ ]"
      case .single, .taxonomy, .rating, .text, .spans, .comparison: mark = isChosen ? "(•)" : "( )"
      }
      var line = StyledLine()
      line.runs.append(StyledRun(" \(keyLabel) ", Style(bold: true, reverse: true)))
      line.runs.append(StyledRun(" " + mark + " ", isChosen ? .bold : .plain))
      line.runs.append(StyledRun(option.display, isChosen ? Style(bold: true, underline: true) : .plain))
      if !option.isLeaf { line.runs.append(StyledRun(" ›", .bold)) }
      if isChosen && state.draft.fromPrediction { line.runs.append(StyledRun("  ← predicted", .dim)) }
      cells.append(line)
      if state.showDescriptions, let description = option.description {
        descriptions.append(StyledLine("        " + description, .dim))
      } else {
        descriptions.append(nil)
      }
    }
    // One option per line, or in columns when there are many and no descriptions are shown.
    if state.showDescriptions || options.count <= 6 {
      var out: [StyledLine] = []
      for (cell, description) in zip(cells, descriptions) {
        out.append(cell)
        if let description { out += StyledWrap.wrap(description, width: width, restIndent: StyledLine("        ")) }
      }
      return out
    }
    let cellWidth = (cells.map { DisplayWidth.of($0.plainText) }.max() ?? 10) + 3
    let columns = max(1, min(4, width / max(1, cellWidth)))
    let rows = (cells.count + columns - 1) / columns
    var out: [StyledLine] = []
    for r in 0..<rows {
      var line = StyledLine()
      for c in 0..<columns {
        let i = c * rows + r
        guard i < cells.count else { continue }
        let text = cells[i]
        line.runs += text.runs
        let pad = cellWidth - DisplayWidth.of(text.plainText)
        if c < columns - 1 { line.runs.append(StyledRun(String(repeating: " ", count: max(1, pad)))) }
      }
      out.append(line)
    }
    return out
  }

  /// A comparison's options (or, after `a`/`b`, the strength) on one line, wrapped when narrow.
  static func comparisonLines(_ question: Question, state: AppState, width: Int) -> [StyledLine] {
    let options = App.currentOptions(question, state) ?? []
    let keys = OptionKeys.assign(options)
    var lines: [StyledLine] = []
    let chosen: String?
    if state.draft.askingStrength {
      let winner = state.draft.answers[question.name]?.stringValue ?? "a"
      lines.append(
        StyledLine("  \(CompareView.side(of: winner, state).capitalized1) (\(winner)) is better. How much?", .bold))
      chosen = state.draft.answers[question.strengthName]?.stringValue
    } else {
      chosen = state.draft.answers[question.name]?.stringValue.map { CompareView.side(of: $0, state) }
    }
    let line = CompareView.optionLine(options, keys: keys, chosen: chosen, predicted: state.draft.fromPrediction)
    lines += StyledWrap.wrap(line, width: width, restIndent: StyledLine(" "))
    return lines
  }

  /// The display name of a single- or multi-choice option.
  static func displayName(_ name: String, in question: Question) -> String {
    question.options.first { $0.name == name }?.display ?? name
  }

  /// An answer as text for the screen; a taxonomy path is looked up level by level.
  static func answerText(_ answer: JSONValue, question: Question, state: AppState? = nil) -> String {
    if question.kind == .spans {
      let count = answer.arrayValue?.count ?? 0
      return count == 1 ? "1 span" : "\(count) spans"
    }
    if question.kind == .comparison, let name = answer.stringValue, let state {
      let side = CompareView.side(of: name, state)
      let strength = state.draft.answers[question.strengthName]?.stringValue.map { " · \($0)" } ?? ""
      switch name {
      case "a", "b": return "\(side.capitalized1) (\(name))\(strength)"
      case "both_bad": return "Both bad"
      default: return "Tie"
      }
    }
    switch answer {
    case .string(let name): return displayName(name, in: question)
    case .array(let items):
      let names = items.compactMap(\.stringValue)
      if question.kind == .taxonomy {
        var level = question.options
        var shown: [String] = []
        for name in names {
          if let option = level.first(where: { $0.name == name }) {
            shown.append(option.display)
            level = option.children
          } else {
            shown.append(name)
            level = []
          }
        }
        return shown.joined(separator: " › ")
      }
      return names.map { displayName($0, in: question) }.joined(separator: ", ")
    default: return answer.displayText
    }
  }
}

extension String {
  /// The string with its first character uppercased.
  var capitalized1: String { prefix(1).uppercased() + dropFirst() }
}
