public import GRPCKit
public import NIOCore
public import NIOPosix
import Synchronization

/// The HTTP/2 client transport: one TCP connection (h2c with prior knowledge) to one server,
/// carrying many concurrent calls. It connects on the first call and reconnects on a later call
/// after the connection closed or the server sent GOAWAY.
///
/// ```swift
/// let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: 50051)
/// let echo = Echo_Echo.Client(wrapping: GRPCClient(transport: transport))
/// let reply = try await echo.get(Echo_EchoRequest(text: "hi"))
/// transport.close()
/// ```
public final class NGHTTP2ClientTransport: ClientTransport {
  /// The server's host name or address.
  public let host: String
  /// The server's port.
  public let port: Int
  /// HTTP/2 and gRPC limits.
  public let configuration: NGHTTP2ClientConfiguration
  private let group: any EventLoopGroup
  /// The keepalive interval its connections use; doubled after GOAWAY "too_many_pings".
  let keepaliveInterval: KeepaliveInterval?

  private final class Connection: Sendable {
    let channel: any Channel
    let mailbox: ConnectionMailbox<ClientStreamAction>
    private let nextKey = Atomic<Int>(0)

    init(channel: any Channel, mailbox: ConnectionMailbox<ClientStreamAction>) {
      self.channel = channel
      self.mailbox = mailbox
    }

    func makeKey() -> Int { self.nextKey.add(1, ordering: .relaxed).newValue }
  }

  private enum State {
    case idle
    case connecting(id: Int, [CheckedContinuation<Connection, any Error>])
    case ready(id: Int, Connection)
    case closed
  }
  private let state = Mutex<(State, Int)>((.idle, 0))

  /// Creates a transport; nothing connects until the first call.
  ///
  /// - Parameters:
  ///   - host: The server's host name or address.
  ///   - port: The server's port.
  ///   - configuration: Limits and windows.
  ///   - eventLoopGroup: The loops the connection runs on.
  public init(
    host: String,
    port: Int,
    configuration: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
  ) {
    self.host = host
    self.port = port
    self.configuration = configuration
    self.group = eventLoopGroup
    self.keepaliveInterval = configuration.keepalive.interval.map(KeepaliveInterval.init)
  }

  public func openStream(
    method: ProtobufMethodDescriptor,
    options: CallOptions,
    responses: any InboundMessageSink
  ) async throws(RPCError) -> any ClientStreamOutbound {
    let headers = ClientRequestHeaders.make(
      path: method.path, authority: "\(self.host):\(self.port)", options: options, configuration: self.configuration)

    var closeReason: String?
    for _ in 0..<2 {
      let connection = try await self.connection()
      let handle = ClientStreamHandle(
        outbound: StreamOutboundHandle(
          key: connection.makeKey(), allocator: connection.channel.allocator,
          highWatermark: self.configuration.outboundHighWatermark,
          lowWatermark: self.configuration.outboundLowWatermark),
        mailbox: connection.mailbox, compression: options.compression)
      let request = ClientStreamRequest(
        handle: handle, headers: headers, responses: responses, timeout: options.timeout,
        maximumReceiveMessageSize: options.maximumReceiveMessageSize ?? self.configuration.maximumReceiveMessageSize,
        path: method.path)
      if connection.mailbox.post(.open(request)) { return handle }
      closeReason = connection.mailbox.closeReason
      self.connectionBecameUnusable(connection)
    }
    // The reason names a TLS failure, for example, that closed the connection before the call
    // reached it.
    throw RPCError(
      code: .unavailable,
      message: "the connection to \(self.host):\(self.port) closed" + (closeReason.map { " (\($0))" } ?? ""))
  }

  /// Closes the connection: open calls fail with `UNAVAILABLE`, and later calls fail at once.
  public func close() {
    let connection = self.state.withLock { state -> Connection? in
      defer { state.0 = .closed }
      if case .ready(_, let connection) = state.0 { return connection }
      return nil
    }
    connection?.channel.close(promise: nil)
  }

  private func connection() async throws(RPCError) -> Connection {
    enum Step { case use(Connection), wait(Int), connect(Int), closed }
    do {
      return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Connection, any Error>) in
        let step = self.state.withLock { state -> Step in
          switch state.0 {
          case .ready(_, let connection):
            return .use(connection)
          case .connecting(let id, var waiters):
            waiters.append(continuation)
            state.0 = .connecting(id: id, waiters)
            return .wait(id)
          case .idle:
            state.1 += 1
            state.0 = .connecting(id: state.1, [continuation])
            return .connect(state.1)
          case .closed:
            return .closed
          }
        }
        switch step {
        case .use(let connection): continuation.resume(returning: connection)
        case .wait: break
        case .connect(let id): self.connect(id: id)
        case .closed: continuation.resume(throwing: RPCError(code: .unavailable, message: "the client transport was closed"))
        }
      }
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .unavailable, message: "could not connect to \(self.host):\(self.port): \(error)")
    }
  }

  private func connect(id: Int) {
    let mailbox = ConnectionMailbox<ClientStreamAction>(eventLoop: self.group.next())
    let configuration = self.configuration
    let host = self.host
    let keepaliveInterval = self.keepaliveInterval
    let bootstrap = ClientBootstrap(group: mailbox.eventLoop)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .connectTimeout(.nanoseconds(configuration.connectTimeout.saturatingNanoseconds))
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let handler = ClientConnectionHandler(
            configuration: configuration, mailbox: mailbox, keepaliveInterval: keepaliveInterval
          ) { [weak self] in
            self?.connectionBecameUnusable(id: id)
          }
          try TLSPipeline.addClientHandlers(
            to: channel.pipeline.syncOperations, configuration: configuration, serverHostname: host)
          try channel.pipeline.syncOperations.addHandler(handler)
        }
      }
    bootstrap.connect(host: self.host, port: self.port).whenComplete { result in
      let outcome: Result<Connection, any Error> = result.map { Connection(channel: $0, mailbox: mailbox) }
      let waiters = self.state.withLock { state -> [CheckedContinuation<Connection, any Error>] in
        guard case .connecting(let current, let waiters) = state.0, current == id else { return [] }
        switch outcome {
        case .success(let connection): state.0 = .ready(id: id, connection)
        case .failure: state.0 = .idle
        }
        return waiters
      }
      let mapped = outcome.mapError { error -> any Error in
        RPCError(code: .unavailable, message: "could not connect to \(self.host):\(self.port): \(error)")
      }
      for waiter in waiters { waiter.resume(with: mapped) }
      if case .success(let connection) = outcome, waiters.isEmpty { connection.channel.close(promise: nil) }
    }
  }

  /// The next call connects anew. Calls already on the old connection finish there; it closes
  /// once they are done (nghttp2 stops wanting reads and writes) or when the server closes it.
  private func connectionBecameUnusable(id: Int) {
    self.state.withLock { state in
      if case .ready(let current, _) = state.0, current == id { state.0 = .idle }
    }
  }

  private func connectionBecameUnusable(_ connection: Connection) {
    self.state.withLock { state in
      if case .ready(_, let current) = state.0, current === connection { state.0 = .idle }
    }
  }
}
