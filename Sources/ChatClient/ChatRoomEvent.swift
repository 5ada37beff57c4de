/// What a ``ChatRoomSubscription`` yields.
public enum ChatRoomEvent: Sendable, Hashable {
  /// A message of the room, in the order all members see them (the server's timestamp set).
  case message(ChatMessage)
  /// The stream ended (server restart, GOAWAY, lost connection) and the subscription joined the
  /// room again: messages sent between leaving and re-joining were not received.
  case reconnected(ChatRoomGap)
}

/// What a ``ChatRoomSubscription`` knows about the time it was not in the room.
public struct ChatRoomGap: Sendable, Hashable {
  /// Why the previous stream ended (`UNAVAILABLE`).
  public var reason: RPCError
  /// The server timestamp of the last message received before the gap; nil if none was.
  public var lastMessageTimestamp: Int64?
  /// How many attempts the re-join took (1 when the first one succeeded).
  public var attempts: Int

  /// Creates a gap description.
  ///
  /// - Parameters:
  ///   - reason: Why the previous stream ended.
  ///   - lastMessageTimestamp: The timestamp of the last message before the gap.
  ///   - attempts: The join attempts it took.
  public init(reason: RPCError, lastMessageTimestamp: Int64?, attempts: Int) {
    self.reason = reason
    self.lastMessageTimestamp = lastMessageTimestamp
    self.attempts = attempts
  }
}
