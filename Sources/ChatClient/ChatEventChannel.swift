import GRPCLocking

/// Hands events from a subscription's task to its reader, holding at most `capacity`: the task
/// waits while the reader is behind, so the call's flow control (and the server's slow-consumer
/// rule) applies to the reader.
final class ChatEventChannel: Sendable {
  private struct State {
    var buffer: [ChatRoomEvent] = []
    var end: RPCError??
    var reader: CheckedContinuation<ChatRoomEvent?, any Error>?
    var writer: CheckedContinuation<Void, Never>?
  }

  private let capacity: Int
  private let state = Mutex(State())

  init(capacity: Int = 16) {
    self.capacity = capacity
  }

  /// Queues `event`; waits while `capacity` events are waiting. Returns at once after
  /// ``finish(_:)``.
  func send(_ event: ChatRoomEvent) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      enum Step { case resumeReader(CheckedContinuation<ChatRoomEvent?, any Error>), done, wait }
      let step = self.state.withLock { state -> Step in
        guard state.end == nil else { return .done }
        if let reader = state.reader {
          state.reader = nil
          return .resumeReader(reader)
        }
        state.buffer.append(event)
        if state.buffer.count < self.capacity { return .done }
        state.writer = continuation
        return .wait
      }
      switch step {
      case .resumeReader(let reader):
        reader.resume(returning: event)
        continuation.resume()
      case .done:
        continuation.resume()
      case .wait:
        break
      }
    }
  }

  /// Ends the events: after those queued, the reader gets `error`, or the end when nil.
  func finish(_ error: RPCError?) {
    let (reader, writer) = self.state.withLock { state -> (CheckedContinuation<ChatRoomEvent?, any Error>?, CheckedContinuation<Void, Never>?) in
      if state.end == nil { state.end = .some(error) }
      defer { state.reader = nil; state.writer = nil }
      return (state.reader, state.writer)
    }
    writer?.resume()
    if let reader {
      if let error { reader.resume(throwing: error) } else { reader.resume(returning: nil) }
    }
  }

  /// The next event; nil at the end.
  ///
  /// - Throws: The error given to ``finish(_:)``.
  func next() async throws -> ChatRoomEvent? {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ChatRoomEvent?, any Error>) in
      enum Step { case event(ChatRoomEvent, CheckedContinuation<Void, Never>?), end(RPCError?), wait }
      let step = self.state.withLock { state -> Step in
        if !state.buffer.isEmpty {
          let event = state.buffer.removeFirst()
          defer { state.writer = nil }
          return .event(event, state.writer)
        }
        if let end = state.end { return .end(end) }
        state.reader = continuation
        return .wait
      }
      switch step {
      case .event(let event, let writer):
        writer?.resume()
        continuation.resume(returning: event)
      case .end(let error):
        if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
      case .wait:
        break
      }
    }
  }
}
