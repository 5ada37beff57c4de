import GRPCKit
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Sits between the TLS handler and the HTTP/2 connection handler: holds the HTTP/2 bytes back
/// until the handshake is done and ALPN selected `h2`, refuses the connection otherwise, bounds
/// the handshake's duration, and turns TLS errors into readable ones.
///
/// On a server it also hands the verified peer identity (``TransportSecurity``) to the
/// connection handler, as a user inbound event fired before any request bytes.
final class TLSHandshakeHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  enum Role {
    case client
    /// A server logs refused connections.
    case server(Logger)
  }

  private enum State {
    /// Writes wait; `flushed` records a flush among them.
    case handshaking(pending: [(data: NIOAny, promise: EventLoopPromise<Void>?)], flushed: Bool)
    case established
    case refused
  }

  private let role: Role
  private let timeout: Duration
  private var state = State.handshaking(pending: [], flushed: false)
  private var timer: Scheduled<Void>?

  /// - Parameters:
  ///   - role: Client or server.
  ///   - timeout: How long the handshake may take once the connection is up.
  init(role: Role, timeout: Duration) {
    self.role = role
    self.timeout = timeout
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { self.startTimer(context: context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    self.startTimer(context: context)
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    self.failPending(ChannelError.ioOnClosedChannel)
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.failPending(ChannelError.ioOnClosedChannel)
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    guard let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiated) = event else {
      context.fireUserInboundEventTriggered(event)
      return
    }
    self.timer?.cancel()
    self.timer = nil
    guard negotiated == "h2" else {
      self.refuse(
        context: context,
        TLSHandshakeError(
          "the \(self.peerRole) at \(Self.address(context)) did not negotiate HTTP/2 with ALPN "
            + "(\(negotiated.map { "it selected \($0)" } ?? "no protocol was selected")); gRPC over TLS requires h2"))
      return
    }
    if case .server = self.role {
      let certificate = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate
      context.fireUserInboundEventTriggered(
        TransportSecurity(applicationProtocol: "h2", peerCertificate: certificate.map(TransportSecurity.PeerCertificate.init)))
    }
    guard case .handshaking(let pending, let flushed) = self.state else { return }
    self.state = .established
    for write in pending { context.write(write.data, promise: write.promise) }
    if flushed { context.flush() }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if error is TLSHandshakeError {
      context.fireErrorCaught(error)
      return
    }
    let reason = TLSErrorText.describe(error)
    switch self.state {
    case .handshaking:
      let described = TLSHandshakeError("TLS handshake with \(Self.address(context)) failed: \(reason)")
      if case .server(let logger) = self.role {
        logger.info(
          "TLS handshake failed", metadata: ["grpc.peer": "\(Self.address(context))", "grpc.tls.error": "\(described.message)"])
      }
      context.fireErrorCaught(described)
    case .established:
      context.fireErrorCaught(TLSHandshakeError("TLS error on the connection with \(Self.address(context)): \(reason)"))
    case .refused:
      // The refusal was reported; what follows is the fallout of closing.
      context.fireErrorCaught(TLSHandshakeError("TLS connection with \(Self.address(context)) closed: \(reason)"))
    }
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    switch self.state {
    case .handshaking(var pending, let flushed):
      pending.append((data, promise))
      self.state = .handshaking(pending: pending, flushed: flushed)
    case .established:
      context.write(data, promise: promise)
    case .refused:
      promise?.fail(ChannelError.ioOnClosedChannel)
    }
  }

  func flush(context: ChannelHandlerContext) {
    switch self.state {
    case .handshaking(let pending, _):
      self.state = .handshaking(pending: pending, flushed: true)
    case .established:
      context.flush()
    case .refused:
      break
    }
  }

  private var peerRole: String {
    if case .client = self.role { return "server" }
    return "client"
  }

  private func startTimer(context: ChannelHandlerContext) {
    guard self.timer == nil, case .handshaking = self.state else { return }
    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    let timeout = self.timeout
    self.timer = context.eventLoop.scheduleTask(in: .nanoseconds(timeout.saturatingNanoseconds)) {
      let (handler, context) = loopBound.value
      guard case .handshaking = handler.state else { return }
      handler.refuse(
        context: context,
        TLSHandshakeError("the TLS handshake with \(Self.address(context)) did not complete within \(timeout)"))
    }
  }

  private func refuse(context: ChannelHandlerContext, _ error: TLSHandshakeError) {
    if case .server(let logger) = self.role {
      logger.info("refused a TLS connection", metadata: ["grpc.peer": "\(Self.address(context))", "grpc.tls.error": "\(error.message)"])
    }
    self.failPending(error)
    self.state = .refused
    context.fireErrorCaught(error)
    context.close(promise: nil)
  }

  private func failPending(_ error: any Error) {
    guard case .handshaking(let pending, _) = self.state else { return }
    self.state = .refused
    for write in pending { write.promise?.fail(error) }
  }

  private static func address(_ context: ChannelHandlerContext) -> String {
    guard let address = context.channel.remoteAddress else { return "an unknown address" }
    if let ip = address.ipAddress, let port = address.port {
      return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
    return "\(address)"
  }
}

/// Why a TLS connection was refused or failed, as calls and logs report it.
struct TLSHandshakeError: Error, CustomStringConvertible {
  let message: String

  init(_ message: String) {
    self.message = message
  }

  var description: String { self.message }
}
