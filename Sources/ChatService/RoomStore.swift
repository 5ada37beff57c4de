package import ChatAPI
package import GRPCKit

/// A store that several servers share for their rooms (Redis, in the `ChatRoomsRedis` module):
/// it orders and keeps every room's messages, and this server's ``ChatRoom``s mirror it.
///
/// Without one, rooms live in this process only: each ``ChatRoom`` gives its own ids. With one,
/// the store appends, then delivers every record (this server's own included) to the local room
/// with ``ChatRoom/deliver(_:)``; the ``RoomDirectory`` opens a local room before its first
/// member joins and drops it after its last member leaves.
package protocol SharedRoomStore: Sendable {
  /// Stores `message` as the next message of the room named `name`.
  ///
  /// - Returns: Its id, once it is stored.
  /// - Throws: `UNAVAILABLE` naming the store when it cannot be reached.
  func append(_ message: ChatMessage, toRoomNamed name: String) async throws(RPCError) -> RoomEventID

  /// Starts storing `message` at once, behind every append this task started before, without
  /// waiting for the store: a ChatStream sender's messages are pipelined in their order.
  ///
  /// - Returns: The append to wait for; `nil` when it cannot start at once (no connection
  ///   open): wait for the earlier ones, then call ``append(_:toRoomNamed:)``.
  func startAppend(_ message: ChatMessage, toRoomNamed name: String) -> PendingRoomAppend?

  /// Makes a new local room current before its first member joins: loads the retained history
  /// and starts delivering the room's records to it.
  ///
  /// - Throws: `UNAVAILABLE` naming the store when it cannot be reached.
  func open(_ room: ChatRoom) async throws(RPCError)

  /// Brings `room` up to what the store holds now: a subscriber resumes from an id that another
  /// server gave and this one has not delivered yet (this server's copy lags, or has not seen
  /// the room's new epoch).
  ///
  /// - Throws: `UNAVAILABLE` naming the store when it cannot be reached.
  func catchUp(_ room: ChatRoom) async throws(RPCError)

  /// The directory dropped `room`. Called under the directory's lock, so the calls for one room
  /// name arrive in order; must not block.
  func close(_ room: ChatRoom)
}

/// An append a ``SharedRoomStore`` has started: wait for its id.
package struct PendingRoomAppend: Sendable {
  private let wait: @Sendable () async throws(RPCError) -> RoomEventID

  package init(_ wait: @escaping @Sendable () async throws(RPCError) -> RoomEventID) {
    self.wait = wait
  }

  /// The message's id, once it is stored.
  ///
  /// - Throws: `UNAVAILABLE` naming the store when it could not be stored.
  package func id() async throws(RPCError) -> RoomEventID {
    try await self.wait()
  }
}
