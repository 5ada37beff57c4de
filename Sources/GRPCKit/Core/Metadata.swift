/// Key-value pairs sent with an RPC: request headers, response headers and trailers.
///
/// Keys are lowercase ASCII. Keys ending in `-bin` carry binary values, which travel base64
/// encoded; all other keys carry printable ASCII strings. A key may repeat; order is kept.
///
/// ```swift
/// var metadata: Metadata = ["chat-room": "lobby"]
/// metadata.add("trace-bin", binary: [0x01, 0x02])
/// let room = metadata.first("chat-room")   // "lobby"
/// ```
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
  CustomStringConvertible
{
  /// One value: text for ordinary keys, bytes for `-bin` keys.
  public enum Value: Sendable, Hashable, ExpressibleByStringLiteral {
    case string(String)
    case binary([UInt8])

    public init(stringLiteral value: String) { self = .string(value) }
  }

  /// One entry.
  public struct Element: Sendable, Hashable {
    public var key: String
    public var value: Value
  }

  private var entries: [Element] = []

  /// Creates empty metadata.
  public init() {}

  public init(dictionaryLiteral elements: (String, Value)...) {
    for (key, value) in elements { self.entries.append(Element(key: key.lowercased(), value: value)) }
  }

  /// The number of entries (repeated keys count once per value).
  public var count: Int { self.entries.count }
  public var isEmpty: Bool { self.entries.isEmpty }

  /// Appends a text value. The key is lowercased.
  ///
  /// - Parameters:
  ///   - key: The key; it should not end in `-bin`.
  ///   - value: Printable ASCII text.
  public mutating func add(_ key: String, _ value: String) {
    self.entries.append(Element(key: key.lowercased(), value: .string(value)))
  }

  /// Appends a binary value. The key is lowercased and should end in `-bin`.
  ///
  /// - Parameters:
  ///   - key: The key, ending in `-bin`.
  ///   - binary: The bytes.
  public mutating func add(_ key: String, binary: [UInt8]) {
    self.entries.append(Element(key: key.lowercased(), value: .binary(binary)))
  }

  /// Appends every entry of `other`.
  public mutating func add(contentsOf other: Metadata) {
    self.entries.append(contentsOf: other.entries)
  }

  /// Removes every value of `key`.
  public mutating func removeAll(_ key: String) {
    let key = key.lowercased()
    self.entries.removeAll { $0.key == key }
  }

  /// The text values of `key`, in order.
  public subscript(stringValues key: String) -> [String] {
    let key = key.lowercased()
    return self.entries.compactMap { entry in
      guard entry.key == key, case .string(let value) = entry.value else { return nil }
      return value
    }
  }

  /// The binary values of `key`, in order.
  public subscript(binaryValues key: String) -> [[UInt8]] {
    let key = key.lowercased()
    return self.entries.compactMap { entry in
      guard entry.key == key, case .binary(let value) = entry.value else { return nil }
      return value
    }
  }

  /// The first text value of `key`, if any.
  public func first(_ key: String) -> String? {
    self[stringValues: key].first
  }

  public func makeIterator() -> IndexingIterator<[Element]> {
    self.entries.makeIterator()
  }

  public var description: String {
    let parts = self.entries.map { entry -> String in
      switch entry.value {
      case .string(let value): return "\(entry.key): \(value)"
      case .binary(let bytes): return "\(entry.key): <\(bytes.count) bytes>"
      }
    }
    return "[" + parts.joined(separator: ", ") + "]"
  }
}
