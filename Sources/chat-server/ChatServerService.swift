import ChatRoomsRedis
import ChatService
import GRPCKit
import GRPCKitNGHTTP2
import HealthService
import Logging
import ServiceLifecycle

/// chat-server's gRPC side as a `Service`: serves the chat, health and reflection services
/// (and the health-only port, if any), writes the first log line once bound, and, when the
/// service group shuts down gracefully (SIGTERM, SIGINT) or the transport stops by itself, runs
/// the shutdown order: health reports NOT_SERVING, both transports send GOAWAY, open calls drain
/// for the grace period, the rest end with `UNAVAILABLE` after the messages accepted for them,
/// then Redis closes and health watches end.
struct ChatServerService: Service {
  let server: GRPCServer
  let transport: NGHTTP2ServerTransport
  let healthServer: GRPCServer?
  let health: HealthService
  let chat: ChatRoomService
  let roomStore: RedisRoomStore?
  let grace: ShutdownGrace
  let output: JSONLogOutput
  let logger: Logger
  /// The first log line once the port is bound (`{"event":"listening",…}`).
  let listeningLine: @Sendable (_ port: Int) -> String
  /// The first log line when binding failed.
  let bindFailureLine: @Sendable (_ error: any Error) -> String

  func run() async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await self.server.serve() }
      if let healthServer = self.healthServer { group.addTask { try await healthServer.serve() } }
      let port: Int
      do {
        port = try await self.transport.listeningPort()
      } catch {
        self.output.open(firstLine: self.bindFailureLine(error))
        group.cancelAll()
        throw ChatServerExit.bindFailed
      }
      self.output.open(firstLine: self.listeningLine(port))
      if self.transport.configuration.tls != nil {
        group.addTask {
          await ChatServerCommand.reloadCertificatesOnSIGHUP(self.transport, logger: self.logger)
        }
      }
      // The service group's graceful shutdown, or the transport stopping by itself.
      group.addTask { try? await gracefulShutdown() }
      do {
        try await group.next()
        self.logger.info("shutting down")
        self.health.enterShutdown()
        self.server.beginGracefulShutdown()
        self.healthServer?.beginGracefulShutdown()
        // serve() returns once every connection has closed, which needs the open calls to end.
        await self.drain()
        await self.roomStore?.shutdown()
        self.health.endWatches()
        group.cancelAll()
        try await group.waitForAll()
      } catch {
        self.logger.error("server failed", metadata: ["error": "\(error)"])
        throw ChatServerExit.serverFailed
      }
    }
    self.logger.info("stopped")
  }

  /// Lets open calls finish for the grace period, then ends the rest with `UNAVAILABLE`, each
  /// after the messages already accepted for it. (The transports' grace period is a second
  /// longer: they end whatever a service left open.)
  private func drain() async {
    let open = self.chat.openCallCount
    guard open > 0 else { return }
    self.logger.info("draining calls", metadata: ["chat.open_calls": "\(open)"])
    let idle = await Self.waitUntilIdle(self.chat, timeout: self.grace.service)
    if !idle {
      self.logger.info(
        "grace period over",
        metadata: ["chat.open_calls": "\(self.chat.openCallCount)"]
      )
      self.chat.endAllCalls(RPCError(code: .unavailable, message: "the server is shutting down"))
      _ = await Self.waitUntilIdle(self.chat, timeout: .seconds(1))
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

/// Why chat-server exits non-zero, after it logged the cause.
enum ChatServerExit: Error {
  case bindFailed
  case serverFailed
}
