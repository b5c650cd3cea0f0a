/// Writes JSON text piece by piece (objects, keys, strings, numbers) with exactly the output rules of
/// `JSONValue.serialized()`, without building values first: for outputs of a million lines, such as
/// `tally aggregate`'s, where making a `JSONValue` per line costs more than the statistics.
public struct JSONStream: ~Copyable {
  private var writer = JSONWriter(capacity: 1 << 16)
  /// Per open container, whether a member or element was written.
  private var filled: [Bool] = []

  public init() {}

  /// The text written so far.
  public func makeString() -> String { writer.makeString() }

  /// A key was just written: its value takes no comma.
  private var afterKey = false

  private mutating func separate() {
    if afterKey {
      afterKey = false
      return
    }
    if let last = filled.last {
      if last { writer.put(0x2C) }
      filled[filled.count - 1] = true
    }
  }

  public mutating func beginObject() {
    separate()
    writer.put(0x7B)
    filled.append(false)
  }

  public mutating func endObject() {
    writer.put(0x7D)
    filled.removeLast()
  }

  public mutating func beginArray() {
    separate()
    writer.put(0x5B)
    filled.append(false)
  }

  public mutating func endArray() {
    writer.put(0x5D)
    filled.removeLast()
  }

  /// An object member's key; the value written next is its value.
  public mutating func key(_ key: String) {
    separate()
    writer.writeString(key)
    writer.put(0x3A)
    afterKey = true
  }

  public mutating func string(_ value: String) {
    separate()
    writer.writeString(value)
  }

  public mutating func number(_ value: Double) {
    separate()
    writer.writeNumber(value)
  }

  public mutating func value(_ value: JSONValue) {
    separate()
    writer.write(value)
  }

  /// A line break (between JSON lines).
  public mutating func newline() { writer.put(0x0A) }
}
