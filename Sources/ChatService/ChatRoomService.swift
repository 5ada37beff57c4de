public import ChatAPI
public import GRPCKit
public import Logging

/// The `ChatService` implementation: rooms, broadcast, history, slow-consumer protection.
///
/// A call joins the room named by its `chat-room` metadata (`lobby` when absent). Every message
/// it sends is validated, stamped with the server's time when its `timestamp` is 0, stored as
/// the room's next message (with an event id; the room keeps the last
/// ``ChatServiceConfiguration/historySize``) and broadcast to every member of the room, the
/// sender included; all members see one order. A member whose queue passes its bound is ended
/// with `RESOURCE_EXHAUSTED` without slowing the room. When the client half-closes, the call
/// ends with `OK` once everything accepted before the half-close has been written to it.
///
/// When a swift-metrics backend is bootstrapped before the service is created, it records
/// `chat_open_streams`, `chat_rooms`, `chat_room_members`, `chat_messages_broadcast_total`,
/// `chat_messages_delivered_total` and `chat_slow_consumers_total` (no label names a room).
///
/// The same rooms are served by ``roomEvents`` (`chat.v1.RoomEvents`: subscribe from an event
/// id, publish). With a shared backend (`ChatRoomsRedis`), every server on the store delivers
/// every room's messages to its own members.
///
/// ```swift
/// let service = ChatRoomService(logger: Logger(label: "chat"))
/// let server = GRPCServer(transport: transport, services: [service, service.roomEvents])
/// try await server.serve()
/// ```
public final class ChatRoomService: ChatAPI.ChatService.ServiceProtocol {
  /// The limits and clock in use.
  public let configuration: ChatServiceConfiguration
  /// `chat.v1.RoomEvents` over the same rooms: register it beside this service.
  public let roomEvents: RoomEventsService
  private let rules: ChatRules
  private let directory: RoomDirectory
  private let logger: Logger

  /// Creates the service.
  ///
  /// - Parameters:
  ///   - configuration: Message limits, queue bounds, history, heartbeats and the clock.
  ///   - backend: Where rooms live: ``ChatRoomBackend/inProcess`` (the default) or a store
  ///     several servers share.
  ///   - logger: Receives call events at debug and info level, with `chat.room` metadata.
  public init(
    configuration: ChatServiceConfiguration = ChatServiceConfiguration(),
    backend: ChatRoomBackend = .inProcess,
    logger: Logger = Logger(label: "chat.service")
  ) {
    self.configuration = configuration
    self.rules = ChatRules(configuration: configuration)
    self.directory = RoomDirectory(
      sharedStore: backend.sharedStore,
      historySize: configuration.historySize,
      maximumIdleRooms: configuration.maximumIdleRooms,
      metrics: .ifBootstrapped()
    )
    self.logger = logger
    self.roomEvents = RoomEventsService(
      configuration: configuration, rules: self.rules, directory: self.directory, logger: logger)
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
    let room = try await self.directory.join(room: roomName, member: member, at: .live).room
    logger.debug("member joined")

    let outcome = await RoomCall.run(
      member, in: room, directory: self.directory,
      tasks: [
        { await self.receive(requests, from: member, in: room) },
        {
          await member.write { item in
            if case .record(let record) = item {
              try await responses.write(record.message)
              self.directory.metrics?.delivered.increment()
            }
          }
        },
      ])

    switch outcome {
    case .success:
      logger.debug("member left")
    case .failure(let error) where error.code == .resourceExhausted:
      self.directory.metrics?.slowConsumers.increment()
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

  /// Validates, stores and broadcasts the call's messages; at the half-close, waits until the
  /// last of them came back from a shared store, leaves the room and lets the writer drain.
  private func receive(
    _ requests: RequestStream<ChatMessage>,
    from member: RoomMember,
    in room: ChatRoom
  ) async {
    do {
      if let store = self.directory.sharedStore {
        let lastID = try await self.receive(requests, storingIn: store, room: room.name)
        if let lastID { await room.waitForDelivery(of: lastID) }
      } else {
        for try await request in requests {
          try Task.checkCancellation()
          var message = request
          try self.rules.admit(&message)
          _ = room.append(message)
        }
      }
      self.directory.leave(room: room, member: member)
      member.finishAfterDraining()
    } catch {
      member.end(.failure(RPCError(wrapping: error)))
    }
  }

  /// How many of one sender's messages may be on their way to a shared store at once.
  static let maximumPipelinedAppends = 64

  /// Stores the call's messages in a shared store, pipelined: each append starts as its
  /// message arrives, in the call's order, and up to ``maximumPipelinedAppends`` are waited
  /// for later (members see a message only once the store has it, so nothing is acknowledged
  /// early). The first failure ends the call.
  ///
  /// - Returns: The id of the last message stored; `nil` when the call sent none.
  private func receive(
    _ requests: RequestStream<ChatMessage>,
    storingIn store: any SharedRoomStore,
    room: String
  ) async throws -> RoomEventID? {
    var pending: [PendingRoomAppend] = []
    var next = 0
    var lastID: RoomEventID?
    func waitForOldest() async throws(RPCError) {
      lastID = try await pending[next].id()
      next += 1
      if next == pending.count {
        pending.removeAll(keepingCapacity: true)
        next = 0
      }
    }
    for try await request in requests {
      try Task.checkCancellation()
      var message = request
      try self.rules.admit(&message)
      if pending.count - next >= Self.maximumPipelinedAppends { try await waitForOldest() }
      if let started = store.startAppend(message, toRoomNamed: room) {
        pending.append(started)
        // A sender with this one append out and nothing more queued (ping-pong) waits for it
        // now, while idle anyway: it resumes with the reply instead of a later wake-up. A
        // busier sender keeps reading.
        if pending.count - next == 1, !requests.hasQueuedMessage { try await waitForOldest() }
      } else {
        // No connection open: let the earlier ones finish, then wait for this one (it connects).
        while next < pending.count { try await waitForOldest() }
        lastID = try await store.append(message, toRoomNamed: room)
      }
    }
    while next < pending.count { try await waitForOldest() }
    return lastID
  }

  // MARK: Shutdown and inspection

  /// Ends every open call with `error`, for example `UNAVAILABLE` once a shutdown's grace
  /// period has passed. Every room stops taking messages at once; each call first receives the
  /// messages already accepted for it (no accepted message is lost), then its status. Calls
  /// that start later are not affected.
  ///
  /// - Parameter error: The status the calls end with.
  public func endAllCalls(_ error: RPCError) {
    self.directory.endAll(error)
  }

  /// Returns once no call is open, or when the calling task is cancelled.
  public func waitUntilIdle() async {
    await self.directory.waitUntilIdle()
  }

  /// The names of the rooms that currently have members on this server, sorted.
  public var roomNames: [String] { self.directory.roomNames }

  /// The number of open ChatStream and RoomEvents calls.
  public var openCallCount: Int { self.directory.callCount }

  /// The most ChatStream and RoomEvents calls open at once since the last time this ran (or
  /// since the service started), and the number open now. The peak then starts again from the
  /// number open now, so a sampler sees the calls of a burst that began and ended between two
  /// samples.
  ///
  /// ```swift
  /// let (peak, open) = service.takeOpenCallPeak()
  /// ```
  public func takeOpenCallPeak() -> (peak: Int, open: Int) { self.directory.takeCallPeak() }
}
