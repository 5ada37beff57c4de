import Dispatch
import Foundation
import GRPCLocking
import Testing

/// A lock shared by threads (a `Mutex` cannot be captured by an escaping closure itself).
private final class SharedCount: Sendable {
  let value = Mutex(0)
}

private struct Refused: Error, Equatable {
  let reason: String
}

/// Runs `body` on `count` new threads at once and waits (at most 60 s) for all of them.
private func onThreads(_ count: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
  let finished = DispatchSemaphore(value: 0)
  for _ in 0..<count {
    Thread {
      body()
      finished.signal()
    }.start()
  }
  return (0..<count).allSatisfy { _ in finished.wait(timeout: .now() + 60) == .success }
}

@Suite("Mutex")
struct MutexTests {
  // Under `scripts/sanitize.sh thread` this is the visibility check: with a lock ThreadSanitizer
  // cannot see, the increments are reported as a "Swift access race" and the run fails.
  @Test("Two threads incrementing under the lock reach the exact total")
  func twoThreadsReachExactTotal() {
    let count = SharedCount()
    let done = onThreads(2) {
      for _ in 0..<100_000 {
        count.value.withLock { $0 += 1 }
      }
    }
    #expect(done)
    #expect(count.value.withLock { $0 } == 200_000)
  }

  @Test("A typed error from the body reaches the caller and the lock is free afterwards")
  func typedErrorReleasesLock() {
    let count = SharedCount()
    #expect(throws: Refused(reason: "odd")) {
      try count.value.withLock { (value: inout Int) throws(Refused) in
        value = 7
        throw Refused(reason: "odd")
      }
    }
    let done = onThreads(1) { count.value.withLock { $0 += 1 } }
    #expect(done)
    #expect(count.value.withLock { $0 } == 8)
  }

  @Test("A noncopyable value is reached in place and a result is returned")
  func noncopyableValue() {
    struct Token: ~Copyable {
      var uses = 0
    }
    let token = Mutex(Token())
    let uses = token.withLock { token in
      token.uses += 2
      return token.uses
    }
    #expect(uses == 2)
  }
}
