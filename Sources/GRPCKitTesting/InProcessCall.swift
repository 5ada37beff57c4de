import GRPCKit
import GRPCLocking

/// One in-process call: the two message directions and the call's life, with the rules of the
/// nghttp2 transport: who learns what when the call ends by status, cancellation, deadline or a
/// refused message.
///
/// The client side is ``client`` (a ``ClientStreamOutbound``), the server side ``server`` (a
/// ``ServerStreamOutbound``). Decisions are made under the lock; sinks, tasks and contexts are
/// told after it.
final class InProcessCall: Sendable {
  private struct State {
    var context: ServerContext?
    var task: Task<Void, Never>?
    var deadlineTimer: Task<Void, Never>?
    var responseStarted = false
    var halfClosed = false
    var finished = false
  }

  /// Client to server.
  let requests: InProcessMessagePipe
  /// Server to client.
  let responses: InProcessMessagePipe
  /// The client's send limit for this call (`nil`: none).
  private let requestSendLimit: Int?
  /// The server's send limit (`nil`: none).
  private let responseSendLimit: Int?
  private let state = Mutex(State())

  /// - Parameters:
  ///   - responseSink: Where the client's call receives headers, messages and the status.
  ///   - maximumRequestSize: The server's receive limit.
  ///   - maximumResponseSize: The client's receive limit for this call.
  ///   - requestSendLimit: The client's send limit for this call.
  ///   - responseSendLimit: The server's send limit.
  init(
    responseSink: any InboundMessageSink,
    maximumRequestSize: Int,
    maximumResponseSize: Int,
    requestSendLimit: Int? = nil,
    responseSendLimit: Int? = nil
  ) {
    self.requestSendLimit = requestSendLimit
    self.responseSendLimit = responseSendLimit
    self.requests = InProcessMessagePipe(maximumMessageSize: maximumRequestSize)
    self.responses = InProcessMessagePipe(
      maximumMessageSize: maximumResponseSize,
      sink: responseSink
    )
  }

  var client: ClientSide { ClientSide(call: self) }
  var server: ServerSide { ServerSide(call: self) }

  /// Starts the call the stream handler returned: feeds its sink, runs it in a task (detached:
  /// the handler shares no task-local values with the caller, as across a socket) and arms the
  /// deadline.
  ///
  /// - Parameters:
  ///   - serverCall: The accepted call.
  ///   - timeout: The client's timeout, enforced as the server's deadline.
  ///   - onEnd: Called once the call's task has returned.
  func start(
    _ serverCall: ServerCall,
    timeout: Duration?,
    onEnd: @escaping @Sendable () -> Void
  ) {
    self.requests.attach(serverCall.requests)
    self.state.withLock { state in
      if !state.finished { state.context = serverCall.context }
    }
    let task = Task.detached {
      await serverCall.run()
      onEnd()
    }
    var timer: Task<Void, Never>?
    if let timeout, let deadline = serverCall.context.deadline {
      let message = "the call's deadline of \(GRPCTimeout.encode(timeout)) was exceeded"
      timer = Task.detached {
        do {
          try await Task.sleep(until: deadline, clock: .continuous)
        } catch {
          return
        }
        self.abort(RPCError(code: .deadlineExceeded, message: message))
      }
    }
    let finished = self.state.withLock { state in
      // A call that already ended keeps neither: see `forgetServerSide(_:)`.
      guard !state.finished else { return true }
      state.task = task
      state.deadlineTimer = timer
      return false
    }
    if finished {
      timer?.cancel()
      task.cancel()
    }
  }

  // MARK: Endings

  /// The server ends the call with a status: after its messages, or as a trailers-only response
  /// (the response headers and the trailers in one block, as the client then sees them).
  func finish(_ status: Status, trailers: Metadata) {
    let ending = self.state.withLock { state -> (ServerContext?, Bool, Task<Void, Never>?)? in
      guard !state.finished else { return nil }
      state.finished = true
      defer { Self.forgetServerSide(&state) }
      return (state.context, state.responseStarted, state.deadlineTimer)
    }
    guard let ending else { return }
    let (context, responseStarted, timer) = ending
    timer?.cancel()
    var received = Self.overTheWire(trailers)
    if !responseStarted, let context {
      received = Self.overTheWire(context.takeResponseHeaders())
      received.add(contentsOf: Self.overTheWire(trailers))
    }
    // The client learns the status before its writes start failing, so a writer that fails
    // finds the call ended and reads the status instead.
    self.responses.endDelivery(.status(status, trailers: received))
    self.responses.closeWrites(
      RPCError(code: .internal, message: "the call already ended with \(status.code)")
    )
    // Request messages still sent are dropped, as HTTP/2 drops DATA nobody reads.
    self.requests.detach()
    self.requests.closeWrites(
      status.code == .ok
        ? RPCError(code: .failedPrecondition, message: "the server already ended the call with OK")
        : RPCError(receivedStatus: status, trailers: received)
    )
  }

