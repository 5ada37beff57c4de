public import GRPCKitNGHTTP2

/// A client of a `ChatService` server: join a room, send messages, read the room's messages.
///
/// One `ChatClient` is one client channel to a target (see ``init(target:connectTimeout:)``),
/// shared by all its calls: it connects on the first call, spreads calls over every address of
/// the target, and reconnects with backoff after a connection was lost (for example when the
/// server restarted). Every failure is an `RPCError` whose `code` says what
/// happened: `UNAVAILABLE` when no connection can be made (the message names the address),
/// `INVALID_ARGUMENT` for an invalid room name or a message the server rejects (the message
/// names the rule), `DEADLINE_EXCEEDED` when a call's timeout passes, `RESOURCE_EXHAUSTED` when
/// the server ends a member that reads too slowly.
///
/// ```swift
/// import ChatClient
///
/// let client = try ChatClient(target: "127.0.0.1:50051")
/// defer { client.close() }
///
/// // One message, as a job would send it: returns the server's stamped echo.
/// let echo = try await client.send("deploy finished", as: "ci", room: "ops", timeout: .seconds(5))
/// print(echo.timestamp)
///
/// // A session: send and read concurrently, then leave.
/// try await client.withRoom("ops", user: "ada") { room in
///   try await room.send("hello")
///   room.leave()
///   for try await message in room.messages { print("\(message.user): \(message.message)") }
/// }
/// ```
public final class ChatClient: Sendable {
  /// The server's host name or address (the first one of an address list); the socket path of
  /// a `unix:` target.
  public let host: String
  /// The server's port; 0 for a `unix:` target.
  public let port: Int
  /// The target, as given.
  public let target: String
  let transport: NGHTTP2ClientTransport

  /// Creates a client of the server at `host:port`; nothing connects until the first call.
  ///
  /// - Parameters:
  ///   - host: The server's host name (resolved to all its addresses) or IP address.
  ///   - port: The server's port.
  ///   - connectTimeout: How long one connection attempt may take.
  ///   - tls: TLS settings (trust roots, a client certificate for mutual TLS); `nil`, the
  ///     default, connects in cleartext.
  public convenience init(
    host: String, port: Int, connectTimeout: Duration = .seconds(10), tls: ClientTLSConfiguration? = nil
  ) {
    let address = ClientTarget.HostAndPort(host: host, port: port)
    let parsed = (try? ClientTarget(parsing: address.description)) ?? ClientTarget(.name(host: host, port: port))
    self.init(parsed: parsed, text: address.description, connectTimeout: connectTimeout, tls: tls)
  }

  /// Creates a client of the server at `target`; nothing connects until the first call.
  ///
  /// `target` is `HOST:PORT` (`[IPv6]:PORT`), `dns:///HOST:PORT`, `ipv4:ADDR:PORT[,…]`,
  /// `ipv6:[ADDR]:PORT[,…]` or `unix:PATH` (see `ClientTarget`). A name resolves to all its
  /// addresses and calls are spread round-robin over them.
  ///
  /// - Parameters:
  ///   - target: The server, for example `127.0.0.1:50051`, `chat.example.com:443` or
  ///     `unix:/run/chat.sock`.
  ///   - connectTimeout: How long one connection attempt may take.
  ///   - tls: TLS settings; `nil`, the default, connects in cleartext. For example
  ///     `ClientTLSConfiguration(trustRootsPath: "ca.pem")`, plus `certificateChainPath` and
  ///     `privateKeyPath` for a server that requires client certificates.
  /// - Throws: `RPCError` with code `INVALID_ARGUMENT` naming the rule `target` breaks.
  public convenience init(
    target: String, connectTimeout: Duration = .seconds(10), tls: ClientTLSConfiguration? = nil
  ) throws(RPCError) {
    self.init(parsed: try ClientTarget(parsing: target), text: target, connectTimeout: connectTimeout, tls: tls)
  }

  private init(parsed: ClientTarget, text: String, connectTimeout: Duration, tls: ClientTLSConfiguration?) {
    var configuration = NGHTTP2ClientConfiguration()
    configuration.connectTimeout = connectTimeout
    configuration.tls = tls
    self.transport = NGHTTP2ClientTransport(target: parsed, configuration: configuration)
    self.host = self.transport.host
    self.port = self.transport.port
    self.target = text
  }

  /// The generated `chat.v1.RoomEvents` client over this client's channel, for calls the
  /// methods here do not cover (a single `Subscribe` stream without resuming, for example).
  ///
  /// ```swift
  /// try await client.roomEvents.subscribe(Chat_V1_SubscribeRequest(room: "ops", afterId: "0")) {
  ///   for try await event in $0 where event.message != nil { print(event.id) }
  /// }
  /// ```
  public var roomEvents: Chat_V1_RoomEvents.Client {
    Chat_V1_RoomEvents.Client(wrapping: GRPCClient(transport: self.transport))
  }

  /// Closes the connections. Open calls fail with `UNAVAILABLE`, and so do later calls.
  public func close() {
    self.transport.close()
  }

