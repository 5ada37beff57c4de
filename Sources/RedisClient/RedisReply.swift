/// A reply of the server (RESP2).
///
/// ```swift
/// let reply = try await client.send(RedisCommand("MGET", ["a", "b"]))
/// for element in reply.array ?? [] { print(element.string ?? "(nil)") }
/// ```
public enum RedisReply: Sendable, Hashable {
  /// A simple string (`+OK`).
  case status(String)
  /// An error reply (`-ERR ...`), without the `-`. ``RedisClient/send(_:)`` throws these;
  /// ``RedisClient/pipeline(_:)`` returns them.
  case error(String)
  /// An integer (`:42`).
  case integer(Int64)
  /// A bulk string (`$3 foo`): bytes.
  case bulk([UInt8])
  /// A nil bulk string or array (`$-1`, `*-1`).
  case null
  /// An array (`*2 ...`).
  case array([RedisReply])

  /// A status or bulk string as text (UTF-8, invalid bytes replaced); `nil` for other kinds.
  public var string: String? {
    switch self {
    case .status(let text): return text
    case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
    default: return nil
    }
  }

  /// A bulk string's bytes; `nil` for other kinds.
  public var bytes: [UInt8]? {
    if case .bulk(let bytes) = self { return bytes }
    return nil
  }

  /// An integer's value; `nil` for other kinds.
  public var integer: Int64? {
    if case .integer(let value) = self { return value }
    return nil
  }

  /// An array's elements; `nil` for other kinds (also for ``null``).
  public var array: [RedisReply]? {
    if case .array(let elements) = self { return elements }
    return nil
  }
}

extension RedisReply: CustomStringConvertible {
  /// A short rendering for messages: `status "OK"`, `error "ERR ..."`, `42`, `bulk "..."` (64
  /// bytes at most), `null`, `[...]` (8 elements at most).
  public var description: String {
    switch self {
    case .status(let text): return "status \(Self.quoted(Array(text.utf8)))"
    case .error(let text): return "error \(Self.quoted(Array(text.utf8)))"
    case .integer(let value): return "\(value)"
    case .bulk(let bytes): return "bulk \(Self.quoted(bytes))"
    case .null: return "null"
    case .array(let elements):
      let shown = elements.prefix(8).map(\.description)
      let more = elements.count > 8 ? ", … (\(elements.count) elements)" : ""
      return "[" + shown.joined(separator: ", ") + more + "]"
    }
  }

  private static func quoted(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(64), as: UTF8.self).debugDescription
    return bytes.count > 64 ? "\(text)… (\(bytes.count) bytes)" : text
  }
}
