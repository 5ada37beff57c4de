/// Which message types contain themselves, directly or through other messages, by value.
///
/// A Swift struct cannot contain itself, so a singular message field (or oneof member) whose type
/// can reach back to the message that declares it must be stored in a ``ProtobufBox`` (or an
/// `indirect` case). Repeated and map fields store their elements on the heap and break cycles on
/// their own, so they are not edges of this graph.
struct MessageCycles {
  /// For each message, the messages it holds by value (singular message fields and oneof members).
  private var edges: [String: Set<String>] = [:]
  /// For each message, every message reachable from it.
  private var reachable: [String: Set<String>] = [:]

  init(files: [ProtoFile]) {
    for file in files {
      for message in file.messages { addEdges(of: message) }
    }
    for message in edges.keys { reachable[message] = closure(from: message) }
  }

  /// Whether a value of message `type` can contain, at any depth, a value of message `container`.
  func typeContains(_ type: String, _ container: String) -> Bool {
    type == container || (reachable[type]?.contains(container) ?? false)
  }

  private mutating func addEdges(of message: ProtoMessage) {
    var targets: Set<String> = []
    for field in message.fields where field.label != .repeated {
      if case .message(let type) = field.type { targets.insert(type) }
    }
    edges[message.fullName] = targets
    for nested in message.messages { addEdges(of: nested) }
  }

  private func closure(from start: String) -> Set<String> {
    var seen: Set<String> = []
    var pending = Array(edges[start] ?? [])
    while let next = pending.popLast() {
      guard seen.insert(next).inserted else { continue }
      pending.append(contentsOf: edges[next] ?? [])
    }
    return seen
  }
}
