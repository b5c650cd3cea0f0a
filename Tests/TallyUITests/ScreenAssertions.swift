import Foundation
import Testing

@testable import TallyUI

/// Compares a rendered screen with the expected text, line by line, and shows the first differing lines.
/// With `TALLY_RECORD_SCREENS=DIR` in the environment, also writes the actual screen to `DIR/<name>.txt`.
func expectScreen(
  _ screen: Screen, _ expected: String, name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let actual = screen.text
  if let dir = ProcessInfo.processInfo.environment["TALLY_RECORD_SCREENS"] {
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try? actual.write(toFile: dir + "/" + name + ".txt", atomically: true, encoding: .utf8)
  }
  let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false).map {
    String($0).trimmingTrailingSpaces
  }
  let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  if expectedLines == actualLines { return }
  var report = "screen \(name) differs:\n"
  for i in 0..<max(expectedLines.count, actualLines.count) {
    let e = i < expectedLines.count ? expectedLines[i] : "<none>"
    let a = i < actualLines.count ? actualLines[i] : "<none>"
    if e != a { report += "line \(i + 1):\n  expected: |\(e)|\n  actual:   |\(a)|\n" }
  }
  Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
}

extension String {
  var trimmingTrailingSpaces: String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
