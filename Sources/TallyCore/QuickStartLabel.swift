/// A label as a person typed it on the command line (`--labels "very good,bad,👍"`): the text is kept as the
/// display name, and a stored name (an identifier: letters, digits, `_ - .`) is derived from it.
public struct QuickStartLabel: Sendable, Equatable {
  /// What goes into the labels and the export.
  public var name: String
  /// What the screen shows: the text as given.
  public var display: String

  public init(name: String, display: String) {
    self.name = name
    self.display = display
  }

  /// Reads a comma-separated list. Fails, with a message that names the option, on an empty list, an empty
  /// item (`a,,b`) and a label given twice.
  public static func parse(_ raw: String, option: String) -> Result<[QuickStartLabel], QuickStartError> {
    let items = raw.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
    if items.allSatisfy(\.isEmpty) {
      return .failure(QuickStartError("\(option) is empty", fix: "for example \(option) pos,neg,neutral"))
    }
    if let empty = items.firstIndex(where: \.isEmpty) {
      return .failure(
        QuickStartError(
          "\(option) \(raw): label \(empty + 1) of \(items.count) is empty",
          fix: "remove the extra comma, e.g. \(option) \(items.filter { !$0.isEmpty }.joined(separator: ","))"))
    }
    var seen: Set<String> = []
    for item in items where !seen.insert(item).inserted {
      return .failure(QuickStartError("\(option): `\(item)` is given twice", fix: "give each label once"))
    }
    var labels: [QuickStartLabel] = []
    var names: Set<String> = []
    for item in items {
      let base = storedName(for: item)
      var name = base
      var n = 2
      while names.contains(name) {
        name = "\(base)_\(n)"
        n += 1
      }
      names.insert(name)
      labels.append(QuickStartLabel(name: name, display: item))
    }
    return .success(labels)
  }

  /// An identifier for a label's text: letters and digits kept, runs of anything else become one `_`; a
  /// label of symbols only (emoji) is named after them (`👍` → `thumbs_up_sign`).
  public static func storedName(for text: String) -> String {
    if isIdentifier(text) { return text }
    let fromLetters = slug(text.unicodeScalars.map { isKept($0) ? String($0) : " " }.joined())
    if !fromLetters.isEmpty { return fromLetters }
    let named = text.unicodeScalars.compactMap { scalar -> String? in
      guard
        scalar.properties.generalCategory == .otherSymbol || scalar.properties.generalCategory == .mathSymbol
          || scalar.properties.generalCategory == .currencySymbol || scalar.properties.isEmojiPresentation
      else { return nil }
      return scalar.properties.name?.lowercased()
    }
    let fromNames = slug(named.joined(separator: " "))
    return fromNames.isEmpty ? "label" : fromNames
  }

  /// True when the text can be stored as it is.
  public static func isIdentifier(_ text: String) -> Bool {
    !text.isEmpty && text.unicodeScalars.allSatisfy { isKept($0) || "_-.".unicodeScalars.contains($0) }
  }

  static func isKept(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isAlphabetic || scalar.properties.numericType != nil
  }

  /// Words joined with `_`.
  static func slug(_ text: String) -> String {
    text.unicodeScalars.split { !(isKept($0) || $0 == "-" || $0 == ".") }.map { String(String.UnicodeScalarView($0)) }
      .joined(separator: "_")
  }
}

/// A quick-start option that cannot be used as given, with what to do instead.
public struct QuickStartError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public var fix: String

  public init(_ message: String, fix: String) {
    self.message = message
    self.fix = fix
  }

  public var description: String { "\(message)\n  fix: \(fix)" }
}

extension String {
  /// Without leading and trailing whitespace.
  public var trimmingWhitespace: String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
