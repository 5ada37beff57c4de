/// Membership of one room for the duration of ``ChatClient/withRoom(_:user:timeout:metadata:_:)``.
///
/// ```swift
/// try await client.withRoom("ops", user: "ada") { room in
///   try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask {
///       for try await message in room.messages { print("\(message.user): \(message.message)") }
///     }
///     try await room.send("hello")
///     room.leave()
///     try await group.waitForAll()   // the server ends the call once it delivered our messages
///   }
/// }
/// ```
public struct ChatRoomSession: Sendable {
  /// The request metadata key that names the room.
  public static let roomMetadataKey = "chat-room"

  /// The room's name.
  public let room: String
  /// The name this session's messages carry.
  public let user: String
  /// Every message of the room from the moment of joining, in the order all members see them,
  /// including this session's own (each with the server's timestamp). Iterate it from one task.
  public let messages: ChatMessages
  private let writer: RequestWriter<ChatMessage>

  init(
    room: String,
    user: String,
    writer: RequestWriter<ChatMessage>,
    responses: ResponseStream<ChatMessage>
  ) {
    self.room = room
    self.user = user
    self.writer = writer
    self.messages = ChatMessages(responses: responses)
  }

  /// Sends `text` as ``user``. Its acknowledgement is its copy in ``messages``.
  ///
  /// Suspends while the server is not reading fast enough.
  ///
  /// - Parameter text: The message text.
  /// - Throws: `RPCError` when the call has ended (``messages`` then throws the server's status)
  ///   or after ``leave()``.
  public func send(_ text: String) async throws {
    try await self.send(ChatMessage(user: self.user, message: text))
  }

  /// Sends `message` as it is: its own `user`, and its `timestamp` (0 lets the server stamp it).
  ///
  /// - Parameter message: The message.
  /// - Throws: `RPCError` when the call has ended or after ``leave()``.
  public func send(_ message: ChatMessage) async throws {
    try await self.writer.write(message)
  }

  /// Ends the sending side (an HTTP/2 half-close). The server then leaves the room for this
  /// session and ends the call with OK once everything it accepted before has been delivered:
  /// ``messages`` ends without an error.
  public func leave() {
    self.writer.finish()
  }

  /// The response metadata the server sent when it accepted the call; waits for it. Empty when
  /// the call ended without any (for example when the server rejected the room at once).
  ///
  /// - Throws: `RPCError` when the call fails.
  public func serverMetadata() async throws -> Metadata {
    try await self.messages.responses.headers()
  }

  /// Sends `text`, reads ``messages`` until the server's copy of it, leaves, and reads the rest
  /// of the call (to the server's OK).
  func sendAndWaitForEcho(_ text: String) async throws -> ChatMessage {
    var iterator = self.messages.makeAsyncIterator()
    do {
      try await self.send(text)
    } catch {
      // The server ended the call first (an invalid room): its status is the real outcome.
      while try await iterator.next() != nil {}
      throw error
    }
    let sender = self.user.isEmpty ? "anonymous" : self.user
    while let message = try await iterator.next() {
      guard message.user == sender, message.message == text else { continue }
      self.leave()
      while try await iterator.next() != nil {}
      return message
    }
    throw RPCError(
      code: .internal,
      message: "the server ended the call with OK before echoing the message"
    )
  }
}
