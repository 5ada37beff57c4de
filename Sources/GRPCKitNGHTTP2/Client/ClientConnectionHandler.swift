import GRPCKit
import Logging
import NIOCore

/// Runs client calls on one connection: owns its nghttp2 session on the channel's event loop,
/// submits requests posted by call tasks, and delivers responses to their sinks.
final class ClientConnectionHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  typealias Driver = HTTP2ConnectionDriver<Int>

  /// Loop-side state of one call: its protocol state and what its task holds.
  struct Stream {
    var machine: ClientStreamStateMachine
    let request: ClientStreamRequest
    let streamID: Int32
    var deadlineTimer: Scheduled<Void>?
  }

  let configuration: NGHTTP2ClientConfiguration
  let mailbox: ConnectionMailbox<ClientStreamAction>
  /// Called on the loop once the connection stops taking new calls (GOAWAY or closed).
  private let onUnusable: @Sendable () -> Void
  /// The session and its read-and-flush cycle; `nil` until the handler is added.
  var driver: Driver?
  var session: NGHTTP2Session? { self.driver?.session }
  var streams: [Int: Stream] = [:]
  var keys: [Int32: Int] = [:]
  var context: ChannelHandlerContext?
  /// The transport's keepalive interval; `nil` when keepalive is off.
  let keepaliveInterval: KeepaliveInterval?
  var keepalive: Keepalive?
  var timers = ConnectionTimers()
  /// Set by a GOAWAY with an error code: why the server is closing the connection.
  var goAwayError: String?
  private var unusable = false
  /// The first error on the connection (a TLS failure, for example), named in the status of the
  /// calls its closing ends.
  private var connectionError: (any Error)?

  init(
    configuration: NGHTTP2ClientConfiguration,
    mailbox: ConnectionMailbox<ClientStreamAction>,
    keepaliveInterval: KeepaliveInterval? = nil,
    onUnusable: @escaping @Sendable () -> Void
  ) {
    self.configuration = configuration
    self.mailbox = mailbox
    self.keepaliveInterval = keepaliveInterval
    self.onUnusable = onUnusable
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    self.mailbox.setDrain { actions in loopBound.value.apply(actions) }
    do {
      self.driver = try Driver(
        role: .client,
        settings: self.configuration.sessionSettings)
    } catch {
      context.close(promise: nil)
      return
    }
    if context.channel.isActive {
      self.startKeepalive()
      self.flush()
    }
  }

  func channelActive(context: ChannelHandlerContext) {
    self.startKeepalive()
    self.flush()
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    self.tearDown(self.closedError)
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.tearDown(self.closedError)
    self.context = nil
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if self.connectionError == nil { self.connectionError = error }
    context.close(promise: nil)
  }

  private var closedError: RPCError {
    RPCError(
      code: .unavailable,
      message: self.connectionError.map { "the connection to the server closed: \($0)" } ?? self.closedMessage)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard let driver = self.driver else { return }
    self.keepaliveDidRead()
    do {
      for event in try driver.receive(self.unwrapInboundIn(data)) { self.handle(event) }
    } catch {
      self.flush()
      self.tearDown(RPCError(code: .unavailable, message: "HTTP/2 protocol error from the server: \(error)"))
      context.close(promise: nil)
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    self.driver?.endReadCycle()
    self.mailbox.drainNow()
    self.flush()
    context.fireChannelReadComplete()
  }

  // MARK: Output

  /// Writes everything the session has queued, with one flush (at the end of the read cycle, if
  /// one is running), and closes the connection once it is done.
  func flush() {
    guard let driver = self.driver, let context = self.context, context.channel.isActive else { return }
    let outcome = driver.flush(
      into: context,
      handle: { self.handle($0) },
      writer: { key in
        guard let stream = self.streams[key] else { return nil }
        return Driver.Writer(
          streamID: stream.streamID, enqueuedBytes: stream.machine.enqueuedBytes,
          outbound: stream.request.handle.outbound)
      })
    if outcome == .finished { context.close(promise: nil) }
  }

  // MARK: Task actions

  func apply(_ actions: [ClientStreamAction]) {
    for action in actions {
      switch action {
      case .open(let request): self.open(request)
      case .write(let key, let buffer): self.write(key: key, buffer)
      case .halfClose(let key):
        if let stream = self.streams[key], !stream.machine.isFinished {
          self.session?.endStream(streamID: stream.streamID, trailers: nil)
        }
      case .cancel(let key):
        self.fail(key: key, RPCError(code: .cancelled, message: "the call was cancelled"), reset: true)
      case .fail(let key, let error):
        self.fail(key: key, error, reset: true)
      case .resumeInbound(let key):
        guard let streamID = self.streams[key]?.streamID,
          let credit = self.streams[key]?.machine.resumeInbound(), credit > 0
        else { break }
        self.session?.consumeStream(streamID: streamID, bytes: credit)
      }
    }
    self.flush()
  }

  private func open(_ request: ClientStreamRequest) {
    guard let session = self.session, let eventLoop = self.context?.eventLoop, !self.unusable else {
      self.refuse(request, RPCError(code: .unavailable, message: "the connection is closing; retry on a new one"))
      return
    }
    var stream: Stream
    do {
      let streamID = try session.submitRequest(headers: request.headers)
      stream = Stream(
        machine: ClientStreamStateMachine(
          maximumReceiveMessageSize: request.maximumReceiveMessageSize,
          enabledCompression: self.configuration.enabledCompression),
        request: request, streamID: streamID)
      self.keys[streamID] = request.handle.key
    } catch {
      self.refuse(request, RPCError(code: .unavailable, message: "could not start \(request.path): \(error)"))
      return
    }
    if let timeout = request.timeout {
      let key = request.handle.key
      let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
      let description = GRPCTimeout.encode(timeout)
      stream.deadlineTimer = eventLoop.scheduleTask(in: .nanoseconds(timeout.saturatingNanoseconds)) {
        loopBound.value.fail(
          key: key,
          RPCError(code: .deadlineExceeded, message: "the deadline of \(description) was exceeded"),
          reset: true)
        loopBound.value.flush()
      }
    }
    self.streams[request.handle.key] = stream
  }

  private func write(key: Int, _ buffer: ByteBuffer) {
    guard let session = self.session, self.streams[key]?.machine.sendMessage(size: buffer.readableBytes) == true,
      let stream = self.streams[key]
    else { return }
    session.enqueueData(streamID: stream.streamID, buffer)
    if stream.request.handle.outbound.isAboveHighWatermark { self.driver?.watchBlockedWriter(key) }
  }

  /// Ends a call locally with `error` (cancelled, failed, deadline, connection closed); with
  /// `reset`, tells the server with RST_STREAM CANCEL.
  func fail(key: Int, _ error: RPCError, reset: Bool) {
    guard self.streams[key]?.machine.finish() == true, let stream = self.streams[key] else { return }
    self.end(stream, failing: error, reset: reset)
  }

  /// Performs the end of a call whose machine has finished: the call fails with `error`.
  func end(_ stream: Stream, failing error: RPCError, reset: Bool) {
    stream.deadlineTimer?.cancel()
    stream.request.handle.outbound.close(error)
    stream.request.responses.finish(.failure(error))
    if reset { self.session?.resetStream(streamID: stream.streamID, errorCode: .cancel) }
  }

  /// Performs the end of a call whose machine has finished: the server's status.
  func end(_ stream: Stream, status: Status, trailers: Metadata) {
    stream.deadlineTimer?.cancel()
    stream.request.handle.outbound.close(
      status.code == .ok
        ? RPCError(code: .failedPrecondition, message: "the server already ended the call with OK")
        : RPCError(receivedStatus: status, trailers: trailers))
    stream.request.responses.finish(.status(status, trailers: trailers))
  }

  func markUnusable() {
    guard !self.unusable else { return }
    self.unusable = true
    self.onUnusable()
  }

  /// A call that never reached the wire: it moves to another connection if it can, else it
  /// ends with `error`.
  private func refuse(_ request: ClientStreamRequest, _ error: RPCError) {
    if request.handle.retryAfterRefusal(error) { return }
    Self.end(request, error)
  }

  /// Ends a call the loop never opened.
  private static func end(_ request: ClientStreamRequest, _ error: RPCError) {
    request.handle.outbound.close(error)
    request.responses.finish(.failure(error))
  }

  func tearDown(_ error: RPCError) {
    self.timers.cancelAll()
    let undrained = self.mailbox.close(reason: error.message)
    self.markUnusable()
    for key in Array(self.streams.keys) { self.fail(key: key, error, reset: false) }
    self.streams = [:]
    self.keys = [:]
    // Calls posted just before the close (a TLS failure read in the same loop turn): the loop
    // never opened them, so nothing was sent. Their writes and half-close are kept for a replay;
    // a cancellation among them ends the call instead.
    var ended: [Int: RPCError] = [:]
    for action in undrained {
      if case .cancel(let key) = action { ended[key] = RPCError(code: .cancelled, message: "the call was cancelled") }
      if case .fail(let key, let error) = action { ended[key] = error }
    }
    for case .open(let request) in undrained {
      if let error = ended[request.handle.key] {
        Self.end(request, error)
      } else {
        self.refuse(request, error)
      }
    }
  }
}
