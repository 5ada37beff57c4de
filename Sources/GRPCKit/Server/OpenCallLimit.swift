import Synchronization

/// Counts a server's open calls against ``GRPCServer/maximumOpenCalls``: a call holds a slot from
/// the moment it is admitted until its task returns.
final class OpenCallLimit: Sendable {
  /// The most calls open at once.
  let maximum: Int
  private let open = Atomic<Int>(0)

  init(maximum: Int) {
    self.maximum = maximum
  }

  /// Takes a slot; false (and nothing taken) when all `maximum` are held.
  func admit() -> Bool {
    var current = self.open.load(ordering: .relaxed)
    while current < self.maximum {
      let (exchanged, original) = self.open.compareExchange(
        expected: current,
        desired: current + 1,
        ordering: .acquiringAndReleasing
      )
      if exchanged { return true }
      current = original
    }
    return false
  }

  /// Gives back a slot taken by ``admit()``.
  func release() {
    self.open.subtract(1, ordering: .acquiringAndReleasing)
  }

  /// The calls open now.
  var count: Int { self.open.load(ordering: .relaxed) }
}
