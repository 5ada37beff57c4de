import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// Serves a Prometheus registry as text exposition (format 0.0.4) on `GET /metrics` over
/// HTTP/1.1, apart from the gRPC port; any other path is 404 and any other method 405. Binds
/// when created, so a port that is taken fails before the server starts serving calls; runs
/// (as a `Service`) until the service group shuts down gracefully.
final class MetricsHTTPServer: Service {
  /// The bound port.
  let port: Int
  private let channel: any Channel

  private init(channel: any Channel, port: Int) {
    self.channel = channel
    self.port = port
  }

  /// Binds `host:port` (0: a free port).
  ///
  /// - Throws: The bind error.
  static func bind(
    host: String,
    port: Int,
    registry: PrometheusCollectorRegistry
  ) async throws -> MetricsHTTPServer {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 64)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry))
        }
      }
      .bind(host: host, port: port)
      .get()
    return MetricsHTTPServer(channel: channel, port: channel.localAddress?.port ?? port)
  }

  func run() async throws {
    let channel = self.channel
    await withGracefulShutdownHandler {
      try? await channel.closeFuture.get()
    } onGracefulShutdown: {
      channel.close(promise: nil)
    }
  }
}

/// Answers one connection's requests.
private final class MetricsHTTPHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  private let registry: PrometheusCollectorRegistry
  private var request: HTTPRequestHead?

  init(registry: PrometheusCollectorRegistry) {
    self.registry = registry
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch self.unwrapInboundIn(data) {
    case .head(let head):
      self.request = head
    case .body:
      break
    case .end:
      guard let head = self.request else { return }
      self.request = nil
      self.respond(to: head, context: context)
    }
  }

  private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
    let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
    var headers = HTTPHeaders()
    let status: HTTPResponseStatus
    var body = context.channel.allocator.buffer(capacity: 0)
    if path != "/metrics" {
      status = .notFound
      headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
      body.writeString("only /metrics is served here\n")
    } else if head.method != .GET && head.method != .HEAD {
      status = .methodNotAllowed
      headers.add(name: "Allow", value: "GET, HEAD")
      headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
      body.writeString("/metrics answers GET\n")
    } else {
      status = .ok
      headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
      var bytes: [UInt8] = []
      self.registry.emit(into: &bytes)
      if head.method == .GET { body.writeBytes(bytes) }
    }
    headers.add(name: "Content-Length", value: "\(body.readableBytes)")
    let keepAlive = head.isKeepAlive
    if !keepAlive { headers.add(name: "Connection", value: "close") }
    context.write(
      self.wrapOutboundOut(
        .head(HTTPResponseHead(version: head.version, status: status, headers: headers))
      ),
      promise: nil
    )
    if body.readableBytes > 0 {
      context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    }
    let written = context.eventLoop.makePromise(of: Void.self)
    context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: written)
    if !keepAlive {
      let channel = context.channel
      written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }
  }
}
