import ChatClient
import GRPCKit
import GRPCLocking
import struct Synchronization.Atomic

/// A publisher that keeps publishing `1`, `2`, ... into a room and records which publishes were
/// acknowledged (with their ids) and which failed (with the error).
final class PublishLog: Sendable {
  struct Acknowledged: Sendable, Hashable {
    var id: String
    var text: String
  }

  struct Failure: Sendable {
    var text: String
    var error: RPCError
  }

  private let state = Mutex<(acknowledged: [Acknowledged], failures: [Failure])>(([], []))

  var acknowledged: [Acknowledged] { self.state.withLock { $0.acknowledged } }
  var failures: [Failure] { self.state.withLock { $0.failures } }

  /// Publishes one message after the other (pausing `pause` after each) until `stop` opens;
  /// an `RPCError` is recorded and publishing goes on.
  func publish(with client: ChatClient, to room: String, pause: Duration = .zero, until stop: Gate) async throws {
    let stopped = Atomic(false)
    async let watcher: Void = {
      await stop.wait()
      stopped.store(true, ordering: .relaxed)
    }()
    var index = 0
    while !stopped.load(ordering: .relaxed) {
      index += 1
      let text = "\(index)"
      do {
        let event = try await client.publish(text, as: "publisher", room: room, timeout: .seconds(10))
        self.state.withLock { $0.acknowledged.append(Acknowledged(id: event.id, text: text)) }
      } catch let error as RPCError {
        self.state.withLock { $0.failures.append(Failure(text: text, error: error)) }
      }
      if pause > .zero { try await Task.sleep(for: pause) }
    }
    await watcher
  }

  /// Waits until `count` publishes in all were acknowledged; fails after `timeout`.
  func wait(forAcknowledged count: Int, timeout: Duration = .seconds(60)) async throws {
    try await self.wait(timeout: timeout, "\(count) acknowledged") { $0.acknowledged.count >= count }
  }

  /// Waits until `count` publishes in all failed; fails after `timeout`.
  func wait(forFailures count: Int, timeout: Duration = .seconds(60)) async throws {
    try await self.wait(timeout: timeout, "\(count) failed") { $0.failures.count >= count }
  }

  private func wait(
    timeout: Duration, _ what: String, until condition: ((acknowledged: [Acknowledged], failures: [Failure])) -> Bool
  ) async throws {
    let deadline = ContinuousClock.now + timeout
    while !self.state.withLock({ condition($0) }) {
      guard ContinuousClock.now < deadline else {
        throw RPCError(
          code: .deadlineExceeded,
          message: "not \(what) within \(timeout): \(self.acknowledged.count) acknowledged, \(self.failures.count) failed")
      }
      try await Task.sleep(for: .milliseconds(10))
    }
  }
}