  /// Joins `room` as `user` for the duration of `body`.
  ///
  /// `body` gets a ``ChatRoomSession``: ``ChatRoomSession/send(_:)`` sends a message,
  /// ``ChatRoomSession/messages`` yields every message of the room from the moment of joining
  /// (the session's own messages included: the server's copy is the acknowledgement), and
  /// ``ChatRoomSession/leave()`` ends the sending side, after which the server ends the call
  /// with OK once it has delivered everything it accepted before. Sending and reading may run
  /// concurrently, for example in a task group.
  ///
  /// When `body` returns, the session leaves if it had not; if the server had not ended the call
  /// yet (messages were not read to the end), the call is cancelled.
  ///
  /// ```swift
  /// let (last, count) = try await client.withRoom("ops", user: "ada", timeout: .seconds(30)) {
  ///   room in
  ///   try await room.send("hi")
  ///   room.leave()
  ///   var messages: [ChatMessage] = []
  ///   for try await message in room.messages { messages.append(message) }
  ///   return (messages.last, messages.count)
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - room: The room: 1 to 64 characters of `A-Z a-z 0-9 . _ -` (sent as `chat-room`
  ///     metadata).
  ///   - user: The name the session's messages carry; the server turns an empty name into
  ///     `anonymous`.
  ///   - timeout: The deadline of the whole session; `nil` for none.
  ///   - metadata: More request metadata (for example an authorization header for a proxy).
  ///   - body: What to do in the room.
  /// - Returns: What `body` returns.
  /// - Throws: `RPCError` (see ``ChatClient``), or what `body` threw.
  public func withRoom<Result: Sendable>(
    _ room: String = "lobby",
    user: String,
    timeout: Duration? = nil,
    metadata: Metadata = [:],
    _ body: (ChatRoomSession) async throws -> Result
  ) async throws -> Result {
    var requestMetadata = metadata
    requestMetadata.removeAll(ChatRoomSession.roomMetadataKey)
    requestMetadata.add(ChatRoomSession.roomMetadataKey, room)
    let options = CallOptions(timeout: timeout, metadata: requestMetadata)
    let client = ChatAPI.ChatService.Client(wrapping: GRPCClient(transport: self.transport))
    return try await client.chatStream(options: options) { writer, responses in
      try await body(ChatRoomSession(room: room, user: user, writer: writer, responses: responses))
    }
  }

  /// Stores one message in `room` (`chat.v1.RoomEvents/Publish`) without joining it, and
  /// returns it as stored, with its event id. The reply means the message is stored (with a
  /// shared store, in the store): a job's "sent" is certain.
  ///
  /// ```swift
  /// let event = try await client.publish("nightly backup done", as: "cron", room: "ops")
  /// print(event.id, event.message?.timestamp ?? 0)
  /// ```
  ///
  /// - Parameters:
  ///   - text: The message text.
  ///   - user: The sender's name.
  ///   - room: The room.
  ///   - timeout: The deadline of the call; `nil` for none.
  ///   - metadata: More request metadata.
  /// - Returns: The stored message and its id.
  /// - Throws: `RPCError`: `INVALID_ARGUMENT` for a room or message the server rejects,
  ///   `UNAVAILABLE` without a connection or when the server cannot store it.
  public func publish(
    _ text: String,
    as user: String,
    room: String = "lobby",
    timeout: Duration? = nil,
    metadata: Metadata = [:]
  ) async throws -> Chat_V1_RoomEvent {
    let client = Chat_V1_RoomEvents.Client(wrapping: GRPCClient(transport: self.transport))
    return try await client.publish(
      Chat_V1_PublishRequest(room: room, message: ChatMessage(user: user, message: text)),
      options: CallOptions(timeout: timeout, metadata: metadata))
  }

  /// Joins `room`, sends one message, waits for the server's copy of it, leaves, and returns the
  /// copy: the message as every member saw it, with the server's timestamp.
  ///
  /// ```swift
  /// let echo = try await client.send("build 1234 passed", as: "ci", room: "ops")
  /// ```
  ///
  /// - Parameters:
  ///   - text: The message text (4 KiB at most with the server's default limit).
  ///   - user: The sender's name.
  ///   - room: The room.
  ///   - timeout: The deadline of the whole exchange; `nil` for none.
  ///   - metadata: More request metadata.
  /// - Returns: The server's copy of the message.
  /// - Throws: `RPCError`: `INVALID_ARGUMENT` when the server rejects the room or the message,
  ///   `UNAVAILABLE` without a connection, `DEADLINE_EXCEEDED` after `timeout`.
  public func send(
    _ text: String,
    as user: String,
    room: String = "lobby",
    timeout: Duration? = nil,
    metadata: Metadata = [:]
  ) async throws -> ChatMessage {
    try await self.withRoom(room, user: user, timeout: timeout, metadata: metadata) { session in
      try await session.sendAndWaitForEcho(text)
    }
  }
}
