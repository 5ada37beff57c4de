/// The request messages of a call, in the order the client sent them.
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
///
/// A server interceptor can give the handler other messages: a stream over any `AsyncSequence`
/// of messages, for example the original one transformed.
///
/// ```swift
/// let checked = RequestStream(requests.map { request in try validate(request); return request })
/// try await next(checked, responses, context)
/// ```
public struct RequestStream<Message: ProtobufMessage>: AsyncSequence, Sendable {
  public typealias Element = Message
  let source: MessageSource<Message>

  package init(buffer: InboundMessageBuffer<Message>) {
    self.source = .transport(buffer)
  }

  /// A request stream whose messages are those of `messages`.
  ///
  /// - Parameter messages: The messages the stream yields, and how it ends (a thrown error
  ///   ends the handler's iteration with that error).
  public init<Messages: AsyncSequence & Sendable>(_ messages: Messages) where Messages.Element == Message {
    self.source = .wrapping(messages)
  }

  /// The messages of `original`, each shown to `observe` as the handler takes it: for an
  /// interceptor that counts or logs messages. Unlike a stream over a wrapping sequence, it keeps
  /// what the transport's stream offers (taking a message is still what grants flow-control
  /// credit, and the chat service can still see whether the next message is already queued).
  ///
  /// ```swift
  /// let counted = RequestStream(observing: requests) { _ in received.increment() }
  /// try await next(counted, responses, context)
  /// ```
  ///
  /// - Parameters:
  ///   - original: The stream whose messages this one yields.
  ///   - observe: Called with each message before the handler gets it.
  public init(observing original: RequestStream<Message>, _ observe: @escaping @Sendable (Message) -> Void) {
    self.source = .observed(original.source, observe)
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: self.source.makeIterator())
  }

  /// Whether the message that iteration returned last arrived compressed: its gRPC message
  /// prefix had the compressed flag set (the client compressed it with the call's
  /// `grpc-encoding`). `false` before the first message, and for a stream an interceptor
  /// supplied.
  ///
  /// ```swift
  /// for try await request in requests {
  ///   if request.mustBeCompressed && !requests.lastMessageWasCompressed {
  ///     throw RPCError(code: .invalidArgument, message: "this request must be compressed")
  ///   }
  /// }
  /// ```
  public var lastMessageWasCompressed: Bool {
    guard case .transport(let buffer) = self.source else { return false }
    return buffer.lastTakenWasCompressed
  }

  /// Iterates the messages of a request stream or a ``ResponseStream``.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let base: MessageIterator<Message>

    public mutating func next() async throws -> Message? {
      try await self.base.next()
    }
  }

  /// True while a message from the transport waits to be taken (the next `next()` will not
  /// suspend for one); false for a stream over a sequence an interceptor supplied.
  package var hasQueuedMessage: Bool {
    self.source.transportBuffer?.hasQueuedMessage ?? false
  }

  /// The single request of a unary or server-streaming call: exactly one message, then the
  /// client's half-close.
  package func single() async throws -> Message {
    var iterator = self.makeAsyncIterator()
    guard let message = try await iterator.next() else {
      throw RPCError(
        code: .internal,
        message: "the client half-closed without sending the request message")
    }
    guard try await iterator.next() == nil else {
      throw RPCError(
        code: .internal,
        message: "the client sent more than one request message to a method that takes one")
    }
    return message
  }
}
