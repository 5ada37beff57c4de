public import GRPCKit
import GRPCLocking
public import Logging
public import NIOCore
public import NIOPosix
import struct Synchronization.Atomic

/// The HTTP/2 server transport: accepts TCP connections (h2c with prior knowledge, or TLS with
/// ALPN `h2` when ``NGHTTP2ServerConfiguration/tls`` is set) and serves gRPC on each with nghttp2.
///
/// ```swift
/// let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0)
/// let server = GRPCServer(transport: transport, services: [EchoService()])
/// async let serving: Void = server.serve()
/// let port = try await transport.listeningPort()
/// ```
public final class NGHTTP2ServerTransport: ServerTransport {
  /// The address to bind.
  public let host: String
  /// The port to bind; 0 takes a free port (see ``listeningPort()``).
  public let port: Int
  /// The Unix domain socket the transport listens on instead of `host:port`, if any.
  public let unixDomainSocketPath: String?
  /// HTTP/2 and gRPC limits.
  public let configuration: NGHTTP2ServerConfiguration
  private let group: any EventLoopGroup
  /// The open connections; with their metrics when a swift-metrics backend was bootstrapped
  /// before the transport was created.
  private let connections = ServerConnectionRegistry(metrics: .ifBootstrapped())
  /// The current TLS certificate, when TLS is configured.
  let tlsContexts: ServerTLSContextStore?

  private enum State {
    case idle([CheckedContinuation<Int, any Error>])
    case listening(any Channel, port: Int)
    case failed(any Error)
    case stopped
  }
  private let state = Mutex<State>(.idle([]))

  /// Creates a transport.
  ///
  /// - Parameters:
  ///   - host: The address to bind, for example `0.0.0.0` or `127.0.0.1`.
  ///   - port: The port; 0 for any free port.
  ///   - configuration: Limits and windows.
  ///   - eventLoopGroup: The loops connections run on; one loop owns each connection.
  public init(
    host: String,
    port: Int,
    configuration: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.host = host
    self.port = port
    self.unixDomainSocketPath = nil
    self.configuration = configuration
    self.group = eventLoopGroup
    self.tlsContexts = configuration.tls.map { ServerTLSContextStore(configuration: $0) }
  }

  /// Creates a transport that listens on a Unix domain socket (for a sidecar, or clients on the
  /// same host), removing a stale socket file at `unixDomainSocketPath` first. Clients dial it
  /// as `unix:PATH`; ``listeningPort()`` returns 0.
  ///
  /// ```swift
  /// let transport = NGHTTP2ServerTransport(unixDomainSocketPath: "/run/chat/grpc.sock")
  /// ```
  ///
  /// - Parameters:
  ///   - unixDomainSocketPath: The socket's path (at most 107 bytes).
  ///   - configuration: Limits and windows.
  ///   - eventLoopGroup: The loops connections run on; one loop owns each connection.
  public init(
    unixDomainSocketPath: String,
    configuration: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.host = "localhost"
    self.port = 0
    self.unixDomainSocketPath = unixDomainSocketPath
    self.configuration = configuration
    self.group = eventLoopGroup
    self.tlsContexts = configuration.tls.map { ServerTLSContextStore(configuration: $0) }
  }

