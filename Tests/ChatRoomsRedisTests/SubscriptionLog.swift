import ChatClient
import GRPCKit
import GRPCLocking

/// A `chat.v1.RoomEvents/Subscribe` stream read in the background: the messages it received
/// and how it ended, until ``stop()``.
final class SubscriptionLog: Sendable {
  private struct State {
    var joined = false
    var messages: [SeenMessage] = []
    var end: (any Error)?
    var ended = false
  }

  private let state = Mutex(State())
  private let task = Mutex<Task<Void, Never>?>(nil)
  /// The room.
  let room: String

  /// Subscribes to `room` after `after` through `client`.
  init(_ client: ChatClient, room: String, after: String = "") {
    self.room = room
    let task = Task {
      do {
        try await client.roomEvents.subscribe(
          Chat_V1_SubscribeRequest(room: room, afterId: after), options: CallOptions(timeout: .seconds(600))
        ) { responses in
          for try await event in responses {
            self.state.withLock { state in
              state.joined = true
              if let message = event.message, !event.id.isEmpty {
                state.messages.append(SeenMessage(id: event.id, user: message.user, text: message.message))
              }
            }
          }
        }
        self.state.withLock { $0.ended = true }
      } catch {
        self.state.withLock {
          $0.ended = true
          $0.end = error
        }
      }
    }
    self.task.withLock { $0 = task }
  }

  /// The messages so far.
  var messages: [SeenMessage] { self.state.withLock { $0.messages } }

  /// Whether the stream ended (and with which error), while it was expected to stay open.
  var ending: String? {
    self.state.withLock { state in state.ended ? "ended: \(state.end.map { "\($0)" } ?? "OK")" : nil }
  }

  /// Waits until the subscription joined the room (its first event arrived).
  func waitUntilJoined(timeout: Duration = .seconds(60)) async throws {
    try await self.wait(for: "joined", timeout: timeout) { $0.joined }
  }

  /// Waits until a message with `id` arrived; fails after `timeout`, or at once if the stream
  /// ended first.
  func wait(forID id: String, timeout: Duration = .seconds(120)) async throws {
    try await self.wait(for: "message \(id)", timeout: timeout) { $0.messages.contains { $0.id == id } }
  }

  private func wait(for what: String, timeout: Duration, until condition: (State) -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
      let (done, ending) = self.state.withLock { (condition($0), $0.ended) }
      if done { return }
      guard !ending, ContinuousClock.now < deadline else {
        throw RPCError(
          code: .deadlineExceeded,
          message: "subscription of \(self.room): \(what) not within \(timeout) (\(self.ending ?? "open"), \(self.messages.count) messages)")
      }
      try await Task.sleep(for: .milliseconds(10))
    }
  }

  /// Cancels the stream.
  func stop() {
    self.task.withLock { $0?.cancel() }
  }
}
