import Synchronization

/// A client transport's current keepalive interval, shared by its connections: it starts at the
/// configured interval and doubles each time a server says "too_many_pings".
final class KeepaliveInterval: Sendable {
  private let nanoseconds: Atomic<Int64>

  /// - Parameter initial: the configured interval.
  init(_ initial: Duration) {
    self.nanoseconds = Atomic(initial.saturatingNanoseconds)
  }

  var current: Duration { .nanoseconds(self.nanoseconds.load(ordering: .relaxed)) }

  /// Doubles the interval for connections made from now on.
  func double() {
    var value = self.nanoseconds.load(ordering: .relaxed)
    while true {
      let doubled = value > Int64.max / 2 ? Int64.max : value * 2
      let (exchanged, original) = self.nanoseconds.compareExchange(
        expected: value,
        desired: doubled,
        ordering: .relaxed
      )
      if exchanged { return }
      value = original
    }
  }
}
