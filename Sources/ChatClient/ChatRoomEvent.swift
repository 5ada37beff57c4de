/// What a ``ChatRoomSubscription`` yields.
public enum ChatRoomEvent: Sendable, Hashable {
  /// A message of the room, in the order all members see them (the server's timestamp set),
  /// with its event id: subscribing after that id resumes right after this message.
  case message(ChatMessage, id: String)
  /// Messages were missed: the subscription came back after the room's retained history had
  /// moved past its last id (or the server lost the history), and goes on from the oldest
  /// message the room still retains. Yielded only then: a reconnect that the history covers
  /// yields no event at all.
  case gap(ChatRoomGap)
}

/// What a ``ChatRoomSubscription`` knows about the messages it missed.
public struct ChatRoomGap: Sendable, Hashable {
  /// The id of the last message received before the gap; `nil` if none was.
  public var lastEventID: String?
  /// The id of the oldest message the room retained when the subscription came back (the next
  /// message yielded, unless it was dropped meanwhile); empty when the room retained none.
  public var oldestRetainedID: String
  /// The server's answer to the resume (`OUT_OF_RANGE`, naming the ids).
  public var reason: RPCError

  /// Creates a gap description.
  ///
  /// - Parameters:
  ///   - lastEventID: The last id received before the gap.
  ///   - oldestRetainedID: The oldest id the room retained afterwards.
  ///   - reason: The server's answer to the resume.
  public init(lastEventID: String?, oldestRetainedID: String, reason: RPCError) {
    self.lastEventID = lastEventID
    self.oldestRetainedID = oldestRetainedID
    self.reason = reason
  }
}