  /// The server ends the call because of something it detected (the deadline, a refused request
  /// message): the handler is cancelled and the client gets `error` as the status.
  func abort(_ error: RPCError) {
    let running = self.state.withLock { state -> (ServerContext?, Task<Void, Never>?)? in
      guard !state.finished else { return nil }
      return (state.context, state.task)
    }
    guard let running else { return }
    let (context, task) = running
    context?.markCancelled()
    self.requests.endDelivery(.failure(error))
    task?.cancel()
    self.finish(error.status, trailers: error.metadata)
  }

  /// The client ends the call (cancellation, a refused response message): its call fails with
  /// `error`, and the server sees the stream reset, as `CANCELLED`.
  func reset(_ error: RPCError) {
    let running = self.state.withLock {
      state -> (ServerContext?, Task<Void, Never>?, Task<Void, Never>?)? in
      guard !state.finished else { return nil }
      state.finished = true
      defer { Self.forgetServerSide(&state) }
      return (state.context, state.task, state.deadlineTimer)
    }
    guard let running else { return }
    let (context, task, timer) = running
    timer?.cancel()
    self.responses.endDelivery(.failure(error))
    self.requests.closeWrites(error)
    let reset = RPCError(code: .cancelled, message: "the client cancelled the call")
    context?.markCancelled()
    self.responses.closeWrites(reset)
    self.requests.endDelivery(.failure(reset))
    task?.cancel()
  }

  /// Drops what the call holds of its server side once it has ended. The context holds the
  /// call (its outbound is ``ServerSide``), and the task handle holds the task's frames until
  /// the handle goes: kept, they would make a cycle that outlives the call.
  private static func forgetServerSide(_ state: inout State) {
    state.context = nil
    state.task = nil
    state.deadlineTimer = nil
  }

  /// The client half-closes: the server's request stream ends cleanly.
  func halfClose() {
    let first = self.state.withLock { state -> Bool in
      guard !state.halfClosed, !state.finished else { return false }
      state.halfClosed = true
      return true
    }
    guard first else { return }
    self.requests.endDelivery(.endOfStream)
    self.requests.closeWrites(
      RPCError(code: .failedPrecondition, message: "the request stream is already half-closed")
    )
  }

  // MARK: Messages

  fileprivate func writeRequest(
    size: Int,
    encode: (UnsafeMutableRawBufferPointer) -> Void
  ) async throws(RPCError) {
    if let limit = self.requestSendLimit, size > limit {
      // Not sent, and the call ends, as over HTTP/2: the server sees the stream reset.
      let error = RPCError(
        code: .resourceExhausted,
        message: "request message is \(size) bytes; the send limit is \(limit) bytes")
      self.reset(error)
      throw error
    }
    if case .rejected(let error) = try await self.requests.send(size: size, encode: encode) {
      self.abort(error)
    }
  }

  fileprivate func writeResponse(
    size: Int,
    encode: (UnsafeMutableRawBufferPointer) -> Void
  ) async throws(RPCError) {
    if let limit = self.responseSendLimit, size > limit {
      // Not sent; a handler that lets the error through ends the call with it, as over HTTP/2.
      throw RPCError(
        code: .resourceExhausted,
        message: "response message is \(size) bytes; the send limit is \(limit) bytes")
    }
    let headers = self.state.withLock { state -> Metadata? in
      guard !state.finished, !state.responseStarted, let context = state.context else { return nil }
      state.responseStarted = true
      return context.takeResponseHeaders()
    }
    if let headers { self.responses.deliverHeaders(Self.overTheWire(headers)) }
    if case .rejected(let error) = try await self.responses.send(size: size, encode: encode) {
      self.reset(error)
    }
  }

  fileprivate func setResponseCompression() -> Bool {
    self.state.withLock { !$0.responseStarted }
  }

  /// `metadata` as the peer receives it over HTTP/2: reserved keys dropped, `-bin` values
  /// through base64, by the same rules the nghttp2 transport applies.
  static func overTheWire(_ metadata: Metadata) -> Metadata {
    guard !metadata.isEmpty else { return metadata }
    var fields: [GRPCHeaders.Field] = []
    GRPCHeaders.fields(from: metadata, into: &fields)
    return GRPCHeaders.metadata(from: fields)
  }
}

extension InProcessCall {
  /// The client's side of the call.
  struct ClientSide: ClientStreamOutbound {
    let call: InProcessCall

    func write(
      size: Int,
      compress: Bool,
      encode: (UnsafeMutableRawBufferPointer) -> Void
    ) async throws(RPCError) {
      try await self.call.writeRequest(size: size, encode: encode)
    }

    func halfClose() {
      self.call.halfClose()
    }

    func cancel() {
      self.call.reset(RPCError(code: .cancelled, message: "the call was cancelled"))
    }
  }

  /// The server's side of the call. Messages are never compressed: there is no wire to save.
  struct ServerSide: ServerStreamOutbound {
    let call: InProcessCall

    func write(
      size: Int,
      compress: Bool,
      encode: (UnsafeMutableRawBufferPointer) -> Void
    ) async throws(RPCError) {
      try await self.call.writeResponse(size: size, encode: encode)
    }

    func finish(_ status: Status, trailers: Metadata) {
      self.call.finish(status, trailers: trailers)
    }

    func setResponseCompression(_ algorithm: CompressionAlgorithm?) -> Bool {
      self.call.setResponseCompression()
    }
  }
}
