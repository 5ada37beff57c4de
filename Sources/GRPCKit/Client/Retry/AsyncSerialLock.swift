import DequeModule
import GRPCLocking

/// Lets one task at a time run a section that suspends (an attempt's request writes), in the
/// order the tasks arrived.
final class AsyncSerialLock: Sendable {
  private struct State {
    var locked = false
    var waiters = Deque<CheckedContinuation<Void, Never>>()
  }
  private let state = Mutex(State())

  func withLock<Result>(_ body: () async throws -> Result) async rethrows -> Result {
    await self.acquire()
    defer { self.release() }
    return try await body()
  }

  private func acquire() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let acquired = self.state.withLock { state -> Bool in
        if state.locked {
          state.waiters.append(continuation)
          return false
        }
        state.locked = true
        return true
      }
      if acquired { continuation.resume() }
    }
  }

  private func release() {
    let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
      guard let next = state.waiters.popFirst() else {
        state.locked = false
        return nil
      }
      return next
    }
    next?.resume()
  }
}
