import ArgumentParser
import ChatAPI
import ChatService
import ChatRoomsRedis
import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import HealthService
import Logging
import RedisClient
import ReflectionService

/// `chat-server`: serves `ChatService` over gRPC (HTTP/2 cleartext) and logs JSON lines on
/// standard output, the first naming the bound port: `{"event":"listening","port":N,…}`.
@main
struct ChatServerCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat-server",
    abstract: "Serves the ChatService gRPC API.",
    discussion: """
      Logs are JSON lines on standard output; the first is {"event":"listening","port":N,...}.
      SIGTERM or SIGINT reports NOT_SERVING on health, stops new calls (two-phase GOAWAY),
      lets open calls finish for the grace period, ends the rest with UNAVAILABLE after the
      messages already accepted for them, and exits 0.
      """,
    version: ProjectVersion.current
  )

  @Option(help: "The address to bind.")
  var host = "0.0.0.0"

  @Option(help: "The port to bind; 0 takes a free port. (default: $PORT, else 50051)")
  var port: Int?

  @Option(
    help: ArgumentHelp(
      "Listen on this Unix domain socket instead of TCP (a stale socket file is removed first).",
      valueName: "path"))
  var unixSocket: String?

  @Option(help: "The largest message text accepted, in bytes.")
  var maxMessageBytes = 4096

  @Option(help: "Messages a member may have waiting before it is ended as a slow consumer.")
  var queueLimit = 10_000

  @Option(help: "Bytes a member may have waiting before it is ended as a slow consumer.")
  var queueLimitBytes = 8 << 20

  @Option(
    help: "Seconds open calls may take to finish after SIGTERM before they end with UNAVAILABLE."
  )
  var gracePeriod = 10.0

  // Connection lifecycle (gRPC server defaults; see NGHTTP2ServerConfiguration).
  @Option(help: "Seconds without reads after which the server sends a keepalive PING; 0 turns it off.")
  var keepaliveInterval = 7200.0

  @Option(help: "Seconds a client has to answer a keepalive PING before it is disconnected.")
  var keepaliveTimeout = 20.0

  @Option(help: "The shortest interval, in seconds, between a client's PINGs (more strikes: GOAWAY too_many_pings).")
  var keepaliveMinTime = 300.0

  @Flag(help: "Accept client keepalive PINGs while the client has no open call.")
  var permitKeepaliveWithoutCalls = false

  @Option(help: "Seconds a connection may stay without open calls before it is closed with GOAWAY. (default: no limit)")
  var maxConnectionIdle: Double?

  @Option(help: "Seconds after which a connection is closed with GOAWAY (±10% jitter). (default: no limit)")
  var maxConnectionAge: Double?

  @Option(help: "Seconds calls may continue after --max-connection-age before they end with UNAVAILABLE. (default: no limit)")
  var maxConnectionAgeGrace: Double?

  @Option(
    help: """
      Where call handlers run: event-loop (on their connection's I/O thread, no thread hop) or \
      concurrent (Swift's global executor).
      """
  )
  var handlers = "event-loop"

  @Option(
    help: "The lowest log level written: trace, debug, info, notice, warning, error, critical."
  )
  var logLevel = "info"

  @OptionGroup(title: "Rooms")
  var rooms: RoomOptions

  @OptionGroup(title: "TLS")
  var tls: TLSOptions

  func validate() throws {
    guard Logger.Level(rawValue: self.logLevel) != nil else {
      throw ValidationError(
        "--log-level \(self.logLevel) is not one of trace, debug, info, notice, warning, error, critical"
      )
    }
    guard self.maxMessageBytes > 0, self.queueLimit > 0, self.queueLimitBytes > 0 else {
      throw ValidationError(
        "--max-message-bytes, --queue-limit and --queue-limit-bytes must be positive"
      )
    }
    let durations: [(String, Double?)] = [
      ("--grace-period", self.gracePeriod), ("--keepalive-interval", self.keepaliveInterval),
      ("--keepalive-timeout", self.keepaliveTimeout), ("--keepalive-min-time", self.keepaliveMinTime),
      ("--max-connection-idle", self.maxConnectionIdle), ("--max-connection-age", self.maxConnectionAge),
      ("--max-connection-age-grace", self.maxConnectionAgeGrace),
    ]
    for case (let flag, let value?) in durations where !(value >= 0 && value <= 1e9) {
      throw ValidationError("\(flag) \(value) is not a number of seconds between 0 and 1e9")
    }
    guard ["event-loop", "concurrent"].contains(self.handlers) else {
      throw ValidationError("--handlers \(self.handlers) is not event-loop or concurrent")
    }
    _ = try self.resolvedPort()
  }

  /// `--port`, else `$PORT`, else 50051.
  private func resolvedPort() throws -> Int {
    if let port = self.port {
      guard (0 ... 65535).contains(port) else {
        throw ValidationError("--port \(port) is not in 0...65535")
      }
      return port
    }
    guard let value = ProcessInfo.processInfo.environment["PORT"], !value.isEmpty else {
      return 50051
    }
    guard let port = Int(value), (0 ... 65535).contains(port) else {
      throw ValidationError("$PORT \"\(value)\" is not a port number in 0...65535")
    }
    return port
  }

  func run() async throws {
    let output = JSONLogOutput()
    let level = Logger.Level(rawValue: self.logLevel) ?? .info
    LoggingSystem.bootstrap { _ in JSONLogHandler(output: output, logLevel: level) }
    let logger = Logger(label: "chat-server")

    var configuration = ChatServiceConfiguration()
    configuration.maximumMessageBytes = self.maxMessageBytes
    configuration.maximumQueuedMessages = self.queueLimit
    configuration.maximumQueuedBytes = self.queueLimitBytes
    configuration.historySize = self.rooms.historySize
    configuration.heartbeatInterval = self.rooms.heartbeat
    let health = HealthService()
    let roomStore = try self.rooms.redisConfiguration().map { redis in
      RedisRoomStore(
        client: RedisClient(configuration: redis, logger: Logger(label: "redis")),
        historySize: self.rooms.historySize, logger: Logger(label: "chat.redis"))
    }
    let chat = ChatRoomService(
      configuration: configuration, backend: roomStore.map { .redis($0) } ?? .inProcess,
      logger: Logger(label: "chat.service"))
    // With Redis, the chat services serve only while Redis can be reached; "" (the process)
    // stays SERVING, so liveness probes do not restart a server that can do nothing about it.
    let chatServices = [ChatAPI.ChatService.descriptor.fullName, Chat_V1_RoomEvents.descriptor.fullName]
    for name in chatServices { health.setStatus(roomStore == nil ? .serving : .notServing, forService: name) }
    roomStore?.start { available in
      for name in chatServices { health.setStatus(available ? .serving : .notServing, forService: name) }
    }
    let reflection = ReflectionService(
      files: [ChatProto.fileDescriptor, Chat_V1_RoomEventsProto.fileDescriptor, HealthService.fileDescriptor]
        + ReflectionService.fileDescriptors,
      services: [chat, chat.roomEvents, health]
    )
    let services: [any RegistrableRPCService] = [chat, chat.roomEvents, health, reflection]

    let port = try self.resolvedPort()
    var transportConfiguration = NGHTTP2ServerConfiguration()
    transportConfiguration.handlerExecution = self.handlers == "concurrent" ? .globalExecutor : .eventLoop
    self.configureLifecycle(&transportConfiguration)
    transportConfiguration.tls = self.tls.configuration
    let transport =
      if let path = self.unixSocket {
        NGHTTP2ServerTransport(unixDomainSocketPath: path, configuration: transportConfiguration)
      } else {
        NGHTTP2ServerTransport(host: self.host, port: port, configuration: transportConfiguration)
      }
    let server = GRPCServer(
      transport: transport,
      services: services,
      logger: Logger(label: "grpc.server")
    )
    let healthServer = self.tls.healthPort.map { port in
      GRPCServer(
        transport: NGHTTP2ServerTransport(host: self.host, port: port), services: [health],
        logger: Logger(label: "grpc.health-server"))
    }
    let watcher = SignalWatcher()

    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      if let healthServer { group.addTask { try await healthServer.serve() } }
      let boundPort: Int
      do {
        boundPort = try await transport.listeningPort()
      } catch {
        var line = JSONObject()
        line.add("event", string: "bind failed")
        line.add("address", string: self.unixSocket.map { "unix:\($0)" } ?? "\(self.host):\(port)")
        line.add("error", string: "\(error)")
        output.open(firstLine: line.text)
        throw ExitCode.failure
      }
      var line = JSONObject()
      line.add("event", string: "listening")
      if let path = self.unixSocket {
        line.add("unix_socket", string: path)
      } else {
        line.add("port", integer: boundPort)
        line.add("host", string: self.host)
      }
      line.add("services", string: server.router.serviceNames.joined(separator: ","))
      line.add("tls", string: self.tls.mode)
      line.add("rooms", string: roomStore == nil ? "in-process" : "redis")
      if let roomStore { line.add("redis", string: roomStore.address) }
      if let healthPort = self.tls.healthPort { line.add("health_port", integer: healthPort) }
      output.open(firstLine: line.text)
      if transportConfiguration.tls != nil {
        group.addTask { await Self.reloadCertificatesOnSIGHUP(transport, logger: logger) }
      }

      let signals = watcher.signals
      group.addTask {
        for await signal in signals {
          logger.info("shutting down", metadata: ["signal": "\(SignalWatcher.name(of: signal))"])
          health.enterShutdown()
          server.beginGracefulShutdown()
          healthServer?.beginGracefulShutdown()
          return
        }
      }
      do {
        try await group.next()  // a signal, or the transport stopped by itself
        health.enterShutdown()
        server.beginGracefulShutdown()
        healthServer?.beginGracefulShutdown()
        // serve() returns once every connection has closed, which needs the open calls to end.
        await self.drain(chat, logger: logger)
        await roomStore?.shutdown()
        health.endWatches()
        group.cancelAll()
        try await group.waitForAll()
      } catch {
        logger.error("server failed", metadata: ["error": "\(error)"])
        throw ExitCode.failure
      }
      logger.info("stopped")
    }
  }

  /// Lets open calls finish for the grace period, then ends the rest with `UNAVAILABLE`, each
  /// after the messages already accepted for it. (The transport's own grace period is a second
  /// longer: it ends whatever a service left open.)
  private func drain(_ chat: ChatRoomService, logger: Logger) async {
    let open = chat.openCallCount
    guard open > 0 else { return }
    logger.info("draining calls", metadata: ["chat.open_calls": "\(open)"])
    let idle = await Self.waitUntilIdle(chat, timeout: .seconds(self.gracePeriod))
    if !idle {
      logger.info("grace period over", metadata: ["chat.open_calls": "\(chat.openCallCount)"])
      chat.endAllCalls(RPCError(code: .unavailable, message: "the server is shutting down"))
      _ = await Self.waitUntilIdle(chat, timeout: .seconds(1))
    }
  }

  private static func waitUntilIdle(_ chat: ChatRoomService, timeout: Duration) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
      group.addTask {
        await chat.waitUntilIdle()
        return !Task.isCancelled
      }
      group.addTask {
        try? await Task.sleep(for: timeout)
        return false
      }
      let first = await group.next() ?? false
      group.cancelAll()
      return first
    }
  }
}
