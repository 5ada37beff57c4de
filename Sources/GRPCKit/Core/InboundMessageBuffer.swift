import DequeModule
import GRPCLocking

/// The queue between a transport and the task that consumes one stream's messages.
///
/// The transport decodes each message on its own thread and appends it; the consumer takes
/// messages in order. When more than ``highWatermark`` bytes wait, the transport is told to
/// withhold flow-control credit, and is told to resume once the backlog falls to
/// ``lowWatermark``, so a slow consumer slows its sender instead of growing this queue.
package final class InboundMessageBuffer<Message: ProtobufMessage>: InboundMessageSink {
  package static var highWatermark: Int { 64 << 10 }
  package static var lowWatermark: Int { 16 << 10 }

  private struct State {
    var messages = Deque<(message: Message, size: Int, compressed: Bool)>()
    var bufferedBytes = 0
    var end: InboundEnd?
    var waiter: UnsafeContinuation<Message?, any Error>?
    var paused: (any InboundFlowControl)?
    var headers: Metadata?
    var headersWaiters: [UnsafeContinuation<Metadata, any Error>] = []
    var trailers: Metadata?
    /// Whether the message taken last arrived compressed.
    var lastTakenWasCompressed = false
  }

  private let state = Mutex(State())

  private enum Step {
    case message(Message, resume: (any InboundFlowControl)?)
    case end(InboundEnd)
    case wait
  }

  private enum Action {
    case none
    case resume(Message?)
    case resumeAndRelease(Message, any InboundFlowControl)
    case fail(any Error)
  }

  package init() {}

  // MARK: Transport side

  package func receive(
    _ bytes: UnsafeRawBufferPointer,
    flowControl: any InboundFlowControl
  ) throws(RPCError) -> Bool {
    try self.receive(bytes, compressed: false, flowControl: flowControl)
  }

  package func receive(
    _ bytes: UnsafeRawBufferPointer,
    compressed: Bool,
    flowControl: any InboundFlowControl
  ) throws(RPCError) -> Bool {
    let message: Message
    do {
      message = try Message(decoding: bytes)
    } catch {
      throw RPCError(
        code: .internal,
        message: "could not decode \(Message.protoMessageName): \(error)")
    }
    let size = bytes.count
    let (waiter, accepted) = self.state.withLock { state -> (UnsafeContinuation<Message?, any Error>?, Bool) in
      if let waiter = state.waiter {
        state.waiter = nil
        state.lastTakenWasCompressed = compressed
        return (waiter, true)
      }
      state.messages.append((message, size, compressed))
      state.bufferedBytes += size
      if state.bufferedBytes > Self.highWatermark {
        state.paused = flowControl
        return (nil, false)
      }
      return (nil, true)
    }
    waiter?.resume(returning: message)
    return accepted
  }

  package func receiveHeaders(_ metadata: Metadata) {
    let waiters = self.state.withLock { state in
      state.headers = metadata
      defer { state.headersWaiters = [] }
      return state.headersWaiters
    }
    for waiter in waiters { waiter.resume(returning: metadata) }
  }

  package func finish(_ end: InboundEnd) {
    let (waiter, headersWaiters, headers) = self.state.withLock {
      state -> (UnsafeContinuation<Message?, any Error>?, [UnsafeContinuation<Metadata, any Error>], Metadata) in
      guard state.end == nil else { return (nil, [], [:]) }
      state.end = end
      if case .status(_, let trailers) = end { state.trailers = trailers }
      if case .failure(let error) = end { state.trailers = error.metadata }
      let headers = state.headers ?? [:]
      if state.headers == nil { state.headers = [:] }
      defer {
        state.waiter = nil
        state.headersWaiters = []
      }
      return (state.messages.isEmpty ? state.waiter : nil, state.headersWaiters, headers)
    }
    for headersWaiter in headersWaiters { headersWaiter.resume(returning: headers) }
    guard let waiter else { return }
    switch Self.outcome(of: end) {
    case .success: waiter.resume(returning: Message?.none)
    case .failure(let error): waiter.resume(throwing: error)
    }
  }

  // MARK: Consumer side

  /// The next message, `nil` at a clean end, or the error that ended the stream.
  package func next() async throws -> Message? {
    let step = self.state.withLock { state -> Step in
      if let first = state.messages.popFirst() {
        state.bufferedBytes -= first.size
        state.lastTakenWasCompressed = first.compressed
        var resume: (any InboundFlowControl)?
        if state.paused != nil && state.bufferedBytes <= Self.lowWatermark {
          resume = state.paused
          state.paused = nil
        }
        return .message(first.message, resume: resume)
      }
      if let end = state.end { return .end(end) }
      return .wait
    }
    switch step {
    case .message(let message, let resume):
      resume?.resumeInbound()
      return message
    case .end(let end):
      return try Self.outcome(of: end).get()
    case .wait:
      return try await self.waitForMessage()
    }
  }

  private func waitForMessage() async throws -> Message? {
    try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Message?, any Error>) in
        let action = self.state.withLock { state -> Action in
          if let first = state.messages.popFirst() {
            state.bufferedBytes -= first.size
            state.lastTakenWasCompressed = first.compressed
            if let paused = state.paused, state.bufferedBytes <= Self.lowWatermark {
              state.paused = nil
              return .resumeAndRelease(first.message, paused)
            }
            return .resume(first.message)
          }
          if let end = state.end {
            switch Self.outcome(of: end) {
            case .success: return .resume(nil)
            case .failure(let error): return .fail(error)
            }
          }
          if Task.isCancelled { return .fail(RPCError(code: .cancelled, message: "the call was cancelled")) }
          state.waiter = continuation
          return .none
        }
        switch action {
        case .none: break
        case .resume(let message): continuation.resume(returning: message)
        case .resumeAndRelease(let message, let flowControl):
          flowControl.resumeInbound()
          continuation.resume(returning: message)
        case .fail(let error): continuation.resume(throwing: error)
        }
      }
    } onCancel: {
      let waiter = self.state.withLock { state in
        defer { state.waiter = nil }
        return state.waiter
      }
      waiter?.resume(throwing: RPCError(code: .cancelled, message: "the call was cancelled"))
    }
  }

  /// The response headers; waits for them (client side).
  package func headers() async throws -> Metadata {
    if let headers = self.state.withLock({ $0.headers }) { return headers }
    return try await withUnsafeThrowingContinuation { continuation in
      let headers = self.state.withLock { state -> Metadata? in
        if let headers = state.headers { return headers }
        state.headersWaiters.append(continuation)
        return nil
      }
      if let headers { continuation.resume(returning: headers) }
    }
  }

  /// Whether the message taken last arrived compressed; `false` before the first.
  package var lastTakenWasCompressed: Bool { self.state.withLock { $0.lastTakenWasCompressed } }

  /// The trailers, once the stream has ended.
  package var trailers: Metadata? { self.state.withLock { $0.trailers } }

  /// True once the transport reported the end (messages may still be queued).
  package var hasEnded: Bool { self.state.withLock { $0.end != nil } }

  /// True while a message waits to be taken (the next `next()` will not suspend for one).
  package var hasQueuedMessage: Bool { self.state.withLock { !$0.messages.isEmpty } }

  /// True once the transport reported the end and every message was taken.
  package var isDrained: Bool { self.state.withLock { $0.end != nil && $0.messages.isEmpty } }

  private static func outcome(of end: InboundEnd) -> Result<Message?, any Error> {
    switch end {
    case .endOfStream:
      return .success(nil)
    case .status(let status, let trailers):
      if status.code == .ok { return .success(nil) }
      return .failure(RPCError(receivedStatus: status, trailers: trailers))
    case .failure(let error):
      return .failure(error)
    }
  }
}
