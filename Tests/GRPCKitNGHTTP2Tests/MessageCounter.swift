import Synchronization

/// A count that closures running in any task can increase.
final class MessageCounter: Sendable {
  private let value = Atomic<Int>(0)

  func increment() {
    self.value.add(1, ordering: .relaxed)
  }

  var count: Int { self.value.load(ordering: .relaxed) }
}
