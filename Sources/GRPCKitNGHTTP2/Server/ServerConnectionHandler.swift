import GRPCKit
import Logging
import NIOCore

/// Serves gRPC on one accepted connection: owns its nghttp2 session on the channel's event loop,
/// turns request streams into handler tasks, and writes everything produced while handling one
/// read (or one batch of task output) with a single flush.
final class ServerConnectionHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer
  typealias Driver = HTTP2ConnectionDriver<Int32>

  /// Loop-side state of one request stream: its protocol state and what the handler's task
  /// holds.
  struct Stream {
    var machine: ServerStreamStateMachine
    let handle: ServerStreamHandle
    let context: ServerContext
    /// The handler's request stream; `nil` once the call is over.
    var sink: (any InboundMessageSink)?
    var task: Task<Void, Never>?
    var deadlineTimer: Scheduled<Void>?
  }

  let streamHandler: any ServerStreamHandler
  let configuration: NGHTTP2ServerConfiguration
  let logger: Logger
  /// The `grpc-accept-encoding` value every response carries.
  let acceptEncoding: String
  let connections: ServerConnectionRegistry
  /// The session and its read-and-flush cycle; `nil` until the handler is added.
  var driver: Driver?
  var session: NGHTTP2Session? { self.driver?.session }
  var streams: [Int32: Stream] = [:]
  var context: ChannelHandlerContext?
  var mailbox: ConnectionMailbox<ServerStreamAction>?
  var peer = "unknown"
  /// The TLS handshake's outcome, from ``TLSHandshakeHandler``; `nil` on cleartext connections.
  var transportSecurity: TransportSecurity?
  var taskExecutor: EventLoopTaskExecutor?
  var lifecycle: ServerConnectionLifecycle
  var timers = ConnectionTimers()
  var lifecycleStarted = false
  private var outputClosed = false

  init(
    streamHandler: any ServerStreamHandler,
    configuration: NGHTTP2ServerConfiguration,
    logger: Logger,
    connections: ServerConnectionRegistry
  ) {
    self.streamHandler = streamHandler
    self.configuration = configuration
    self.logger = logger
    self.acceptEncoding = CompressionAlgorithm.acceptEncoding(configuration.enabledCompression)
    self.connections = connections
    self.lifecycle = ServerConnectionLifecycle(configuration: configuration.lifecycle, now: .now)
  }

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    self.peer = Self.describe(context.channel.remoteAddress)
    let mailbox = ConnectionMailbox<ServerStreamAction>(eventLoop: context.eventLoop)
    let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
    mailbox.setDrain { actions in loopBound.value.apply(actions) }
    self.mailbox = mailbox
    self.taskExecutor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
    do {
      self.driver = try Driver(
        role: .server,
        settings: self.configuration.sessionSettings)
    } catch {
      self.logger.error("could not create HTTP/2 session", metadata: ["grpc.error": "\(error)"])
      context.close(promise: nil)
      return
    }
    if context.channel.isActive {
      self.startLifecycle()
      self.flush()
    }
  }

  func channelActive(context: ChannelHandlerContext) {
    self.startLifecycle()
    self.flush()
    context.fireChannelActive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.tearDown(reason: RPCError(code: .unavailable, message: "the connection closed"))
    self.context = nil
  }

  func channelInactive(context: ChannelHandlerContext) {
    self.tearDown(reason: RPCError(code: .unavailable, message: "the connection closed"))
    context.fireChannelInactive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let security = event as? TransportSecurity { self.transportSecurity = security }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    self.logger.debug("connection error", metadata: ["grpc.peer": "\(self.peer)", "grpc.error": "\(error)"])
    context.close(promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard let driver = self.driver else { return }
    let bytes = self.unwrapInboundIn(data)
    self.perform(self.lifecycle.didRead(at: .now))
    do {
      for event in try driver.receive(bytes) { self.handle(event) }
    } catch {
      self.logger.debug("HTTP/2 protocol error", metadata: ["grpc.peer": "\(self.peer)", "grpc.error": "\(error)"])
      self.flush()
      self.lifecycle.closed()
      context.close(promise: nil)
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    self.driver?.endReadCycle()
    self.mailbox?.drainNow()
    self.flush()
    context.fireChannelReadComplete()
  }

  /// Closes the connection now; open calls end with `UNAVAILABLE`.
  func forceClose() {
    self.context?.close(promise: nil)
  }

  // MARK: Output

  /// Writes everything the session has queued, with one flush (at the end of the read cycle, if
  /// one is running), and closes the output once the connection is done.
  func flush() {
    guard let driver = self.driver, let context = self.context, context.channel.isActive else { return }
    let outcome = driver.flush(
      into: context,
      handle: { self.handle($0) },
      writer: { streamID in
        guard let stream = self.streams[streamID] else { return nil }
        return Driver.Writer(
          streamID: streamID, enqueuedBytes: stream.machine.enqueuedBytes, outbound: stream.handle.outbound)
      })
    guard outcome != .deferred else { return }
    if driver.session.takeSentHeadersOrData() { self.lifecycle.sentHeadersOrData() }
    if outcome == .finished { self.closeOutput(context) }
  }

  /// Ends the connection gracefully: FIN after the flushed frames, then the peer closes its side
  /// (or the shutdown grace period runs out). Closing outright could make the kernel answer
  /// unread input with RST, and the peer could lose the last frames (trailers) we sent.
  private func closeOutput(_ context: ChannelHandlerContext) {
    guard !self.outputClosed else { return }
    self.outputClosed = true
    context.close(mode: .output, promise: nil)
  }

  // MARK: Task actions

  func apply(_ actions: [ServerStreamAction]) {
    for action in actions {
      switch action {
      case .write(let streamID, let buffer): self.writeMessage(streamID: streamID, buffer)
      case .finish(let streamID, let status, let trailers): self.finish(streamID: streamID, status: status, trailers: trailers)
      case .resumeInbound(let streamID): self.resumeInbound(streamID: streamID)
      }
    }
    self.flush()
  }

  private func writeMessage(streamID: Int32, _ buffer: ByteBuffer) {
    guard let session = self.session,
      let action = self.streams[streamID]?.machine.sendMessage(size: buffer.readableBytes),
      let stream = self.streams[streamID]
    else { return }
    switch action {
    case .drop:
      return
    case .sendHeadersAndMessage:
      let headers = ServerResponseHeaders.headers(
        encoding: stream.handle.responseEncoding, acceptEncoding: self.acceptEncoding,
        metadata: stream.context.takeResponseHeaders())
      do {
        try session.submitResponse(streamID: streamID, headers: headers, endStream: false)
      } catch {
        // The stream cannot carry a response any more: reset it so the client sees the failure.
        session.resetStream(streamID: streamID, errorCode: .internalError)
        self.abort(streamID: streamID, RPCError(code: .internal, message: "could not send response headers: \(error)"))
        return
      }
    case .sendMessage:
      break
    }
    session.enqueueData(streamID: streamID, buffer)
    if stream.handle.outbound.isAboveHighWatermark { self.driver?.watchBlockedWriter(streamID) }
  }

  /// Ends a call with its status: trailers after the response, or a trailers-only response.
  func finish(streamID: Int32, status: Status, trailers: Metadata) {
    guard let session = self.session, let action = self.streams[streamID]?.machine.finish(),
      let stream = self.streams[streamID]
    else { return }
    let credit: Int
    switch action {
    case .none:
      return
    case .sendTrailers(let withheld):
      credit = withheld
      session.endStream(streamID: streamID, trailers: ServerResponseHeaders.trailers(status: status, trailers: trailers))
    case .sendTrailersOnly(let withheld):
      credit = withheld
      let headers = ServerResponseHeaders.trailersOnly(
        acceptEncoding: self.acceptEncoding, metadata: stream.context.takeResponseHeaders(), status: status,
        trailers: trailers)
      do {
        try session.submitResponse(streamID: streamID, headers: headers, endStream: true)
      } catch {
        session.resetStream(streamID: streamID, errorCode: .internalError)
      }
    }
    stream.deadlineTimer?.cancel()
    stream.handle.outbound.close(RPCError(code: .internal, message: "the call already ended with \(status.code)"))
    if credit > 0 { session.consumeStream(streamID: streamID, bytes: credit) }
    self.streams[streamID]?.sink = nil
  }

  private func resumeInbound(streamID: Int32) {
    guard let session = self.session, let credit = self.streams[streamID]?.machine.resumeInbound(), credit > 0
    else { return }
    session.consumeStream(streamID: streamID, bytes: credit)
  }

  /// Ends a call because of a transport-detected failure: status to the client, handler
  /// cancelled, request stream failed.
  func abort(streamID: Int32, _ error: RPCError) {
    guard let stream = self.streams[streamID] else { return }
    stream.context.markCancelled()
    stream.sink?.finish(.failure(error))
    stream.task?.cancel()
    self.finish(streamID: streamID, status: error.status, trailers: error.metadata)
  }

  func tearDown(reason: RPCError) {
    self.timers.cancelAll()
    self.lifecycle.closed()
    // Undrained writes and finishes belong to the streams ended below; nothing waits for them.
    _ = self.mailbox?.close(reason: reason.message)
    self.connections.remove(self)
    let streams = self.streams
    self.streams = [:]
    for (_, stream) in streams {
      stream.deadlineTimer?.cancel()
      stream.context.markCancelled()
      stream.handle.outbound.close(reason)
      stream.sink?.finish(.failure(reason))
      stream.task?.cancel()
    }
  }

  private static func describe(_ address: SocketAddress?) -> String {
    guard let address else { return "unknown" }
    switch address {
    case .v4: return "ipv4:\(address.ipAddress ?? ""):\(address.port ?? 0)"
    case .v6: return "ipv6:[\(address.ipAddress ?? "")]:\(address.port ?? 0)"
    case .unixDomainSocket: return "unix:\(address.pathname ?? "")"
    }
  }

}

extension HTTP2HeaderField {
  init(_ field: GRPCHeaders.Field) {
    self.init(name: field.name, value: field.value)
  }
}
