import ChatAPI
import ChatClient
import ChatService
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Logging

/// A fixed server clock, so stamped timestamps can be compared.
let fixedTime: Int64 = 1_700_000_000_123

/// Serves a ``ChatRoomService`` and its `chat.v1.RoomEvents` with the fixed clock on a free
/// loopback port for `body`.
func withChatServer<Result: Sendable>(
  maximumMessageBytes: Int = 4096,
  _ body: (Int) async throws -> Result
) async throws -> Result {
  var configuration = ChatServiceConfiguration()
  configuration.currentTimeMilliseconds = { fixedTime }
  configuration.maximumMessageBytes = maximumMessageBytes
  return try await withTestServer(services: chatServices(configuration)) { port in
    try await body(port)
  }
}

/// A fresh ``ChatRoomService`` and its `roomEvents`, as chat-server registers them.
func chatServices(_ configuration: ChatServiceConfiguration = ChatServiceConfiguration())
  -> [any RegistrableRPCService]
{
  let service = ChatRoomService(configuration: configuration)
  return [service, service.roomEvents]
}

/// Serves `services` on `127.0.0.1:port` (0 for a free port) for `body`, then shuts down and
/// waits until the server has stopped.
func withServer<Result: Sendable>(
  port: Int,
  services: [any RegistrableRPCService],
  _ body: (Int) async throws -> Result
) async throws -> Result {
  let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: port)
  var logger = Logger(label: "test.server")
  logger.logLevel = .critical
  let server = GRPCServer(transport: transport, services: services, logger: logger)
  return try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { try await server.serve() }
    do {
      let result = try await body(try await transport.listeningPort())
      server.beginGracefulShutdown()
      try await group.waitForAll()
      return result
    } catch {
      server.beginGracefulShutdown()
      group.cancelAll()
      throw error
    }
  }
}

/// A ``ChatClient`` of `127.0.0.1:port`, closed after `body`.
func withClient<Result: Sendable>(
  port: Int,
  _ body: (ChatClient) async throws -> Result
) async throws -> Result {
  let client = ChatClient(host: "127.0.0.1", port: port)
  defer { client.close() }
  return try await body(client)
}

/// Echoes each request's `message` with the request metadata value named by it (or `<none>`),
/// and reports in `timestamp` the milliseconds left until the call's deadline (-1 without one).
/// Its response headers carry `x-served-by: metadata-echo`.
struct MetadataEchoService: ChatAPI.ChatService.ServiceProtocol {
  func chatStream(
    requests: RequestStream<ChatMessage>,
    responses: ResponseWriter<ChatMessage>,
    context: ServerContext
  ) async throws {
    context.addResponseHeaders(["x-served-by": "metadata-echo"])
    for try await request in requests {
      let values = context.requestMetadata[stringValues: request.message]
      var remaining: Int64 = -1
      if let deadline = context.deadline {
        let left = deadline - ContinuousClock.now
        remaining =
          left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
      }
      let text = values.isEmpty ? "<none>" : values.joined(separator: ",")
      try await responses.write(
        ChatMessage(user: request.user, message: text, timestamp: remaining)
      )
    }
  }
}

extension ChatMessages.AsyncIterator {
  /// The next message; throws `INTERNAL` if the stream ended instead.
  mutating func nextMessage() async throws -> ChatMessage {
    guard let message = try await self.next() else {
      throw RPCError(code: .internal, message: "the stream ended before the expected message")
    }
    return message
  }
}

/// Reads requests and never answers: a call to it only ends by its deadline or cancellation.
struct SilentChatService: ChatAPI.ChatService.ServiceProtocol {
  func chatStream(
    requests: RequestStream<ChatMessage>,
    responses: ResponseWriter<ChatMessage>,
    context: ServerContext
  ) async throws {
    for try await _ in requests {}
  }
}

/// Runs `body` with a port below Linux's ephemeral range (32768-60999), where neither `bind` to
/// port 0 nor outgoing connections land, so that a server can stop and start again on it while
/// other tests run. Tries another port when `body` fails because the port was taken.
func withRestartablePort<Result: Sendable>(
  isTaken: (any Error) -> Bool,
  _ body: (Int) async throws -> Result
) async throws -> Result {
  var attempt = 0
  while true {
    attempt += 1
    do {
      return try await body(Int.random(in: 20_000 ..< 32_000))
    } catch  where attempt < 10 && isTaken(error) {
      continue
    }
  }
}
