import ChatAPI
import GRPCKit
import GRPCLocking

/// What the open streams of the streams measurement report to the driver: each stream's
/// writer once its call is open, how many messages it received and when the first came, and
/// how it ended.
final class StreamBoard: Sendable {
  private struct State {
    var writers: [RequestWriter<ChatMessage>?]
    var deliveries: [Int]
    var firstDelivery: [UInt64]
    var opened = 0
    var ended = 0
    var failures: [String] = []
    var failureCount = 0
  }

  private let state: Mutex<State>
  /// How many streams the board tracks.
  let count: Int

  init(count: Int) {
    self.count = count
    self.state = Mutex(
      State(
        writers: Array(repeating: nil, count: count),
        deliveries: Array(repeating: 0, count: count),
        firstDelivery: Array(repeating: 0, count: count)
      )
    )
  }

  func opened(_ index: Int, writer: RequestWriter<ChatMessage>) {
    self.state.withLock { state in
      state.writers[index] = writer
      state.opened += 1
    }
  }

  func received(_ index: Int, at time: UInt64) {
    self.state.withLock { state in
      if state.deliveries[index] == 0 { state.firstDelivery[index] = time }
      state.deliveries[index] += 1
    }
  }

  /// Records the end of stream `index`; `failure` says why when it was not a clean `OK`.
  func ended(_ index: Int, failure: String?) {
    self.state.withLock { state in
      state.ended += 1
      guard let failure else { return }
      state.failureCount += 1
      if state.failures.count < 5 { state.failures.append("stream \(index): \(failure)") }
    }
  }

  var openedCount: Int { self.state.withLock { $0.opened } }
  var endedCount: Int { self.state.withLock { $0.ended } }
  var failureCount: Int { self.state.withLock { $0.failureCount } }
  var failures: [String] { self.state.withLock { $0.failures } }

  /// Throws naming `phase` and the first failures if any stream failed.
  func checkNoFailures(_ phase: String) throws {
    let (count, failures) = self.state.withLock { ($0.failureCount, $0.failures) }
    guard count > 0 else { return }
    throw ScaleError(
      "\(count) streams failed while \(phase):" + failures.map { "\n  \($0)" }.joined()
    )
  }

  func writer(_ index: Int) -> RequestWriter<ChatMessage>? {
    self.state.withLock { $0.writers[index] }
  }

  /// How many of the streams in `indices` have received at least `count` messages.
  func countReceiving(_ indices: Range<Int>, atLeast count: Int) -> Int {
    self.state.withLock { state in indices.count { state.deliveries[$0] >= count } }
  }

  /// The time of each first delivery in `indices` (streams that received nothing are left out).
  func firstDeliveries(_ indices: Range<Int>) -> [UInt64] {
    self.state.withLock { state in
      indices.compactMap { state.deliveries[$0] > 0 ? state.firstDelivery[$0] : nil }
    }
  }
}
