extension Path {
  /// A path as it can be pasted into a shell: unchanged when it is plain, else in single quotes (a quote inside
  /// written `'\''`). Every message that suggests a command quotes its paths with this.
  public static func quoted(_ path: String) -> String {
    let plain =
      !path.isEmpty
      && path.unicodeScalars.allSatisfy { scalar in
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "/._-+,:@%".unicodeScalars.contains(scalar)
      }
    if plain { return path }
    return "'" + path.replacing("'", with: "'\\''") + "'"
  }
}
