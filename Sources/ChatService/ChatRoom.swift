import ChatAPI
import Synchronization

/// The members of one room and the order of its messages.
///
/// A broadcast queues the message for every member while holding the room's lock, so all
/// members receive the room's messages in one order. Queuing never waits: a member past its
/// bound is ended and removed, and the others carry on.
final class ChatRoom: Sendable {
  /// The room's name, from the `chat-room` metadata.
  let name: String
  private let members = Mutex<[RoomMember]>([])

  init(name: String) {
    self.name = name
  }

  /// Adds a member; it receives every message broadcast from now on.
  func add(_ member: RoomMember) {
    self.members.withLock { $0.append(member) }
  }

  /// Removes a member; later broadcasts do not reach it.
  ///
  /// - Returns: `true` if the room is now empty.
  func remove(_ member: RoomMember) -> Bool {
    self.members.withLock { members in
      if let index = members.firstIndex(where: { $0 === member }) {
        members.swapAt(index, members.count - 1)
        members.removeLast()
      }
      return members.isEmpty
    }
  }

  /// Queues `message` for every member, the sender included.
  func broadcast(_ message: ChatMessage) {
    let size = message.encodedSize()
    self.members.withLock { members in
      var dropped = false
      for member in members where !member.enqueue(message, size: size) { dropped = true }
      if dropped { members.removeAll { !$0.isOpen } }
    }
  }

  /// Removes every member; each writes what it has queued, then ends with `error`. The room is
  /// closed under its lock, so a message broadcast before reaches every member and one after
  /// reaches none.
  func close(_ error: RPCError) {
    self.members.withLock { members in
      for member in members { member.finishAfterDraining(.failure(error)) }
      members.removeAll()
    }
  }

  /// The number of members.
  var count: Int { self.members.withLock { $0.count } }
}
