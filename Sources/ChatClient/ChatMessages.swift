/// The messages of a room as a ``ChatRoomSession`` receives them.
///
/// Iteration ends without an error when the server ends the call with OK (after
/// ``ChatRoomSession/leave()``), and throws `RPCError` otherwise: the server's status
/// (`INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, `UNAVAILABLE` during a shutdown...), a passed
/// deadline, a lost connection.
public struct ChatMessages: AsyncSequence, Sendable {
  public typealias Element = ChatMessage
  let responses: ResponseStream<ChatMessage>

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: self.responses.makeAsyncIterator())
  }

  /// Yields the messages in the room's order.
  public struct AsyncIterator: AsyncIteratorProtocol {
    var base: ResponseStream<ChatMessage>.AsyncIterator

    public mutating func next() async throws -> ChatMessage? {
      try await self.base.next()
    }
  }
}
