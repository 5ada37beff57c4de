package import ChatAPI
package import ChatService
package import GRPCKit
public import Logging
public import RedisClient
import Synchronization

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
  private struct RoomSync {
    let room: ChatRoom
    var repairing = false
    var repairAgain = false
  }

  private struct State {
    var rooms: [String: RoomSync] = [:]
    var subscriber: RedisSubscriber?
    var available = false
    /// Set once "redis unreachable" was logged, until the next connection.
    var reportedUnreachable = false
    var onAvailabilityChange: (@Sendable (Bool) -> Void)?
    var stopped = false
  }

  private let client: RedisClient
  private let scripts: RedisRoomScripts
  private let keys: RedisRoomKeys
  private let historySize: Int
  private let logger: Logger
  private let state = Mutex(State())

  /// Creates the store; ``start(onAvailabilityChange:)`` connects its subscriber.
  ///
  /// - Parameters:
  ///   - client: The Redis client (its command connection stores messages and reads history).
  ///   - historySize: How many messages each room's stream retains; every server on the Redis
  ///     should use the same.
  ///   - keyPrefix: What every key and channel starts with, so several deployments can share a
  ///     Redis.
  ///   - logger: Receives connection changes (warning when Redis becomes unreachable).
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
  ///   (connected, every room caught up) and `false` when Redis becomes unreachable; it starts
  ///   unavailable. Use it for health (`ChatService` NOT_SERVING while Redis is away).
  public func start(onAvailabilityChange: @escaping @Sendable (Bool) -> Void = { _ in }) {
    let subscriber = self.client.makeSubscriber { [weak self] event in self?.handle(event) }
    self.state.withLock { state in
      state.subscriber = subscriber
      state.onAvailabilityChange = onAvailabilityChange
    }
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

  // MARK: Announcements

  private func handle(_ event: RedisSubscriberEvent) {
    switch event {
    case .message(let channel, let payload):
      guard let name = self.keys.room(fromChannel: channel),
        let room = self.state.withLock({ $0.rooms[name]?.room })
      else { return }
      guard let record = RedisRoomKeys.record(fromAnnouncement: payload) else {
        self.logger.error("undecodable announcement ignored", metadata: ["chat.room": "\(name)", "redis.channel": "\(channel)"])
        return
      }
      if room.deliver(record) == .gap { self.repair(name) }
    case .connected:
      let (names, handler) = self.state.withLock { state in
        defer {
          state.available = true
          state.reportedUnreachable = false
        }
        return (Array(state.rooms.keys), state.available ? nil : state.onAvailabilityChange)
      }
      for name in names { self.repair(name) }
      handler?(true)
      if handler != nil { self.logger.info("redis connected", metadata: ["redis.address": "\(self.address)"]) }
    case .disconnected(let error):
      let (handler, report) = self.state.withLock { state -> ((@Sendable (Bool) -> Void)?, Bool) in
        guard !state.stopped else { return (nil, false) }
        defer {
          state.available = false
          state.reportedUnreachable = true
        }
        return (state.available ? state.onAvailabilityChange : nil, !state.reportedUnreachable)
      }
      handler?(false)
      if report {
        self.logger.warning(
          "redis unreachable", metadata: ["redis.address": "\(self.address)", "error": "\(error.message)"])
      }
    }
  }

  // MARK: Repairs

  /// Fills `room`'s gap from the stream, unless a repair is already running (it then runs once
  /// more when done).
  private func repair(_ name: String) {
    let start = self.state.withLock { state -> Bool in
      guard var sync = state.rooms[name] else { return false }
      if sync.repairing {
        sync.repairAgain = true
        state.rooms[name] = sync
        return false
      }
      sync.repairing = true
      state.rooms[name] = sync
      return true
    }
    guard start else { return }
    Task {
      var delay = Duration.milliseconds(50)
      while true {
        do {
          try await self.repairUntilCaughtUp(name)
          return
        } catch {
          self.logger.debug("room repair failed; retrying", metadata: ["chat.room": "\(name)", "error": "\(error)"])
          try? await Task.sleep(for: delay)
          delay = min(delay * 2, .seconds(2))
        }
      }
    }
  }

  /// Repairs until the room is in step with the stream, then clears its repairing flag. Returns
  /// at once when the room is no longer open here.
  private func repairUntilCaughtUp(_ name: String) async throws(RedisError) {
    while true {
      guard let room = self.state.withLock({ $0.stopped ? nil : $0.rooms[name]?.room }) else { return }
      guard let (epoch, last) = room.beginRepair() else { return }
      let (storeEpoch, records) = try await self.read(room: name, epoch: epoch, lastSequence: last)
      let outcome = room.finishRepair(epoch: storeEpoch, records: records)
      let again = self.state.withLock { state -> Bool in
        guard var sync = state.rooms[name], sync.room === room else { return false }
        let again = sync.repairAgain || outcome == .stillBehind
        sync.repairAgain = false
        sync.repairing = again
        state.rooms[name] = sync
        return again
      }
      if !again { return }
    }
  }

  /// What the stream holds after `lastSequence` (all of it for another epoch).
  private func read(room name: String, epoch: UInt64, lastSequence: UInt64) async throws(RedisError)
    -> (epoch: UInt64, records: [RoomRecord])
  {
    let reply = try await self.scripts.run(
      RedisRoomScripts.read, keys: [self.keys.meta(name), self.keys.log(name)],
      arguments: [RedisArgument(String(epoch)), RedisArgument(String(lastSequence))])
    guard let parts = reply.array, parts.count == 2, let epochText = parts[0].string,
      let storeEpoch = UInt64(epochText), let entries = parts[1].array
    else { throw self.unexpected(reply, command: "EVALSHA (read)") }
    var records: [RoomRecord] = []
    records.reserveCapacity(entries.count)
    for entry in entries {
      guard let fields = entry.array, fields.count == 2, let id = fields[0].string,
        let sequence = id.split(separator: "-").first.flatMap({ UInt64($0) }),
        let values = fields[1].array, values.count == 2, let bytes = values[1].bytes
      else { throw self.unexpected(entry, command: "XRANGE") }
      guard let message = try? ChatMessage(serializedBytes: bytes) else {
        self.logger.error("undecodable stream entry skipped", metadata: ["chat.room": "\(name)", "redis.id": "\(id)"])
        continue
      }
      records.append(RoomRecord(id: RoomEventID(epoch: storeEpoch, sequence: sequence), message: message))
    }
    return (storeEpoch, records)
  }

  private func unexpected(_ reply: RedisReply, command: String) -> RedisError {
    RedisError(code: .protocolError, message: "redis \(self.address): \(command) answered an unexpected \(reply)")
  }

  private static func unavailable(_ error: RedisError, _ doing: String) -> RPCError {
    RPCError(code: .unavailable, message: "could not \(doing) in Redis: \(error.message)")
  }
}

extension RedisRoomStore: SharedRoomStore {
  package func append(_ message: ChatMessage, toRoomNamed name: String) async throws(RPCError) -> RoomEventID {
    let reply: RedisReply
    do {
      reply = try await self.scripts.run(
        RedisRoomScripts.append, keys: [self.keys.meta(name), self.keys.log(name)],
        arguments: [
          RedisArgument(self.keys.channel(name)), RedisArgument(self.historySize),
          RedisArgument(message.serializedBytes()),
        ])
    } catch {
      throw Self.unavailable(error, "store the message")
    }
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
    do {
      guard let subscriber else {
        throw RedisError(code: .shutdown, message: "redis \(self.address): the room store was not started")
      }
      try await subscriber.subscribe([self.keys.channel(name)])
      try await self.repairUntilCaughtUp(name)
    } catch {
      throw Self.unavailable(error, "open room \"\(name)\"")
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
