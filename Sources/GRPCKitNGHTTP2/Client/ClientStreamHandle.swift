import GRPCKit
import GRPCLocking
import NIOCore

/// A call the client asks its connection's loop to start.
struct ClientStreamRequest: Sendable {
  let handle: ClientStreamHandle
  let headers: [HTTP2HeaderField]
  let responses: any InboundMessageSink
  let timeout: Duration?
  let maximumReceiveMessageSize: Int
  let path: String
}

/// What a client call's task posts to its connection's loop. Streams are named by a key the
/// transport assigns (unique across its connections), since nghttp2 assigns the stream id only
/// when the request is submitted.
enum ClientStreamAction: Sendable {
  case open(ClientStreamRequest)
  case write(key: Int, ByteBuffer)
  case halfClose(key: Int)
  case cancel(key: Int)
  /// Ends the call with `error` (a request over the send limit): RST_STREAM CANCEL.
  case fail(key: Int, RPCError)
  case resumeInbound(key: Int)
}

/// The transport side of one client call as GRPCKit sees it.
///
/// Until the server answers, the handle keeps the request messages it sent (up to a limit), so
/// that a stream the server refused without processing it can be replayed once on another
/// connection: ``retryAfterRefusal(_:)`` detaches the call from its connection (writes are then
/// only kept), and ``reroute(to:request:)`` replays everything on the new one, in order.
final class ClientStreamHandle: ClientStreamOutbound, InboundFlowControl {
  private struct Route {
    /// The connection's mailbox; nil while the call moves to another connection.
    var mailbox: ConnectionMailbox<ClientStreamAction>?
    /// The request messages so far; nil once the call can no longer be replayed.
    var replay: [ByteBuffer]? = []
    var replayBytes = 0
    var halfClosed = false
    var retried = false
    /// Set when the call ended while it was between connections.
    var abandoned = false
    var retryTask: Task<Void, Never>?
  }

  let outbound: StreamOutboundHandle
  let responses: any InboundMessageSink
  private let route: Mutex<Route>
  private let replayLimit: Int
  private let retry: @Sendable (ClientStreamHandle, RPCError) -> Task<Void, Never>
  /// Compresses request messages; `nil` when the call sends them uncompressed.
  private let compressor: OutboundMessageCompressor?
  /// The largest request message the call sends.
  private let maximumSendMessageSize: Int?
  var key: Int { self.outbound.key }

  /// - Parameters:
  ///   - outbound: The request side's framing and flow control.
  ///   - responses: Where the call's responses go.
  ///   - mailbox: The connection the call starts on.
  ///   - replayLimit: Request bytes kept for a replay; a call that sent more is not retried.
  ///   - retry: Starts moving the call to another connection (see ``reroute(to:request:)``).
  ///   - compression: The call's request encoding (``CallOptions/compression``).
  ///   - maximumSendMessageSize: The request size limit; a larger message fails the call.
  init(
    outbound: StreamOutboundHandle,
    responses: any InboundMessageSink,
    mailbox: ConnectionMailbox<ClientStreamAction>,
    replayLimit: Int,
    retry: @escaping @Sendable (ClientStreamHandle, RPCError) -> Task<Void, Never>,
    compression: CompressionAlgorithm?,
    maximumSendMessageSize: Int? = nil
  ) {
    self.maximumSendMessageSize = maximumSendMessageSize
    self.outbound = outbound
    self.responses = responses
    self.route = Mutex(Route(mailbox: mailbox))
    self.replayLimit = replayLimit
    self.retry = retry
    self.compressor = compression.flatMap { OutboundMessageCompressor(algorithm: $0) }
  }

  func write(size: Int, compress: Bool, encode: (UnsafeMutableRawBufferPointer) -> Void) async throws(RPCError) {
    if let limit = self.maximumSendMessageSize, size > limit {
      let error = RPCError(
        code: .resourceExhausted, message: "request message is \(size) bytes; the send limit is \(limit) bytes")
      self.fail(error)
      throw error
    }
    try await self.outbound.write(size: size, compressor: compress ? self.compressor : nil, encode: encode) { buffer in
      self.route.withLock { route in
        if route.replay != nil {
          route.replayBytes += buffer.readableBytes
          if route.replayBytes <= self.replayLimit || route.mailbox == nil {
            route.replay?.append(buffer)
          } else {
            route.replay = nil
          }
        }
        guard let mailbox = route.mailbox else { return !route.abandoned }
        return mailbox.post(.write(key: self.key, buffer))
      }
    }
  }

  func halfClose() {
    self.route.withLock { route in
      route.halfClosed = true
      route.mailbox?.post(.halfClose(key: self.key))
    }
  }

  func cancel() {
    enum Step { case posted, abandon(Task<Void, Never>?) }
    let step = self.route.withLock { route -> Step in
      guard let mailbox = route.mailbox else { return .abandon(route.retryTask) }
      mailbox.post(.cancel(key: self.key))
      return .posted
    }
    // Between connections: the call ends here, and the wait for a connection stops.
    if case .abandon(let task) = step {
      task?.cancel()
      self.abandon(RPCError(code: .cancelled, message: "the call was cancelled"))
    }
  }

  /// Ends the call with `error`, as ``cancel()`` does with `CANCELLED`.
  private func fail(_ error: RPCError) {
    let posted = self.route.withLock { route -> Bool in
      guard let mailbox = route.mailbox else { return false }
      mailbox.post(.fail(key: self.key, error))
      return true
    }
    if !posted { self.abandon(error) }
  }

  func resumeInbound() {
    self.route.withLock { route in _ = route.mailbox?.post(.resumeInbound(key: self.key)) }
  }

  /// Loop side: the server answered; the call is no longer replayed.
  func commit() {
    self.route.withLock { route in
      route.replay = nil
    }
  }

  /// Loop side: the server refused the stream without processing it. Returns true if the call
  /// moves to another connection (it had not been retried, and all it sent is kept); the
  /// connection then forgets the stream without ending the call.
  func retryAfterRefusal(_ error: RPCError) -> Bool {
    let retrying = self.route.withLock { route -> Bool in
      guard route.replay != nil, !route.retried, !route.abandoned else { return false }
      route.retried = true
      route.mailbox = nil
      return true
    }
    guard retrying else { return false }
    let task = self.retry(self, error)
    self.route.withLock { $0.retryTask = task }
    return true
  }

  /// Starts the call again on the connection behind `mailbox`: opens it with `request`, then
  /// replays the request messages, the half-close, and later writes go there.
  func reroute(to mailbox: ConnectionMailbox<ClientStreamAction>, request: ClientStreamRequest) {
    let opened = self.route.withLock { route -> Bool in
      guard !route.abandoned else { return true }
      guard mailbox.post(.open(request)) else { return false }
      route.mailbox = mailbox
      for buffer in route.replay ?? [] { mailbox.post(.write(key: self.key, buffer)) }
      if route.halfClosed { mailbox.post(.halfClose(key: self.key)) }
      return true
    }
    if !opened {
      // The reason names what closed it (a TLS failure, for example), when the handler knew.
      self.abandon(
        RPCError(
          code: .unavailable,
          message: mailbox.closeReason ?? "the connection closed before the call could be retried"))
    }
  }

  /// Ends a call that is between connections with `error`.
  func abandon(_ error: RPCError) {
    let first = self.route.withLock { route -> Bool in
      defer { route.abandoned = true }
      return !route.abandoned
    }
    guard first else { return }
    self.outbound.close(error)
    self.responses.finish(.failure(error))
  }
}
