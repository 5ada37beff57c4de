import ChatAPI
import ChatService
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport

/// The typed ChatService client (the module `ChatService` shadows the type's short name).
typealias ChatClient = ChatAPI.ChatService.Client

/// A fixed server clock, so stamped timestamps can be compared.
let fixedTime: Int64 = 1_700_000_000_123

/// A configuration with the fixed clock and the given queue bound.
func makeConfiguration(maximumQueuedMessages: Int = 10_000) -> ChatServiceConfiguration {
  var configuration = ChatServiceConfiguration()
  configuration.currentTimeMilliseconds = { fixedTime }
  configuration.maximumQueuedMessages = maximumQueuedMessages
  return configuration
}

/// Serves a ``ChatRoomService`` on a free loopback port for the duration of `body`.
func withChatServer<Result: Sendable>(
  configuration: ChatServiceConfiguration = makeConfiguration(),
  transport: NGHTTP2ServerConfiguration = NGHTTP2ServerConfiguration(),
  _ body: (Int, ChatRoomService) async throws -> Result
) async throws -> Result {
  let service = ChatRoomService(configuration: configuration)
  return try await withTestServer(services: [service], configuration: transport) { port in
    try await body(port, service)
  }
}

/// A ChatService client on its own connection to `127.0.0.1:port`, closed after `body`.
func withChatClient<Result: Sendable>(
  port: Int,
  configuration: NGHTTP2ClientConfiguration = NGHTTP2ClientConfiguration(),
  _ body: (ChatClient) async throws -> Result
) async throws -> Result {
  let transport = NGHTTP2ClientTransport(
    host: "127.0.0.1",
    port: port,
    configuration: configuration
  )
  defer { transport.close() }
  return try await body(ChatClient(wrapping: GRPCClient(transport: transport)))
}

/// Call options that join `room` (a deadline of 30 s, stretched in a sanitizer run).
func joining(_ room: String) -> CallOptions {
  CallOptions(timeout: .seconds(30).slowed, metadata: ["chat-room": .string(room)])
}

extension RequestStream.AsyncIterator {
  /// The next message; throws `INTERNAL` if the stream ended instead.
  mutating func nextMessage() async throws -> Message {
    guard let message = try await self.next() else {
      throw RPCError(code: .internal, message: "the stream ended before the expected message")
    }
    return message
  }
}

/// Sends every message, half-closes, and returns every response until the server's `OK`.
func exchange(
  _ client: ChatClient,
  options: CallOptions = CallOptions(timeout: .seconds(30)),
  _ messages: [ChatMessage]
) async throws -> [ChatMessage] {
  try await client.chatStream(options: options) { writer, responses in
    for message in messages { try await writer.write(message) }
    writer.finish()
    var received: [ChatMessage] = []
    for try await message in responses { received.append(message) }
    return received
  }
}

/// A one-shot signal from one task to one waiting task. Firing again does nothing, and a waiting
/// task that is cancelled stops waiting.
struct Signal: Sendable {
  private let stream: AsyncStream<Void>
  private let continuation: AsyncStream<Void>.Continuation

  init() {
    (self.stream, self.continuation) = AsyncStream.makeStream(of: Void.self)
  }

  func fire() {
    self.continuation.yield()
    self.continuation.finish()
  }

  func wait() async {
    for await _ in self.stream { break }
  }
}
