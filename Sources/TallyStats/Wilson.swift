/// The Wilson score interval for a binomial proportion: better than ± 1.96·√(p(1−p)/n) for the small counts
/// and extreme shares gold accuracy has.
public enum Wilson {
  /// The interval for `successes` of `trials` at 95% (z = 1.96); nil for no trials.
  public static func interval(successes: Int, trials: Int, z: Double = 1.959964) -> ClosedRange<Double>? {
    guard trials > 0 else { return nil }
    let n = Double(trials)
    let p = Double(successes) / n
    let z2 = z * z
    let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
    return max(0, centre - half)...min(1, centre + half)
  }
}
