/// Terminal colours Tally uses. Colour never carries meaning alone: every coloured thing also has a
/// marker or an attribute, so the screen reads the same under `NO_COLOR`.
public enum Color: UInt8, Sendable, Hashable, CaseIterable {
  case black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn.
public struct Style: Sendable, Hashable {
  public var bold = false
  public var dim = false
  public var italic = false
  public var underline = false
  public var reverse = false
  public var foreground: Color? = nil
  public var background: Color? = nil

  public init(
    bold: Bool = false, dim: Bool = false, italic: Bool = false, underline: Bool = false,
    reverse: Bool = false, foreground: Color? = nil, background: Color? = nil
  ) {
    self.bold = bold
    self.dim = dim
    self.italic = italic
    self.underline = underline
    self.reverse = reverse
    self.foreground = foreground
    self.background = background
  }

  public static let plain = Style()
  public static let bold = Style(bold: true)
  public static let dim = Style(dim: true)
  public static let reverse = Style(reverse: true)
  public static let underline = Style(underline: true)
  public static let italic = Style(italic: true)

  /// This style with `other`'s attributes added on top.
  public func merged(with other: Style) -> Style {
    Style(
      bold: bold || other.bold, dim: dim || other.dim, italic: italic || other.italic,
      underline: underline || other.underline, reverse: reverse != other.reverse,
      foreground: other.foreground ?? foreground, background: other.background ?? background)
  }
}

/// A run of text in one style.
public struct StyledRun: Sendable, Equatable {
  public var text: String
  public var style: Style

  public init(_ text: String, _ style: Style = .plain) {
    self.text = text
    self.style = style
  }
}

/// One line of styled text, not yet clipped to any width.
public struct StyledLine: Sendable, Equatable {
  public var runs: [StyledRun]

  public init(_ runs: [StyledRun] = []) { self.runs = runs }
  public init(_ text: String, _ style: Style = .plain) { self.runs = [StyledRun(text, style)] }

  public var plainText: String { runs.map(\.text).joined() }
}
