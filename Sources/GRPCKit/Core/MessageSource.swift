/// Where the messages of a ``RequestStream`` or ``ResponseStream`` come from: the transport's
/// buffer, or a sequence an interceptor supplied. The transport case is the plain one; iterating
/// it costs one branch over iterating the buffer directly.
package enum MessageSource<Message: ProtobufMessage>: Sendable {
  case transport(InboundMessageBuffer<Message>)
  /// Makes an iterator of the sequence, as a function returning its next message.
  case sequence(@Sendable () -> () async throws -> Message?)
  /// Another source, with a closure that sees each message it yields (metrics interceptors).
  indirect case observed(MessageSource<Message>, @Sendable (Message) -> Void)

  /// The source of `messages`.
  static func wrapping<Messages: AsyncSequence & Sendable>(_ messages: Messages) -> Self
  where Messages.Element == Message {
    .sequence {
      let iterator = IteratorBox(messages.makeAsyncIterator())
      return { try await iterator.next() }
    }
  }

  func makeIterator() -> MessageIterator<Message> {
    switch self {
    case .transport(let buffer): return .transport(buffer)
    case .sequence(let makeIterator): return .sequence(makeIterator())
    case .observed(let source, let observe): return .observed(source.makeIterator(), observe)
    }
  }

  /// The transport's buffer behind this source, also through observers; `nil` for a sequence.
  var transportBuffer: InboundMessageBuffer<Message>? {
    switch self {
    case .transport(let buffer): return buffer
    case .sequence: return nil
    case .observed(let source, _): return source.transportBuffer
    }
  }
}

/// Iterates a ``MessageSource``.
package enum MessageIterator<Message: ProtobufMessage> {
  case transport(InboundMessageBuffer<Message>)
  case sequence(() async throws -> Message?)
  indirect case observed(MessageIterator<Message>, @Sendable (Message) -> Void)

  func next() async throws -> Message? {
    switch self {
    case .transport(let buffer): return try await buffer.next()
    case .sequence(let next): return try await next()
    case .observed(let base, let observe):
      let message = try await base.next()
      if let message { observe(message) }
      return message
    }
  }
}

/// Holds a sequence's iterator so that a closure can advance it.
private final class IteratorBox<Base: AsyncIteratorProtocol> {
  private var base: Base

  init(_ base: Base) {
    self.base = base
  }

  func next() async throws -> Base.Element? {
    try await self.base.next()
  }
}
