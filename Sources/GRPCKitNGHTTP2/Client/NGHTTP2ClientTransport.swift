public import GRPCKit
public import NIOCore
public import NIOPosix
import Synchronization

/// The HTTP/2 client transport: a channel to one target (a name, a list of addresses, or a Unix
/// domain socket; see ``ClientTarget``) carrying many concurrent calls.
///
/// - Lazy: nothing connects (or resolves) until the first call.
/// - Load balancing: a name resolves to all its addresses; each address gets one connection,
///   and calls are spread round-robin over the ready ones, or with pick_first
///   (``NGHTTP2ClientConfiguration/loadBalancing``, or a service config) the addresses are
///   tried in order and calls use the first that connected.
/// - Reconnection: a lost connection is replaced when the next call needs it (after resolving
///   the name again); a failed attempt is retried with gRPC's exponential backoff and jitter
///   (``NGHTTP2ClientConfiguration/backoff``).
/// - GOAWAY: new calls go to a fresh connection; calls already on the old one finish there. A
///   call the server refused without processing it (REFUSED_STREAM, or above the GOAWAY's last
///   stream id) is replayed once on another connection if it sent no more than
///   ``NGHTTP2ClientConfiguration/transparentRetryBufferSize`` bytes.
/// - Failures: when no connection is ready and every address failed, a call fails at once with
///   `UNAVAILABLE` naming the target and the last connection error, unless its
///   ``CallOptions/waitForReady`` is set: it then waits for a connection, up to its timeout
///   (`DEADLINE_EXCEEDED`) or ``close()`` (`UNAVAILABLE`).
///
/// ```swift
/// let transport = try NGHTTP2ClientTransport(target: "dns:///echo.internal:50051")
/// let echo = Echo_Echo.Client(wrapping: GRPCClient(transport: transport))
/// let reply = try await echo.get(
///   Echo_EchoRequest(text: "hi"), options: CallOptions(timeout: .seconds(5), waitForReady: true))
/// transport.close()
/// ```
public final class NGHTTP2ClientTransport: ClientTransport {
  /// Where the transport connects.
  public let target: ClientTarget
  /// HTTP/2 and gRPC limits, backoff.
  public let configuration: NGHTTP2ClientConfiguration
  private let pool: ClientConnectionPool
  /// The keepalive interval its connections use; doubled after GOAWAY "too_many_pings".
  var keepaliveInterval: KeepaliveInterval? { self.pool.keepaliveInterval }
  private let nextKey = Atomic<Int>(0)

  /// Creates a transport for `target`; nothing connects until the first call.
  ///
  /// - Parameters:
  ///   - target: The server, in any form ``ClientTarget`` parses.
  ///   - configuration: Limits, windows and backoff.
  ///   - eventLoopGroup: The loops connections run on.
  /// - Throws: ``RPCError`` `INVALID_ARGUMENT` when `target` is not a valid target.
  public convenience init(
    target: String,
    configuration: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) throws(RPCError) {
    self.init(target: try ClientTarget(parsing: target), configuration: configuration, eventLoopGroup: eventLoopGroup)
  }

  /// Creates a transport for `target`; nothing connects until the first call.
  ///
  /// - Parameters:
  ///   - target: The server.
  ///   - configuration: Limits, windows and backoff.
  ///   - eventLoopGroup: The loops connections run on.
  public init(
    target: ClientTarget,
    configuration: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.target = target
    self.configuration = configuration
    self.pool = ClientConnectionPool(target: target, configuration: configuration, group: eventLoopGroup)
  }

  /// Creates a transport for `host:port`: an IP address, or a name resolved to all its
  /// addresses. Nothing connects until the first call.
  ///
  /// - Parameters:
  ///   - host: The server's host name or IP address (IPv6 without brackets).
  ///   - port: The server's port.
  ///   - configuration: Limits, windows and backoff.
  ///   - eventLoopGroup: The loops connections run on.
  public convenience init(
    host: String,
    port: Int,
    configuration: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    let address = ClientTarget.HostAndPort(host: host, port: port)
    let isAddress = IPAddressText.isIPv4(host) || IPAddressText.isIPv6(host)
    self.init(
      target: ClientTarget(isAddress ? .addresses([address]) : .name(host: host, port: port)),
      configuration: configuration, eventLoopGroup: eventLoopGroup)
  }

