import GRPCKit
import GRPCLocking
import HealthService

/// The statuses a `grpc.health.v1.Health/Watch` of one service reported, in order, collected
/// in the background until ``stop()``.
final class HealthWatch: Sendable {
  private let statuses = Mutex<[ServingStatus]>([])
  private let task = Mutex<Task<Void, Never>?>(nil)
  /// The service watched.
  let service: String

  /// Starts watching `service` on `replica`.
  init(_ service: String, on replica: ChatServerReplica) {
    self.service = service
    let task = Task {
      do {
        try await replica.withHealthClient { client in
          try await client.watch(.init(service: service)) { responses in
            for try await response in responses { self.statuses.withLock { $0.append(response.status) } }
          }
        }
      } catch {
        // The watch ends with the test (cancelled) or with the server: what it reported stays.
      }
    }
    self.task.withLock { $0 = task }
  }

  /// Everything reported so far.
  var reported: [ServingStatus] { self.statuses.withLock { $0 } }

  /// Waits until the watch reported the current status: later changes are seen from here on.
  func waitUntilStarted() async throws {
    try await self.wait(for: "a first status") { !$0.isEmpty }
  }

  /// Waits until the statuses reported so far satisfy `condition`; fails after `timeout`.
  func wait(
    for what: String, timeout: Duration = .seconds(60), until condition: ([ServingStatus]) -> Bool
  ) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition(self.reported) {
      guard ContinuousClock.now < deadline else {
        throw RPCError(
          code: .deadlineExceeded,
          message: "health \"\(self.service)\": \(what) not reported within \(timeout); reported \(self.reported)")
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Stops watching (the watch holds the value until then).
  func stop() {
    self.task.withLock { $0?.cancel() }
  }
}
