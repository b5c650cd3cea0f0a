import TallyCore
import TallyText

/// Draws a span task: the text with its spans (underlined in the label's colour, with a `‹LABEL›` tag that
/// reads without colour), the selection and cursor, the list of spans, and the span question's lines.
enum SpanView {
  /// The task text with spans, selection and cursor.
  static func drawText(_ screen: inout Screen, _ state: AppState, area: Rect, question: Question) {
    let focused = state.activeQuestion?.kind == .spans
    draw(
      &screen, lines: state.textLayout, spans: state.textLayoutSpans, from: state.textScroll, area: area,
      question: question, cursor: focused ? state.draft.spanCursor : nil,
      selection: focused ? SpanEditor.selection(state) : nil)
  }

  /// Draws text laid out with its spans' tags (`TextWrap.wrap(…, inserts: SpanEditor.tags(spans))`) from line
  /// `start`: whatever spans it is given (the annotator's own, or a review's merged ones), with a cursor and a
  /// selection when the spans are being edited.
  public static func draw(
    _ screen: inout Screen, lines: [WrappedLine], spans: [Span], from scroll: Int, area: Rect, question: Question,
    cursor: Int? = nil, selection: (Int, Int)? = nil
  ) {
    guard !lines.isEmpty else { return }
    let start = min(scroll, max(0, lines.count - 1))
    let end = min(lines.count, start + area.height)
    let firstOffset = lines[start].sourceStart
    var active = spans.filter { $0.start < firstOffset && $0.end >= firstOffset }
    // The nearest end among the active spans: nothing to drop from `active` before it.
    var nearestEnd = active.map(\.end).min() ?? Int.max
    var next = spans.firstIndex { $0.start >= firstOffset } ?? spans.count
    let focused = cursor != nil
    let underCursor = cursor.flatMap { c in spans.last { $0.contains(c) } }
    for row in start..<end {
      var x = area.x
      for cell in lines[row].cells {
        var style = Style.plain
        let offset = cell.sourceOffset
        if cell.sourceLength == 0 {
          // A tag: coloured like the span that ends here.
          if let owner = active.last(where: { $0.end == offset }) ?? spans.last(where: { $0.end == offset }) {
            style = Style(bold: true, foreground: SpanEditor.color(of: owner.label, in: question))
            if owner == underCursor { style.reverse = true }
          } else {
            style = .bold
          }
        } else {
          if nearestEnd <= offset {
            active.removeAll { $0.end <= offset }
            nearestEnd = active.map(\.end).min() ?? Int.max
          }
          while next < spans.count && spans[next].start <= offset {
            if spans[next].end > offset {
              active.append(spans[next])
              nearestEnd = min(nearestEnd, spans[next].end)
            }
            next += 1
          }
          if let top = active.last {
            style = Style(underline: true, foreground: SpanEditor.color(of: top.label, in: question))
            if top == underCursor { style.bold = true }
          }
          if let selection, offset >= selection.0, offset < selection.1 { style.reverse = true }
          if focused && offset == cursor { style = style.merged(with: Style(bold: true, reverse: true)) }
        }
        x = screen.put(cell, x: x, y: area.y + row - start, style: style, clip: area)
      }
    }
  }

  /// The spans in document order, the one under the cursor marked ▸, predicted ones marked.
  static func drawList(_ screen: inout Screen, _ state: AppState, area: Rect, question: Question) {
    let spans = state.textLayoutSpans
    screen.write("Spans (\(spans.count))", x: area.x, y: area.y, style: .bold, clip: area)
    guard area.height > 1 else { return }
    if spans.isEmpty {
      screen.write("none yet", x: area.x, y: area.y + 1, style: .dim, clip: area)
      return
    }
    let predicted = state.draft.predictedSpans
    let cursor = state.draft.spanCursor
    let current = spans.lastIndex { $0.contains(cursor) } ?? spans.lastIndex { $0.start <= cursor } ?? 0
    let rows = area.height - 1
    let first = max(0, min(current - rows / 2, spans.count - rows))
    let labelWidth = min(8, spans.map { DisplayWidth.of($0.label) }.max() ?? 3)
    for (row, i) in (first..<min(spans.count, first + rows)).enumerated() {
      let span = spans[i]
      let y = area.y + 1 + row
      let isCurrent = span.contains(cursor)
      // Written piece by piece (no intermediate styled line): this list is redrawn on every key.
      var x = screen.write(isCurrent ? "▸" : " ", x: area.x, y: y, style: .bold, clip: area)
      let labelStyle = Style(bold: true, foreground: SpanEditor.color(of: span.label, in: question))
      x = screen.write(span.label, x: x, y: y, style: labelStyle, clip: area)
      x = max(x, area.x + 2 + labelWidth)
      x = screen.write(span.text, x: x, y: y, style: isCurrent ? .bold : .plain, clip: area)
      if predicted.contains(span) { screen.write(" ·pred", x: x, y: y, style: .dim, clip: area) }
    }
  }

  /// The span question's lines: its labels with their keys, then what the keys will do here.
  static func questionLines(_ question: Question, state: AppState, width: Int) -> [StyledLine] {
    let keys = OptionKeys.assign(for: question, options: question.options)
    var labels = StyledLine()
    for (i, option) in question.options.enumerated() {
      if i > 0 { labels.runs.append(StyledRun("  ")) }
      labels.runs.append(StyledRun(" \(keys[i]) ", Style(bold: true, reverse: true)))
      let shown = option.display == option.name ? option.name : "\(option.name) \(option.display)"
      labels.runs.append(
        StyledRun(" " + shown, Style(bold: true, foreground: SpanEditor.color(of: option.name, in: question))))
    }
    var lines = StyledWrap.wrap(labels, width: width)
    let spans = state.textLayoutSpans
    let cursor = state.draft.spanCursor
    var status: [StyledRun] = []
    if let selection = SpanEditor.selection(state) {
      let text = state.spanText.slice(selection.0, selection.1)
      status.append(StyledRun("Selecting “\(text)” \(selection.0)–\(selection.1)", .bold))
      status.append(StyledRun(" · a label key labels it · Esc cancels", .dim))
    } else if let span = spans.last(where: { $0.contains(cursor) }) {
      status.append(StyledRun("On \(span.label) “\(span.text)” \(span.start)–\(span.end)", .bold))
      status.append(StyledRun(" · a label key relabels · x removes", .dim))
    } else {
      status.append(StyledRun("v select · a label key labels the word under the cursor", .dim))
    }
    status.append(StyledRun(state.draft.characterPrecision ? " · exact characters (c)" : " · whole words (c)", .dim))
    if state.draft.fromPrediction && !spans.isEmpty {
      status.append(StyledRun(" · predicted spans: Enter accepts", .bold))
    }
    lines += StyledWrap.wrap(StyledLine(status), width: width)
    return lines
  }
}
