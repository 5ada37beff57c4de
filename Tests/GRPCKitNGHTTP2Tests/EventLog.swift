import GRPCLocking

/// Events in the order they happened, recorded from any task.
final class EventLog: Sendable {
  private let events = Mutex<[String]>([])

  func record(_ event: String) {
    self.events.withLock { $0.append(event) }
  }

  var entries: [String] { self.events.withLock { $0 } }
}
