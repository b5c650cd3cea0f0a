/// Writes a commented `tally.yaml` for a data file and a list of labels (`tally init`, quick start).
public enum ProjectTemplate {
  /// The YAML text. `dataPath` is written as given (relative to the project folder).
  public static func yaml(
    name: String, dataPath: String, format: DataFormat, labels: [String], multi: Bool,
    textField: String = "text", guidelines: String? = nil, rating: Int? = nil, freeText: Bool = false
  ) -> String {
    var out = """
      # Tally project file. Every key is checked: run `tally validate <folder>` after editing.
      name: \(quote(name))

      # The data to label, relative to this file. jsonl, csv, tsv (with a header row) or text (one task per line).
      data: \(quote(dataPath))
      format: \(format.rawValue)

      # Which field holds the text shown, and which holds the task id (a hash of the record is used when absent).
      text_field: \(quote(textField))
      id_field: id

      # A field with a model's guess, shown preselected and accepted with Enter.
      prediction_field: prediction

      # Other fields shown above the text, e.g. [lang, source].
      show_fields: []

      # Guidelines in Markdown, opened with `g` (and before the first task when they change).

      """
    if let guidelines {
      out += "guidelines: \(quote(guidelines))\n"
    } else {
      out += "# guidelines: guidelines.md\n"
    }
    out += """

      # Queue order: `file`, or `shuffle` with a seed (the same seed gives the same order).
      order: file
      seed: 1

      # The questions asked of each task. type: single (one option), multi (several, Enter submits)
      # or taxonomy (options with `children:`, any depth). Options may set `display`, `description`, `key`.
      questions:

      """
    if freeText {
      out += """
          - name: label
            prompt: Your answer
            type: text
            multiline: false

        """
      return out
    }
    if let rating {
      out += """
          - name: label
            prompt: How would you rate it?
            type: rating
            scale: \(rating)
            low: worst
            high: best

        """
      return out
    }
    out += """
        - name: label
          prompt: Which label fits?
          type: \(multi ? "multi" : "single")
          options:

      """
    for label in labels {
      out += "      - name: \(quote(label))\n"
    }
    return out
  }

  /// Quotes a YAML scalar when it needs it.
  public static func quote(_ value: String) -> String {
    let plain = value.unicodeScalars.allSatisfy { scalar in
      scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-/".unicodeScalars.contains(scalar)
    }
    if plain && !value.isEmpty && !["true", "false", "yes", "no", "null", "on", "off"].contains(value.lowercased()) {
      return value
    }
    var escaped = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped + "\""
  }
}
