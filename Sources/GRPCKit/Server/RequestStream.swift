/// The request messages of a client-streaming or bidirectional call, in the order the client
/// sent them.
///
/// Iteration ends when the client half-closes. It throws ``RPCError`` if the call fails first
/// (cancelled, deadline exceeded, a message that does not decode). Taking messages is what
/// grants the client more flow-control credit: a handler that stops reading slows its client.
///
/// ```swift
/// for try await message in requests {
///   try await responses.write(reply(to: message))
/// }
/// ```
public struct RequestStream<Message: ProtobufMessage>: AsyncSequence, Sendable {
  public typealias Element = Message
  package let buffer: InboundMessageBuffer<Message>

  package init(buffer: InboundMessageBuffer<Message>) {
    self.buffer = buffer
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(buffer: self.buffer)
  }

  /// Whether the message that iteration returned last arrived compressed: its gRPC message
  /// prefix had the compressed flag set (the client compressed it with the call's
  /// `grpc-encoding`). `false` before the first message.
  ///
  /// ```swift
  /// for try await request in requests {
  ///   if request.mustBeCompressed && !requests.lastMessageWasCompressed {
  ///     throw RPCError(code: .invalidArgument, message: "this request must be compressed")
  ///   }
  /// }
  /// ```
  public var lastMessageWasCompressed: Bool { self.buffer.lastTakenWasCompressed }

  /// Iterates the request messages.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let buffer: InboundMessageBuffer<Message>

    public mutating func next() async throws -> Message? {
      try await self.buffer.next()
    }
  }
}

/// The response messages of a server-streaming or bidirectional call on the client.
///
/// Iteration ends when the server ends the call with `OK`, and throws ``RPCError`` with the
/// server's status otherwise (or for a deadline, a cancellation, a lost connection).
public struct ResponseStream<Message: ProtobufMessage>: AsyncSequence, Sendable {
  public typealias Element = Message
  package let buffer: InboundMessageBuffer<Message>

  package init(buffer: InboundMessageBuffer<Message>) {
    self.buffer = buffer
  }

  /// The response headers (initial metadata); waits until they arrive. Empty for a
  /// trailers-only response.
  public func headers() async throws -> Metadata {
    try await self.buffer.headers()
  }

  /// The trailing metadata, once iteration has finished (also on failure).
  public var trailers: Metadata? { self.buffer.trailers }

  /// Whether the message that iteration returned last arrived compressed: its gRPC message
  /// prefix had the compressed flag set. `false` before the first message.
  public var lastMessageWasCompressed: Bool { self.buffer.lastTakenWasCompressed }

  public func makeAsyncIterator() -> RequestStream<Message>.AsyncIterator {
    RequestStream<Message>.AsyncIterator(buffer: self.buffer)
  }
}
