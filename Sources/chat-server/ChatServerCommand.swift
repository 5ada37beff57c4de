import ArgumentParser
import ChatAPI
import ChatRoomsRedis
import ChatService
import CoreMetrics
import GRPCKit
import GRPCKitNGHTTP2
import GRPCMetrics
import GRPCTracing
import HealthService
import Logging
import Prometheus
import RedisClient
import ReflectionService
import ServiceLifecycle

/// `chat-server`: serves `ChatService` over gRPC (HTTP/2 cleartext or TLS) and logs JSON lines on
/// standard output, the first naming the bound port: `{"event":"listening","port":N,…}`.
@main
struct ChatServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat-server",
    abstract: "Serves the ChatService gRPC API.",
    discussion: """
      Logs are JSON lines on standard output (Cloud Logging's structured format); the first is \
      {"event":"listening","port":N,...}. SIGTERM or SIGINT reports NOT_SERVING on health, \
      stops new calls (two-phase GOAWAY), lets open calls finish for the grace period, ends the \
      rest with UNAVAILABLE after the messages already accepted for them, and exits 0.
      """,
    version: ProjectVersion.current
  )

  @OptionGroup(title: "Listening and calls")
  var server: ServerOptions

  @OptionGroup(title: "Connections and shutdown")
  var lifecycle: LifecycleOptions

  @OptionGroup(title: "Rooms")
  var rooms: RoomOptions

  @OptionGroup(title: "TLS")
  var tls: TLSOptions

  @OptionGroup(title: "Logs and metrics")
  var observability: ObservabilityOptions

  func validate() throws {
    let port = try self.server.resolvedPort()
    if let metricsPort = self.observability.metricsPort, metricsPort != 0,
      self.server.unixSocket == nil
    {
      guard metricsPort != port else {
        throw ValidationError(
          "--metrics-port \(metricsPort) is the gRPC port; metrics need a port of their own"
        )
      }
      guard metricsPort != self.tls.healthPort else {
        throw ValidationError(
          "--metrics-port \(metricsPort) is the --health-port; metrics need a port of their own"
        )
      }
    }
  }

  func run() async throws {
    let output = JSONLogOutput()
    let level = self.observability.logLevel.level
    let project = self.observability.project
    LoggingSystem.bootstrap { _ in JSONLogHandler(output: output, logLevel: level, project: project)
    }
    let logger = Logger(label: "chat-server")
    // Metrics are recorded only with --metrics-port: the backend is bootstrapped before any
    // transport or service is made, so they find it.
    let registry = self.observability.metricsPort.map { _ in PrometheusCollectorRegistry() }
    if let registry { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry)) }

    let metricsServer: MetricsHTTPServer?
    if let registry, let metricsPort = self.observability.metricsPort {
      do {
        metricsServer = try await MetricsHTTPServer.bind(
          host: self.server.host,
          port: metricsPort,
          registry: registry
        )
      } catch {
        var line = JSONObject()
        line.add("event", string: "bind failed")
        line.add("address", string: "\(self.server.host):\(metricsPort)")
        line.add("error", string: "\(error)")
        output.open(firstLine: line.text)
        throw ExitCode.failure
      }
    } else {
      metricsServer = nil
    }

    // Spans only with --otlp-endpoint: the tracer is bootstrapped before any call can start.
    #if GRPCKIT_TSAN
    let exporter: (any Service)? = nil  // no swift-otel; validate() refuses --otlp-endpoint
    #else
    let exporter = try self.observability.otlpEndpoint.map { endpoint in
      try OTLPExport.bootstrap(endpoint: endpoint, logger: Logger(label: "otel"))
    }
    #endif
    let chatServer = try self.makeChatServerService(
      output: output,
      logger: logger,
      metricsPort: metricsServer?.port,
      traced: exporter != nil
    )
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
    // Shut down in reverse order: the gRPC side drains first, metrics stay scrapable meanwhile,
    // and the exporter flushes the last spans after both.
    if let exporter { services.append(.init(service: exporter, serviceName: "otlp")) }
    if let metricsServer { services.append(.init(service: metricsServer, serviceName: "metrics")) }
    if self.lifecycle.trimMemoryAfter > 0 {
      let trim = MemoryTrimService(
        chat: chatServer.chat, minimumDrop: self.lifecycle.trimMemoryAfter, interval: .seconds(5),
        logger: logger)
      services.append(.init(service: trim, serviceName: "memory-trim"))
    }
    services.append(
      .init(
        service: chatServer,
        successTerminationBehavior: .gracefullyShutdownGroup,
        failureTerminationBehavior: .gracefullyShutdownGroup,
        serviceName: "grpc"
      )
    )
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(
        services: services,
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
      )
    )
    do {
      try await group.run()
    } catch is ChatServerExit {
      throw ExitCode.failure
    }
  }

  /// The gRPC server with the chat, health and reflection services, its interceptors, and the
  /// shutdown order around them.
  private func makeChatServerService(
    output: JSONLogOutput,
    logger: Logger,
    metricsPort: Int?,
    traced: Bool
  ) throws -> ChatServerService {
    var configuration = ChatServiceConfiguration()
    configuration.maximumMessageBytes = self.server.maxMessageBytes
    configuration.maximumQueuedMessages = self.server.queueLimit
    configuration.maximumQueuedBytes = self.server.queueLimitBytes
    configuration.historySize = self.rooms.historySize
    configuration.heartbeatInterval = self.rooms.heartbeat
    let health = HealthService()
    let roomStore = try self.rooms.redisConfiguration().map { redis in
      RedisRoomStore(
        client: RedisClient(configuration: redis, logger: Logger(label: "redis")),
        historySize: self.rooms.historySize,
        logger: Logger(label: "chat.redis")
      )
    }
    let chat = ChatRoomService(
      configuration: configuration,
      backend: roomStore.map { .redis($0) } ?? .inProcess,
      logger: Logger(label: "chat.service")
    )
    // With Redis, the chat services serve only while Redis can be reached; "" (the process)
    // stays SERVING, so liveness probes do not restart a server that can do nothing about it.
    let chatServices = [
      ChatAPI.ChatService.descriptor.fullName, Chat_V1_RoomEvents.descriptor.fullName,
    ]
    for name in chatServices {
      health.setStatus(roomStore == nil ? .serving : .notServing, forService: name)
    }
    roomStore?.start { available in
      for name in chatServices {
        health.setStatus(available ? .serving : .notServing, forService: name)
      }
    }
    let reflection = ReflectionService(
      files: [
        ChatProto.fileDescriptor, Chat_V1_RoomEventsProto.fileDescriptor,
        HealthService.fileDescriptor,
      ]
        + ReflectionService.fileDescriptors,
      services: [chat, chat.roomEvents, health]
    )

    let port = try self.server.resolvedPort()
    let grace = self.lifecycle.shutdownGrace
    var transportConfiguration = NGHTTP2ServerConfiguration()
    transportConfiguration.handlerExecution = self.server.handlers.transportSetting
    self.lifecycle.configure(&transportConfiguration)
    transportConfiguration.tls = self.tls.configuration
    let transport =
      if let path = self.server.unixSocket {
        NGHTTP2ServerTransport(unixDomainSocketPath: path, configuration: transportConfiguration)
      } else {
        NGHTTP2ServerTransport(
          host: self.server.host,
          port: port,
          configuration: transportConfiguration
        )
      }
    // Outermost first: the server span covers everything, metrics see every call's outcome as
    // the client does, and log lines carry the span.
    var interceptors: [any ServerInterceptor] = []
    if traced { interceptors.append(ServerTracingInterceptor()) }
    if metricsPort != nil { interceptors.append(ServerMetricsInterceptor()) }
    // Trace fields in log lines when a deployment asks for Cloud Logging's (an access log, a
    // project, or tracing); with none of these, calls pass through no interceptor at all.
    if self.observability.accessLog || self.observability.project != nil || traced {
      var spanTrace: (@Sendable () -> CallTrace?)?
      #if !GRPCKIT_TSAN
      if traced { spanTrace = { OTLPExport.currentTrace() } }
      #endif
      interceptors.append(
        CallLogInterceptor(
          logger: Logger(label: "chat-server.access"),
          accessLog: self.observability.accessLog,
          spanTrace: spanTrace
        )
      )
    }
    let server = GRPCServer(
      transport: transport,
      services: [chat, chat.roomEvents, health, reflection],
      interceptors: interceptors,
      maximumOpenCalls: self.lifecycle.maxOpenCalls,
      logger: Logger(label: "grpc.server")
    )
    let healthServer = self.tls.healthPort.map { port in
      var configuration = NGHTTP2ServerConfiguration()
      configuration.shutdownGracePeriod = grace.transport
      return GRPCServer(
        transport: NGHTTP2ServerTransport(
          host: self.server.host,
          port: port,
          configuration: configuration
        ),
        services: [health],
        logger: Logger(label: "grpc.health-server")
      )
    }

    let listening = self.server
    let tlsMode = self.tls.mode
    let healthPort = self.tls.healthPort
    let rooms = roomStore == nil ? "in-process" : "redis"
    let redisAddress = roomStore?.address
    let serviceNames = server.router.serviceNames.joined(separator: ",")
    return ChatServerService(
      server: server,
      transport: transport,
      healthServer: healthServer,
      health: health,
      chat: chat,
      roomStore: roomStore,
      grace: grace,
      output: output,
      logger: logger,
      listeningLine: { boundPort in
        var line = JSONObject()
        line.add("event", string: "listening")
        if let path = listening.unixSocket {
          line.add("unix_socket", string: path)
        } else {
          line.add("port", integer: boundPort)
          line.add("host", string: listening.host)
        }
        line.add("services", string: serviceNames)
        line.add("tls", string: tlsMode)
        line.add("rooms", string: rooms)
        if let redisAddress { line.add("redis", string: redisAddress) }
        if let healthPort { line.add("health_port", integer: healthPort) }
        if let metricsPort { line.add("metrics_port", integer: metricsPort) }
        return line.text
      },
      bindFailureLine: { error in
        var line = JSONObject()
        line.add("event", string: "bind failed")
        line.add("address", string: listening.address(port: port))
        line.add("error", string: "\(error)")
        return line.text
      }
    )
  }
}