  public func listen(streamHandler: any ServerStreamHandler, logger: Logger) async throws {
    let configuration = self.configuration
    let connections = self.connections
    let tlsContexts = self.tlsContexts
    let bootstrap = ServerBootstrap(group: self.group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelOption(.maxMessagesPerRead, value: 16)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try TLSPipeline.addServerHandlers(to: channel.pipeline.syncOperations, contexts: tlsContexts, logger: logger)
          try channel.pipeline.syncOperations.addHandler(
            ServerConnectionHandler(
              streamHandler: streamHandler, configuration: configuration, logger: logger,
              connections: connections))
        }
      }
    let channel: any Channel
    do {
      // Certificate files that cannot be used fail listen (and listeningPort()) before binding.
      try tlsContexts?.load(logger: logger)
      if let path = self.unixDomainSocketPath {
        channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
      } else {
        channel = try await bootstrap.bind(host: self.host, port: self.port).get()
      }
    } catch {
      let waiters = self.state.withLock { state -> [CheckedContinuation<Int, any Error>] in
        defer { state = .failed(error) }
        if case .idle(let waiters) = state { return waiters }
        return []
      }
      for waiter in waiters { waiter.resume(throwing: error) }
      throw error
    }
    let port = channel.localAddress?.port ?? self.port
    let (waiters, stopped) = self.state.withLock { state -> ([CheckedContinuation<Int, any Error>], Bool) in
      switch state {
      case .idle(let waiters):
        state = .listening(channel, port: port)
        return (waiters, false)
      default:
        return ([], true)
      }
    }
    for waiter in waiters { waiter.resume(returning: port) }
    if stopped { channel.close(promise: nil) }
    logger.debug("listening", metadata: ["grpc.host": "\(self.host)", "grpc.port": "\(port)"])
    let reloading = tlsContexts.flatMap { contexts in
      contexts.configuration.reloadInterval.map { interval in Task { await contexts.poll(every: interval) } }
    }
    try? await channel.closeFuture.get()
    reloading?.cancel()
    // Graceful shutdown: every connection sent GOAWAY and closes once its calls end; at the end
    // of the grace period it ends the rest with UNAVAILABLE and closes once their trailers are
    // written. This backstop closes what is still open after that. The timer runs on an event
    // loop, not as a task sleep, so cancelling the task that called listen() cannot cut the
    // grace period short.
    let backstop = configuration.shutdownGracePeriod + configuration.lifecycle.closeTimeout * 2
    let drained = await Self.waitForConnections(connections, gracePeriod: backstop, eventLoop: self.group.next())
    if !drained {
      logger.info(
        "connections still open after the grace period; closing them",
        metadata: ["grpc.open_connections": "\(connections.count)"])
      connections.forceClose()
      await connections.waitUntilEmpty()
    }
  }

  /// Returns true once no connection is open, or false when `gracePeriod` passes first.
  private static func waitForConnections(
    _ connections: ServerConnectionRegistry,
    gracePeriod: Duration,
    eventLoop: any EventLoop
  ) async -> Bool {
    await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
      let resumed = Atomic<Bool>(false)
      @Sendable func finish(_ drained: Bool) {
        if !resumed.exchange(true, ordering: .acquiringAndReleasing) { continuation.resume(returning: drained) }
      }
      let timer = eventLoop.scheduleTask(in: .nanoseconds(gracePeriod.saturatingNanoseconds)) {
        finish(false)
      }
      Task {
        await connections.waitUntilEmpty()
        timer.cancel()
        finish(true)
      }
    }
  }

  /// The bound port, once listening; waits for ``listen(streamHandler:logger:)`` to bind.
  ///
  /// - Throws: The bind error.
  public func listeningPort() async throws -> Int {
    try await withCheckedThrowingContinuation { continuation in
      let result = self.state.withLock { state -> Result<Int, any Error>? in
        switch state {
        case .idle(var waiters):
          waiters.append(continuation)
          state = .idle(waiters)
          return nil
        case .listening(_, let port): return .success(port)
        case .failed(let error): return .failure(error)
        case .stopped: return .failure(RPCError(code: .unavailable, message: "the server was stopped"))
        }
      }
      if let result { continuation.resume(with: result) }
    }
  }

  public func beginGracefulShutdown() {
    let channel = self.state.withLock { state -> (any Channel)? in
      defer { state = .stopped }
      if case .listening(let channel, _) = state { return channel }
      return nil
    }
    channel?.close(promise: nil)
    self.connections.beginGracefulShutdown(gracePeriod: self.configuration.shutdownGracePeriod)
  }
}
