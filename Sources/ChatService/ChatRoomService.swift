public import ChatAPI
public import GRPCKit
public import Logging

/// The `ChatService` implementation: rooms, broadcast, slow-consumer protection.
///
/// A call joins the room named by its `chat-room` metadata (`lobby` when absent). Every message
/// it sends is validated, stamped with the server's time when its `timestamp` is 0, and
/// broadcast to every member of the room, the sender included; all members see one order. A
/// member whose queue passes its bound is ended with `RESOURCE_EXHAUSTED` without slowing the
/// room. When the client half-closes, the call ends with `OK` once everything accepted before
/// the half-close has been written to it.
///
/// ```swift
/// let service = ChatRoomService(logger: Logger(label: "chat"))
/// let server = GRPCServer(transport: transport, services: [service])
/// try await server.serve()
/// ```
public final class ChatRoomService: ChatAPI.ChatService.ServiceProtocol {
  /// The limits and clock in use.
  public let configuration: ChatServiceConfiguration
  private let rules: ChatRules
  private let registry = RoomRegistry()
  private let logger: Logger

  /// Creates the service.
  ///
  /// - Parameters:
  ///   - configuration: Message limits, queue bounds and the clock.
  ///   - logger: Receives call events at debug and info level, with `chat.room` metadata.
  public init(
    configuration: ChatServiceConfiguration = ChatServiceConfiguration(),
    logger: Logger = Logger(label: "chat.service")
  ) {
    self.configuration = configuration
    self.rules = ChatRules(configuration: configuration)
    self.logger = logger
  }

  /// Serves one ChatStream call.
  ///
  /// - Throws: ``RPCError``: `INVALID_ARGUMENT` for an invalid room or message,
  ///   `RESOURCE_EXHAUSTED` for a slow consumer, `UNAVAILABLE` after ``endAllCalls(_:)``.
  public func chatStream(
    requests: RequestStream<ChatMessage>,
    responses: ResponseWriter<ChatMessage>,
    context: ServerContext
  ) async throws {
    var logger = self.logger
    logger[metadataKey: "grpc.peer"] = "\(context.peer)"
    let roomName: String
    do {
      roomName = try ChatRules.roomName(from: context.requestMetadata)
    } catch {
      logger.debug("call rejected", metadata: ["chat.error": "\(error.message)"])
      throw error
    }
    logger[metadataKey: "chat.room"] = "\(roomName)"

    let member = RoomMember(
      maximumMessages: self.configuration.maximumQueuedMessages,
      maximumBytes: self.configuration.maximumQueuedBytes
    )
    let room = self.registry.join(room: roomName, member: member)
    logger.debug("member joined")

    let outcome = await withTaskGroup(of: Void.self) { group in
      group.addTask { await self.receive(requests, from: member, in: room) }
      group.addTask { await member.write(to: responses) }
      let outcome = await withTaskCancellationHandler {
        await member.outcome()
      } onCancel: {
        member.end(.failure(RPCError(code: .cancelled, message: "the call was cancelled")))
      }
      group.cancelAll()
      return outcome
    }
    self.registry.endCall(room: room, member: member)

    switch outcome {
    case .success:
      logger.debug("member left")
    case .failure(let error) where error.code == .resourceExhausted:
      logger.info("slow consumer ended", metadata: ["chat.error": "\(error.message)"])
      throw error
    case .failure(let error):
      logger.debug(
        "member ended",
        metadata: ["grpc.status": "\(error.code)", "chat.error": "\(error.message)"]
      )
      throw error
    }
  }

  /// Validates and broadcasts the call's messages; at the half-close, leaves the room and lets
  /// the writer drain.
  private func receive(
    _ requests: RequestStream<ChatMessage>,
    from member: RoomMember,
    in room: ChatRoom
  ) async {
    do {
      for try await request in requests {
        try Task.checkCancellation()
        var message = request
        try self.rules.admit(&message)
        room.broadcast(message)
      }
      self.registry.leave(room: room, member: member)
      member.finishAfterDraining()
    } catch {
      member.end(.failure(RPCError(wrapping: error)))
    }
  }

  // MARK: Shutdown and inspection

  /// Ends every open call with `error`, for example `UNAVAILABLE` once a shutdown's grace
  /// period has passed. Every room stops taking messages at once; each call first receives the
  /// messages already accepted for it (no accepted message is lost), then its status. Calls
  /// that start later are not affected.
  ///
  /// - Parameter error: The status the calls end with.
  public func endAllCalls(_ error: RPCError) {
    self.registry.endAll(error)
  }

  /// Returns once no call is open, or when the calling task is cancelled.
  public func waitUntilIdle() async {
    await self.registry.waitUntilIdle()
  }

  /// The names of the rooms that currently have members, sorted.
  public var roomNames: [String] { self.registry.roomNames }

  /// The number of open ChatStream calls.
  public var openCallCount: Int { self.registry.callCount }
}
