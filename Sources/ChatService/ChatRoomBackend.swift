/// Where a ``ChatRoomService`` keeps its rooms: in this process (the default), or in a store
/// that several servers share, so that every replica delivers every room's messages to its own
/// members (`ChatRoomsRedis` adds `.redis(...)`).
///
/// ```swift
/// let service = ChatRoomService(backend: .inProcess)
/// ```
public struct ChatRoomBackend: Sendable {
  package let sharedStore: (any SharedRoomStore)?

  package init(sharedStore: (any SharedRoomStore)?) {
    self.sharedStore = sharedStore
  }

  /// Rooms in this process only: no dependency, one server. History is lost when it stops.
  public static let inProcess = ChatRoomBackend(sharedStore: nil)
}
