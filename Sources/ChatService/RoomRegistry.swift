import GRPCKit
import Synchronization

/// The open rooms by name, and every open call, so that shutdown can reach them.
///
/// A room exists while it has members: it is created by the first join and removed when its
/// last member leaves. Broadcasts never take this lock, only the room's.
final class RoomRegistry: Sendable {
  private struct State {
    var rooms: [String: ChatRoom] = [:]
    var calls: [ObjectIdentifier: RoomMember] = [:]
    var idleWaiters: [Int: UnsafeContinuation<Void, Never>] = [:]
    var nextWaiterID = 0
  }
  private let state = Mutex(State())

  /// Registers a call and adds it to the room named `name`, creating the room if needed.
  func join(room name: String, member: RoomMember) -> ChatRoom {
    self.state.withLock { state in
      state.calls[ObjectIdentifier(member)] = member
      if let room = state.rooms[name] {
        room.add(member)
        return room
      }
      let room = ChatRoom(name: name)
      room.add(member)
      state.rooms[name] = room
      return room
    }
  }

  /// Removes a member from its room, and the room if it is now empty. The call stays
  /// registered until ``endCall(room:member:)``.
  func leave(room: ChatRoom, member: RoomMember) {
    self.state.withLock { state in
      Self.leave(&state, room: room, member: member)
    }
  }

  /// Removes a finished call, and its room membership if it still has one.
  func endCall(room: ChatRoom, member: RoomMember) {
    let waiters = self.state.withLock { state -> [UnsafeContinuation<Void, Never>] in
      Self.leave(&state, room: room, member: member)
      state.calls[ObjectIdentifier(member)] = nil
      guard state.calls.isEmpty else { return [] }
      defer { state.idleWaiters = [:] }
      return Array(state.idleWaiters.values)
    }
    for waiter in waiters { waiter.resume() }
  }

  private static func leave(_ state: inout State, room: ChatRoom, member: RoomMember) {
    if room.remove(member), state.rooms[room.name] === room {
      state.rooms[room.name] = nil
    }
  }

  /// Closes every room, then ends every open call with `error` once it has written what it has
  /// queued.
  func endAll(_ error: RPCError) {
    let (rooms, members) = self.state.withLock { state in
      defer { state.rooms = [:] }
      return (Array(state.rooms.values), Array(state.calls.values))
    }
    for room in rooms { room.close(error) }
    for member in members { member.finishAfterDraining(.failure(error)) }
  }

  /// Returns once no call is open, or when the calling task is cancelled.
  func waitUntilIdle() async {
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
  var roomNames: [String] { self.state.withLock { $0.rooms.keys.sorted() } }

  /// The number of open calls.
  var callCount: Int { self.state.withLock { $0.calls.count } }
}