  public func openStream(
    method: ProtobufMethodDescriptor,
    options: CallOptions,
    responses: any InboundMessageSink
  ) async throws(RPCError) -> any ClientStreamOutbound {
    let deadline = options.timeout.map { ContinuousClock.now + $0 }
    let connection = try await self.pool.connection(waitForReady: options.waitForReady, timeout: options.timeout)
    let handle = ClientStreamHandle(
      outbound: StreamOutboundHandle(
        key: self.nextKey.add(1, ordering: .relaxed).newValue, allocator: connection.channel.allocator,
        highWatermark: self.configuration.outboundHighWatermark,
        lowWatermark: self.configuration.outboundLowWatermark),
      responses: responses,
      mailbox: connection.mailbox,
      replayLimit: self.configuration.transparentRetryBufferSize,
      retry: { handle, _ in
        Task {
          await self.retry(handle, method: method, options: options, deadline: deadline, excluding: connection.subchannelID)
        }
      },
      compression: options.compression,
      maximumSendMessageSize: options.maximumSendMessageSize ?? self.configuration.maximumSendMessageSize)
    let request = try self.request(for: handle, method: method, options: options, deadline: deadline)
    if !connection.mailbox.post(.open(request)) {
      // The connection closed after it was picked; nothing was sent, so the call moves.
      _ = handle.retryAfterRefusal(RPCError(code: .unavailable, message: "the connection closed"))
    }
    return handle
  }

  /// Closes every connection: open calls fail with `UNAVAILABLE`, and so do calls waiting for
  /// a connection and later calls. To let open calls finish first, close the ``GRPCClient``
  /// with ``GRPCClient/beginGracefulShutdown()``.
  public func close() {
    self.pool.close()
  }

  /// Uses the first of `policies` (all are supported), as a service config's
  /// `loadBalancingConfig` asks; connections already made stay.
  ///
  /// - Parameter policies: Policies in order of preference.
  public func useLoadBalancingPolicies(_ policies: [ServiceConfig.LoadBalancingPolicy]) {
    if let policy = policies.first { self.pool.useLoadBalancing(policy) }
  }

  /// The request with the time left until `deadline`.
  private func request(
    for handle: ClientStreamHandle,
    method: ProtobufMethodDescriptor,
    options: CallOptions,
    deadline: ContinuousClock.Instant?
  ) throws(RPCError) -> ClientStreamRequest {
    var options = options
    if let deadline, let timeout = options.timeout {
      let left = deadline - .now
      guard left > .zero else {
        throw RPCError(code: .deadlineExceeded, message: "the deadline of \(GRPCTimeout.encode(timeout)) was exceeded before the call started")
      }
      options.timeout = left
    }
    return ClientStreamRequest(
      handle: handle,
      headers: ClientRequestHeaders.make(
        path: method.path, authority: self.target.authority, options: options, configuration: self.configuration),
      responses: handle.responses, timeout: options.timeout,
      maximumReceiveMessageSize: options.maximumReceiveMessageSize ?? self.configuration.maximumReceiveMessageSize,
      path: method.path)
  }

  /// Replays a refused call on another connection (preferring another address).
  private func retry(
    _ handle: ClientStreamHandle,
    method: ProtobufMethodDescriptor,
    options: CallOptions,
    deadline: ContinuousClock.Instant?,
    excluding subchannelID: Int
  ) async {
    do throws(RPCError) {
      let connection = try await self.pool.connection(
        waitForReady: options.waitForReady, timeout: deadline.map { $0 - .now }, excluding: subchannelID)
      handle.reroute(to: connection.mailbox, request: try self.request(for: handle, method: method, options: options, deadline: deadline))
    } catch {
      handle.abandon(error)
    }
  }
}

extension NGHTTP2ClientTransport {
  /// The host the target names first: the name, the first address, or the socket path of a
  /// `unix:` target.
  public var host: String {
    switch self.target.endpoint {
    case .name(let host, _): return host
    case .addresses(let addresses): return addresses.first?.host ?? ""
    case .unixDomainSocket(let path): return path
    }
  }

  /// The port the target names first; 0 for a `unix:` target.
  public var port: Int {
    switch self.target.endpoint {
    case .name(_, let port): return port
    case .addresses(let addresses): return addresses.first?.port ?? 0
    case .unixDomainSocket: return 0
    }
  }

  /// True once ``close()`` was called.
  package var isClosed: Bool { self.pool.isClosed }
}
