import GRPCKit
import GRPCLocking

/// One direction of an in-process call: messages from the writer's task to the reader's
/// ``InboundMessageSink``, with the flow control of an HTTP/2 stream.
///
/// A message is encoded and handed to the sink at once. When the sink says its consumer is
/// behind (more than its high watermark waits unread), the writer waits after that message until
/// the consumer has caught up (``resumeInbound()``), as an HTTP/2 writer waits for window: the
/// bytes in flight per direction are bounded by the sink's watermark plus one message.
///
/// Deliveries to the sink (messages, headers, the end) happen under the pipe's lock, so the sink
/// is never called concurrently, as ``InboundMessageSink`` requires.
final class InProcessMessagePipe: InboundFlowControl {
  private struct State {
    /// The reader; `nil` before ``attach(_:)`` and after the end was delivered.
    var sink: (any InboundMessageSink)?
    /// Set once writes must fail (the call ended for the writer).
    var closed: RPCError?
    var paused = false
    var waiters: [UnsafeContinuation<Void, any Error>] = []
  }

  /// What became of a message.
  enum Delivery {
    /// The reader has it (or the reader had already ended, and it was dropped as HTTP/2 drops
    /// DATA for a stream nobody reads).
    case delivered
    /// The reader refused it: too large (`RESOURCE_EXHAUSTED`) or not decodable (`INTERNAL`);
    /// the caller ends the call with the error.
    case rejected(RPCError)
  }

  /// The largest message the reader accepts.
  let maximumMessageSize: Int
  private let state: Mutex<State>

  init(maximumMessageSize: Int, sink: (any InboundMessageSink)? = nil) {
    self.maximumMessageSize = maximumMessageSize
    self.state = Mutex(State(sink: sink))
  }

  /// Sets the reader (the server's sink exists only once the stream handler accepted the call).
  func attach(_ sink: any InboundMessageSink) {
    self.state.withLock { $0.sink = sink }
  }

  /// Encodes one message and hands it to the reader; then, if the reader is behind, waits until
  /// it catches up.
  ///
  /// - Throws: The error the pipe was closed with (``closeWrites(_:)``).
  func send(
    size: Int,
    encode: (UnsafeMutableRawBufferPointer) -> Void
  ) async throws(RPCError) -> Delivery {
    if let closed = self.state.withLock({ $0.closed }) { throw closed }
    guard size <= self.maximumMessageSize else {
      return .rejected(
        RPCError(
          code: .resourceExhausted,
          message: "message is \(size) bytes; limit \(self.maximumMessageSize)"
        )
      )
    }
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      encode(UnsafeMutableRawBufferPointer(buffer))
      count = size
    }
    let outcome = self.state.withLock { state -> Outcome in
      if let closed = state.closed { return .closed(closed) }
      guard let sink = state.sink else { return .dropped }
      let received = bytes.withUnsafeBytes { raw in
        Result { () throws(RPCError) -> Bool in try sink.receive(raw, flowControl: self) }
      }
      switch received {
      case .success(true): return .accepted
      case .success(false):
        state.paused = true
        return .behind
      case .failure(let error): return .refused(error)
      }
    }
    switch outcome {
    case .closed(let error): throw error
    case .dropped, .accepted: return .delivered
    case .behind:
      try await self.waitWhilePaused()
      return .delivered
    case .refused(let error): return .rejected(error)
    }
  }

  private enum Outcome {
    case closed(RPCError)
    case dropped
    case accepted
    case behind
    case refused(RPCError)
  }

  private func waitWhilePaused() async throws(RPCError) {
    do {
      try await withUnsafeThrowingContinuation {
        (continuation: UnsafeContinuation<Void, any Error>) in
        let ready = self.state.withLock { state -> Result<Void, RPCError>? in
          if let closed = state.closed { return .failure(closed) }
          guard state.paused else { return .success(()) }
          state.waiters.append(continuation)
          return nil
        }
        switch ready {
        case .success?: continuation.resume()
        case .failure(let error)?: continuation.resume(throwing: error)
        case nil: break
        }
      }
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .cancelled, message: "the call was cancelled", cause: error)
    }
  }

  /// The reader caught up: waiting writers go on.
  func resumeInbound() {
    let waiters = self.state.withLock { state in
      state.paused = false
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume() }
  }

  /// Hands the response headers to the reader (client side).
  func deliverHeaders(_ metadata: Metadata) {
    self.state.withLock { state in state.sink?.receiveHeaders(metadata) }
  }

  /// Ends the reader's stream with `end`, once; messages sent afterwards are dropped.
  func endDelivery(_ end: InboundEnd) {
    self.state.withLock { state in
      guard let sink = state.sink else { return }
      state.sink = nil
      sink.finish(end)
    }
  }

  /// Forgets the reader without telling it anything; messages sent afterwards are dropped.
  func detach() {
    self.state.withLock { $0.sink = nil }
  }

  /// Makes every later (and every waiting) write fail with `error`; the first error stays.
  func closeWrites(_ error: RPCError) {
    let waiters = self.state.withLock { state in
      if state.closed == nil { state.closed = error }
      defer { state.waiters = [] }
      return state.waiters
    }
    for waiter in waiters { waiter.resume(throwing: error) }
  }
}
