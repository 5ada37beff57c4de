public import ChatAPI
public import GRPCKit
import Logging

/// The `chat.v1.RoomEvents` implementation: the rooms of a ``ChatRoomService`` as resumable
/// event streams.
///
/// `Subscribe` sends the room's retained messages after `after_id` (`""`: none, live messages
/// only; `"0"`: from the oldest retained), then live ones, each once, in room order, each with
/// its event id; it starts with a heartbeat (a `RoomEvent` without id or message), whose
/// response headers name the room's last id (``lastIDKey``), and sends another every
/// ``ChatServiceConfiguration/heartbeatInterval`` while the room is quiet. `Publish` validates, stamps
/// and stores one message as if a member had sent it on ChatStream, and answers with it and its
/// id once it is stored. ChatStream members and subscribers share the rooms.
///
/// Get it from ``ChatRoomService/roomEvents``:
///
/// ```swift
/// let chat = ChatRoomService()
/// let server = GRPCServer(transport: transport, services: [chat, chat.roomEvents])
/// ```
public final class RoomEventsService: Chat_V1_RoomEvents.ServiceProtocol {
  /// The response header that names the room's last event id when the subscription started
  /// (`"0"` when the room has none): a client that loses the stream before any message resumes
  /// after it.
  public static let lastIDKey = "chat-last-id"

  private let configuration: ChatServiceConfiguration
  private let rules: ChatRules
  private let directory: RoomDirectory
  private let logger: Logger

  init(configuration: ChatServiceConfiguration, rules: ChatRules, directory: RoomDirectory, logger: Logger) {
    self.configuration = configuration
    self.rules = rules
    self.directory = directory
    self.logger = logger
  }

  /// Serves one subscription.
  ///
  /// - Throws: ``RPCError``: `INVALID_ARGUMENT` for an invalid room or `after_id`,
  ///   `OUT_OF_RANGE` (trailing metadata `chat-oldest-id`) for an id the room does not retain,
  ///   `RESOURCE_EXHAUSTED` for a slow consumer, `UNAVAILABLE` during a shutdown or when the
  ///   room's shared history was lost.
  public func subscribe(
    request: Chat_V1_SubscribeRequest,
    responses: ResponseWriter<Chat_V1_RoomEvent>,
    context: ServerContext
  ) async throws {
    var logger = self.logger
    logger[metadataKey: "grpc.peer"] = "\(context.peer)"
    let roomName = try ChatRules.roomName(field: request.room)
    let position = try RoomPosition(afterID: request.afterId)
    logger[metadataKey: "chat.room"] = "\(roomName)"

    let member = RoomMember(
      maximumMessages: self.configuration.maximumQueuedMessages,
      maximumBytes: self.configuration.maximumQueuedBytes,
      readsEventIDs: true
    )
    let (room, lastID) = try await self.directory.join(room: roomName, member: member, at: position)
    logger.debug("subscriber joined", metadata: ["chat.after_id": "\(request.afterId)"])
    // Where the subscription starts, for a client that resumes before any message arrived; the
    // first heartbeat carries the headers out at once.
    context.addResponseHeaders([Self.lastIDKey: .string(lastID.map(\.description) ?? "0")])
    do {
      try await responses.write(Chat_V1_RoomEvent())
    } catch {
      self.directory.endCall(room: room, member: member)
      throw error
    }

    let interval = self.configuration.heartbeatInterval
    let outcome = await RoomCall.run(
      member, in: room, directory: self.directory,
      tasks: [
        { await member.sendHeartbeats(every: interval) },
        {
          await member.write { item in
            switch item {
            case .record(let record):
              try await responses.write(Chat_V1_RoomEvent(id: record.id.description, message: record.message))
              self.directory.metrics?.delivered.increment()
            case .heartbeat:
              try await responses.write(Chat_V1_RoomEvent())
            }
          }
        },
      ])
    if case .failure(let error) = outcome {
      if error.code == .resourceExhausted { self.directory.metrics?.slowConsumers.increment() }
      logger.debug("subscriber ended", metadata: ["grpc.status": "\(error.code)", "chat.error": "\(error.message)"])
      throw error
    }
  }

  /// Stores one message.
  ///
  /// - Returns: The message as stored (user and timestamp filled in) and its id.
  /// - Throws: ``RPCError``: `INVALID_ARGUMENT` for an invalid room or message, `UNAVAILABLE`
  ///   when the shared store cannot be reached.
  public func publish(request: Chat_V1_PublishRequest, context: ServerContext) async throws -> Chat_V1_RoomEvent {
    let roomName = try ChatRules.roomName(field: request.room)
    var message = request.message ?? ChatMessage()
    try self.rules.admit(&message)
    let id = try await self.directory.append(message, to: roomName)
    return Chat_V1_RoomEvent(id: id.description, message: message)
  }
}
