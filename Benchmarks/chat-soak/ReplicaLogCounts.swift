/// What the replicas' access logs (`--access-log`: one line per ended call) say about the
/// RoomEvents streams and ChatStream calls that ended during the soak.
struct ReplicaLogCounts: Sendable, Equatable {
  /// `Subscribe` streams that ended, by status code name (OK excluded): each one the SDK
  /// resumed (streams cut by a SIGKILL are not logged).
  var subscribeEnds: [String: Int] = [:]
  /// ChatStream calls ended as slow consumers.
  var chatStreamSlowConsumers = 0

  /// Counts the lines of `text`, one replica log.
  mutating func add(log text: String) {
    for line in text.split(separator: "\n") where line.contains("\"message\":\"call\"") {
      guard let code = Self.field("grpc.code", in: line), code != "OK" else { continue }
      if line.contains("\"grpc.method\":\"/chat.v1.RoomEvents/Subscribe\"") {
        self.subscribeEnds[code, default: 0] += 1
      } else if line.contains("\"grpc.method\":\"/ChatService/ChatStream\""), code == "RESOURCE_EXHAUSTED" {
        self.chatStreamSlowConsumers += 1
      }
    }
  }

  /// Streams resumed (every logged end).
  var resumes: Int { self.subscribeEnds.values.reduce(0, +) }

  /// Subscriptions ended as slow consumers.
  var subscribeSlowConsumers: Int { self.subscribeEnds["RESOURCE_EXHAUSTED"] ?? 0 }

  /// The string value of `"key":"value"` in a JSON line.
  static func field(_ key: String, in line: Substring) -> String? {
    guard let range = line.range(of: "\"\(key)\":\"") else { return nil }
    let rest = line[range.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
  }
}
