package import ChatAPI
public import ChatService
package import GRPCKit
import GRPCLocking
public import Logging
public import RedisClient

/// Rooms shared by every chat server on one Redis: the order, ids and retained history of each
/// room live in Redis, and each server delivers every room's messages to its own members.
///
/// Storing a message runs one script: it takes the room's next sequence number (`HINCRBY` on
/// the room's hash, which also holds its epoch), appends the message to the room's stream
/// trimmed to exactly the history size (`XADD MAXLEN n`), and announces it on the room's
/// channel (`PUBLISH`), atomically. Each server subscribes to the channels of the rooms it has
/// members in (one pub/sub connection) and hands announcements to its local room in sequence
/// order; pub/sub loses what a disconnected server missed, so a server that sees a sequence
/// number skip, or that reconnects, reads the missing entries from the stream (`XRANGE`) before
/// going on. Nothing acknowledged is lost as long as the stream still holds it; a server that
/// fell further behind than the history ends the room's local members with
/// `RESOURCE_EXHAUSTED`. When Redis loses a room (it restarted empty), the next message starts a
/// new epoch, later than the old one, so ids never go backwards.
///
/// ```swift
/// let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://10.0.0.3:6379"), logger: logger)
/// let store = RedisRoomStore(client: redis, historySize: 1000, logger: logger)
/// store.start { available in health.setStatus(available ? .serving : .notServing, forService: "ChatService") }
/// let chat = ChatRoomService(backend: .redis(store))
/// ```
public final class RedisRoomStore: Sendable {
  struct RoomSync {
    let room: ChatRoom
    var repairing = false
    var repairAgain = false
  }

  struct State {
    var rooms: [String: RoomSync] = [:]
    var subscriber: RedisSubscriber?
    /// True while the pub/sub connection is up (its channels subscribed).
    var subscriberConnected = false
    /// What was last reported through `onAvailabilityChange`.
    var available = false
    /// True while a task checks the command connection before reporting available.
    var probing = false
    /// Set once "redis unreachable" was logged, until Redis is available again.
    var reportedUnreachable = false
    var onAvailabilityChange: (@Sendable (Bool) -> Void)?
    var stopped = false
  }

  /// The most stream entries one read returns: long histories are read in pages, so a reply
  /// stays far below the client's reply limits.
  static let readPage = 1000

  let client: RedisClient
  let scripts: RedisRoomScripts
  let keys: RedisRoomKeys
  let historySize: Int
  let logger: Logger
  let state = Mutex(State())

  /// Creates the store; ``start(onAvailabilityChange:)`` connects its subscriber.
  ///
  /// - Parameters:
  ///   - client: The Redis client (its command connection stores messages and reads history).
  ///   - historySize: How many messages each room's stream retains; every server on the Redis
  ///     should use the same.
  ///   - keyPrefix: What every key and channel starts with, so several deployments can share a
  ///     Redis.
  ///   - logger: Receives connection changes (a warning when Redis becomes unreachable).
  public init(client: RedisClient, historySize: Int, keyPrefix: String = "chat:", logger: Logger) {
    self.client = client
    self.scripts = RedisRoomScripts(client: client)
    self.keys = RedisRoomKeys(prefix: keyPrefix)
    self.historySize = max(0, historySize)
    self.logger = logger
  }

  /// The address of the Redis server, for messages.
  public var address: String { self.client.configuration.address }

  /// Connects the pub/sub connection, which reconnects by itself whenever it is lost.
  ///
  /// - Parameter onAvailabilityChange: Called with `true` whenever the store becomes usable
  ///   (the pub/sub connection is up and a command got an answer) and `false` when Redis
  ///   becomes unreachable; the store starts unavailable. Use it for health (`ChatService`
  ///   NOT_SERVING while Redis is away).
  public func start(onAvailabilityChange: @escaping @Sendable (Bool) -> Void = { _ in }) {
    self.state.withLock { $0.onAvailabilityChange = onAvailabilityChange }
    let subscriber = self.client.makeSubscriber { [weak self] event in self?.handle(event) }
    self.state.withLock { $0.subscriber = subscriber }
  }

