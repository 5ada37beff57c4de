package import ChatAPI
package import GRPCKit
import GRPCLocking

/// The rooms of this server by name, and every open call, so that shutdown can reach them.
///
/// In process, a room lives on without members (its history stays), and the least recently
/// used idle rooms are dropped once there are more than `maximumIdleRooms`; a dropped room
/// starts a new epoch when it is used again. With a ``SharedRoomStore`` a room exists here while
/// it has members, and is opened (loaded from the store) before the first one joins.
///
/// Lock order: the directory's lock, then a room's. Joins and leaves take both, so a room is
/// never dropped while a member is joining it.
package final class RoomDirectory: Sendable {
  private struct Entry {
    let room: ChatRoom
    /// True while the room has no members.
    var idle = true
    /// Set while a mirrored room is being opened; joiners wait for it.
    var opening: Task<Void, any Error>?
    /// When the room was last used, in directory ticks (for the idle-room limit).
    var lastUsed: UInt64
  }

  private struct State {
    var rooms: [String: Entry] = [:]
    var idleRooms = 0
    var tick: UInt64 = 0
    var lastEpoch: UInt64 = 0
    var calls: [ObjectIdentifier: RoomMember] = [:]
    /// The most calls open at once since ``takeCallPeak()`` last ran.
    var callPeak = 0
    var idleWaiters: [Int: UnsafeContinuation<Void, Never>] = [:]
    var nextWaiterID = 0
    var shutDown: RPCError?
  }

  /// The shared store rooms mirror; `nil` for rooms in this process only.
  package let sharedStore: (any SharedRoomStore)?
  private let historySize: Int
  private let maximumIdleRooms: Int
  private let currentTimeMicroseconds: @Sendable () -> UInt64
  private let state = Mutex(State())
  /// The service's metrics, when a backend is bootstrapped.
  let metrics: ChatMetrics?

  package init(
    sharedStore: (any SharedRoomStore)?,
    historySize: Int,
    maximumIdleRooms: Int,
    currentTimeMicroseconds: @escaping @Sendable () -> UInt64 = WallClock.microsecondsSinceEpoch,
    metrics: ChatMetrics? = nil
  ) {
    self.metrics = metrics
    self.sharedStore = sharedStore
    self.historySize = historySize
    self.maximumIdleRooms = maximumIdleRooms
    self.currentTimeMicroseconds = currentTimeMicroseconds
  }

  // MARK: Rooms

  /// Stores `message` as the next message of the room named `name` and delivers it to the
  /// room's members (with a shared store, once the store delivers it back).
  ///
  /// - Returns: The message's id, once it is stored.
  /// - Throws: `UNAVAILABLE` when the store cannot be reached or the server is shutting down.
  package func append(_ message: ChatMessage, to name: String) async throws(RPCError)
    -> RoomEventID
  {
    if let store = self.sharedStore { return try await store.append(message, toRoomNamed: name) }
    let room = try self.state.withLock { (state) throws(RPCError) in try self.entry(named: name, in: &state).room }
    return room.append(message)
  }

  /// Adds `member` to the room named `name` at `position` (see ``ChatRoom/join(_:at:)``), and
  /// registers the call. With a shared store, a position this server's copy of the room has not
  /// reached yet (an id from another server) is first caught up from the store.
  ///
  /// - Returns: The room, and the id of its last record when the member joined (`nil` while the
  ///   room has no record).
  /// - Throws: `OUT_OF_RANGE` for an id the room does not retain; `UNAVAILABLE` when the store
  ///   cannot open the room or the server is shutting down.
  package func join(room name: String, member: RoomMember, at position: RoomPosition) async throws(RPCError)
    -> (room: ChatRoom, lastID: RoomEventID?)
  {
    var caughtUp = false
    while true {
      let step = try self.state.withLock { (state) throws(RPCError) -> JoinStep in
        var entry = try self.entry(named: name, in: &state)
        if let opening = entry.opening { return .waitForOpening(opening) }
        if !caughtUp, self.sharedStore != nil, case .after(let id) = position, entry.room.hasNotReached(id) {
          return .catchUp(entry.room)
        }
        let lastID: RoomEventID?
        do throws(RPCError) {
          lastID = try entry.room.join(member, at: position)
        } catch {
          self.dropIfUnused(entry.room, &state)
          throw error
        }
        if entry.idle {
          entry.idle = false
          state.idleRooms -= 1
        }
        state.rooms[name] = entry
        state.calls[ObjectIdentifier(member)] = member
        state.callPeak = max(state.callPeak, state.calls.count)
        self.recordCounts(state)
        return .joined(entry.room, lastID)
      }
      switch step {
      case .joined(let room, let lastID):
        return (room, lastID)
      case .waitForOpening(let opening):
        try await Self.wait(for: opening, room: name)
      case .catchUp(let room):
        do throws(RPCError) {
          try await self.sharedStore!.catchUp(room)
        } catch {
          self.state.withLock { self.dropIfUnused(room, &$0) }
          throw error
        }
        caughtUp = true
      }
    }
  }

  private enum JoinStep {
    case joined(ChatRoom, RoomEventID?)
    case waitForOpening(Task<Void, any Error>)
    case catchUp(ChatRoom)
  }

  /// Drops a mirrored room that nobody joined (a join that failed), so it does not stay
  /// subscribed in the store without members.
  private func dropIfUnused(_ room: ChatRoom, _ state: inout State) {
    guard let store = self.sharedStore, let entry = state.rooms[room.name], entry.room === room,
      entry.idle, entry.opening == nil, room.memberCount == 0
    else { return }
    state.rooms[room.name] = nil
    state.idleRooms -= 1
    store.close(room)
  }

  /// The entry for `name`, created if needed (counted idle until a member joins).
  private func entry(named name: String, in state: inout State) throws(RPCError) -> Entry {
    if let error = state.shutDown { throw error }
    state.tick += 1
    if var entry = state.rooms[name] {
      entry.lastUsed = state.tick
      state.rooms[name] = entry
      return entry
    }
    guard let store = self.sharedStore else {
      // A new epoch, later than any this directory gave before (two rooms made in one
      // microsecond still differ).
      let epoch = max(self.currentTimeMicroseconds(), state.lastEpoch + 1)
      state.lastEpoch = epoch
      let entry = Entry(
        room: ChatRoom(name: name, historySize: self.historySize, epoch: epoch, metrics: self.metrics),
        lastUsed: state.tick)
      state.rooms[name] = entry
      state.idleRooms += 1
      self.evictIdleRooms(&state)
      return entry
    }
    let room = ChatRoom(name: name, historySize: self.historySize, epoch: 0, metrics: self.metrics)
    let opening = Task {
      do {
        try await store.open(room)
        self.finishOpening(room, failed: false)
      } catch {
        self.finishOpening(room, failed: true)
        throw error
      }
    }
    let entry = Entry(room: room, opening: opening, lastUsed: state.tick)
    state.rooms[name] = entry
    state.idleRooms += 1
    return entry
  }

  private func finishOpening(_ room: ChatRoom, failed: Bool) {
    self.state.withLock { state in
      guard var entry = state.rooms[room.name], entry.room === room else { return }
      if failed {
        state.rooms[room.name] = nil
        if entry.idle { state.idleRooms -= 1 }
        self.sharedStore?.close(room)
      } else {
        entry.opening = nil
        state.rooms[room.name] = entry
      }
    }
  }

  private static func wait(for opening: Task<Void, any Error>, room: String) async throws(RPCError) {
    do {
      try await opening.value
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .unavailable, message: "room \"\(room)\" could not be opened: \(error)")
    }
  }

  /// Drops the least recently used tenth of the idle rooms once there are more than allowed.
  private func evictIdleRooms(_ state: inout State) {
    guard state.idleRooms > self.maximumIdleRooms else { return }
    let idle = state.rooms.filter(\.value.idle).sorted { $0.value.lastUsed < $1.value.lastUsed }
    let excess = state.idleRooms - self.maximumIdleRooms
    for (name, _) in idle.prefix(excess + self.maximumIdleRooms / 10) {
      state.rooms[name] = nil
      state.idleRooms -= 1
    }
  }

  /// The room named `name` if this server has it (for delivering a shared store's records).
  package func existingRoom(named name: String) -> ChatRoom? {
    self.state.withLock { state in
      guard let entry = state.rooms[name], entry.opening == nil else { return nil }
      return entry.room
    }
  }

  /// Every room this server has (opened ones).
  package var rooms: [ChatRoom] {
    self.state.withLock { state in state.rooms.values.filter { $0.opening == nil }.map(\.room) }
  }

  // MARK: Calls

  /// Removes a member from its room. The call stays registered until
  /// ``endCall(room:member:)``.
  package func leave(room: ChatRoom, member: RoomMember) {
    self.state.withLock { state in
      self.leave(&state, room: room, member: member)
      self.recordCounts(state)
    }
  }

  /// Sets the open-streams and rooms gauges; called under the lock after a change.
  private func recordCounts(_ state: State) {
    guard let metrics = self.metrics else { return }
    metrics.openStreams.record(state.calls.count)
    metrics.rooms.record(state.rooms.count - state.idleRooms)
  }

  /// Removes a finished call, and its room membership if it still has one.
  package func endCall(room: ChatRoom, member: RoomMember) {
    let waiters = self.state.withLock { state -> [UnsafeContinuation<Void, Never>] in
      self.leave(&state, room: room, member: member)
      state.calls[ObjectIdentifier(member)] = nil
      self.recordCounts(state)
      guard state.calls.isEmpty else { return [] }
      defer { state.idleWaiters = [:] }
      return Array(state.idleWaiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  private func leave(_ state: inout State, room: ChatRoom, member: RoomMember) {
    guard var entry = state.rooms[room.name], entry.room === room else { return }  // dropped already
    guard room.remove(member), !entry.idle else { return }
    if let store = self.sharedStore {
      state.rooms[room.name] = nil
      store.close(room)
    } else {
      entry.idle = true
      entry.lastUsed = state.tick
      state.idleRooms += 1
      state.rooms[room.name] = entry
      self.evictIdleRooms(&state)
    }
  }

  /// Stops taking calls; closes every room, then ends every open call with `error` once it has
  /// written what it has queued.
  package func endAll(_ error: RPCError) {
    let (rooms, members) = self.state.withLock { state in
      state.shutDown = error
      defer {
        state.rooms = [:]
        state.idleRooms = 0
        self.metrics?.rooms.record(0)
      }
      return (state.rooms.values.map(\.room), Array(state.calls.values))
    }
    for room in rooms { room.close(error) }
    for member in members { member.finishAfterDraining(.failure(error)) }
  }

  /// Returns once no call is open, or when the calling task is cancelled.
  package func waitUntilIdle() async {
    let id = self.state.withLock { state in
      defer { state.nextWaiterID += 1 }
      return state.nextWaiterID
    }
    await withTaskCancellationHandler {
      await withUnsafeContinuation { continuation in
        let ready = self.state.withLock { state -> Bool in
          if state.calls.isEmpty || Task.isCancelled { return true }
          state.idleWaiters[id] = continuation
          return false
        }
        if ready { continuation.resume() }
      }
    } onCancel: {
      let waiter = self.state.withLock { $0.idleWaiters.removeValue(forKey: id) }
      waiter?.resume()
    }
  }

  /// The names of the rooms that have members, sorted.
  package var roomNames: [String] {
    self.state.withLock { $0.rooms.filter { !$0.value.idle }.keys.sorted() }
  }

  /// The number of open calls.
  package var callCount: Int { self.state.withLock { $0.calls.count } }

  /// The most calls open at once since the last time this ran (or since the start), and the
  /// number open now; the peak starts again from now.
  package func takeCallPeak() -> (peak: Int, open: Int) {
    self.state.withLock { state in
      defer { state.callPeak = state.calls.count }
      return (max(state.callPeak, state.calls.count), state.calls.count)
    }
  }
}