  /// Closes the subscriber and the client.
  public func shutdown() async {
    let subscriber = self.state.withLock { state in
      state.stopped = true
      return state.subscriber
    }
    subscriber?.close()
    await self.client.close()
  }

  static func unavailable(_ error: RedisError, _ doing: String) -> RPCError {
    RPCError(code: .unavailable, message: "could not \(doing) in Redis: \(error.message)")
  }
}

extension RedisRoomStore: SharedRoomStore {
  package func append(_ message: ChatMessage, toRoomNamed name: String) async throws(RPCError) -> RoomEventID {
    let reply: RedisReply
    do {
      reply = try await self.scripts.run(
        RedisRoomScripts.append, keys: [self.keys.meta(name), self.keys.log(name)],
        arguments: self.appendArguments(message, room: name))
    } catch {
      throw Self.unavailable(error, "store the message")
    }
    return try self.appendedID(reply)
  }

  package func startAppend(_ message: ChatMessage, toRoomNamed name: String) -> PendingRoomAppend? {
    guard
      let pending = self.scripts.submit(
        RedisRoomScripts.append, keys: [self.keys.meta(name), self.keys.log(name)],
        arguments: self.appendArguments(message, room: name))
    else { return nil }
    return PendingRoomAppend { () async throws(RPCError) -> RoomEventID in
      let reply: RedisReply
      do throws(RedisError) {
        reply = try await pending.reply()
      } catch {
        throw Self.unavailable(error, "store the message")
      }
      return try self.appendedID(reply)
    }
  }

  private func appendArguments(_ message: ChatMessage, room name: String) -> [RedisArgument] {
    [
      RedisArgument(self.keys.channel(name)), RedisArgument(self.historySize),
      RedisArgument(message.serializedBytes()),
    ]
  }

  private func appendedID(_ reply: RedisReply) throws(RPCError) -> RoomEventID {
    guard let parts = reply.array, parts.count == 2, let epochText = parts[0].string,
      let epoch = UInt64(epochText), let sequence = parts[1].integer, sequence > 0
    else {
      throw RPCError(code: .internal, message: "redis \(self.address): the append script answered \(reply)")
    }
    return RoomEventID(epoch: epoch, sequence: UInt64(sequence))
  }

  package func open(_ room: ChatRoom) async throws(RPCError) {
    let name = room.name
    let subscriber = self.state.withLock { state -> RedisSubscriber? in
      state.rooms[name] = RoomSync(room: room, repairing: true)
      return state.subscriber
    }
    do throws(RedisError) {
      guard let subscriber else {
        throw RedisError(code: .shutdown, message: "redis \(self.address): the room store was not started")
      }
      try await subscriber.subscribe([self.keys.channel(name)])
      try await self.repairUntilCaughtUp(name)
    } catch {
      throw Self.unavailable(error, "open room \"\(name)\"")
    }
  }

  package func catchUp(_ room: ChatRoom) async throws(RPCError) {
    do {
      try await self.readUntilCaughtUp(room)
    } catch {
      throw Self.unavailable(error, "read room \"\(room.name)\"")
    }
  }

  package func close(_ room: ChatRoom) {
    let subscriber = self.state.withLock { state -> RedisSubscriber? in
      guard state.rooms[room.name]?.room === room else { return nil }
      state.rooms[room.name] = nil
      return state.subscriber
    }
    subscriber?.unsubscribe([self.keys.channel(room.name)])
  }
}

extension ChatRoomBackend {
  /// Rooms shared through Redis by every server that uses the same store settings: see
  /// ``RedisRoomStore``. Start the store before serving.
  ///
  /// - Parameter store: The store.
  public static func redis(_ store: RedisRoomStore) -> ChatRoomBackend {
    ChatRoomBackend(sharedStore: store)
  }
}
