/// Writes the response messages of a server-streaming or bidirectional call.
///
/// `write` suspends while the client is not reading fast enough, so a handler can never queue
/// more than a bounded amount of data. It throws ``RPCError`` once the call has ended (the client
/// cancelled, the deadline passed, the connection closed).
///
/// A server interceptor can give the handler a writer of its own, over a closure, for example to
/// count or transform what the handler writes:
///
/// ```swift
/// let counting = ResponseWriter<Response> { message, compress in
///   counter.add(1)
///   try await responses.write(message, compress: compress)
/// }
/// try await next(requests, counting, context)
/// ```
public struct ResponseWriter<Message: ProtobufMessage>: Sendable {
  private enum Storage: Sendable {
    case transport(any ServerStreamOutbound)
    case wrapped(@Sendable (Message, Bool) async throws -> Void)
  }
  private let storage: Storage

  package init(outbound: any ServerStreamOutbound) {
    self.storage = .transport(outbound)
  }

  /// A writer that hands every message to `write`.
  ///
  /// - Parameter write: Called for each message with the handler's `compress` choice.
  public init(write: @escaping @Sendable (_ message: Message, _ compress: Bool) async throws -> Void) {
    self.storage = .wrapped(write)
  }

  /// Sends one message.
  ///
  /// - Parameters:
  ///   - message: The response.
  ///   - compress: When the call's responses are compressed (``ServerContext/responseCompression``),
  ///     `false` sends this message uncompressed, for example one that does not compress well or
  ///     whose content must not be compressed together with secrets (BREACH-style attacks).
  ///     Without response compression it has no effect.
  /// - Throws: ``RPCError`` when the call has already ended.
  public func write(_ message: Message, compress: Bool = true) async throws {
    switch self.storage {
    case .transport(let outbound):
      let size = message.encodedSize()
      try await outbound.write(size: size, compress: compress) { buffer in message.encode(into: buffer) }
    case .wrapped(let write):
      try await write(message, compress)
    }
  }

  /// Sends several messages in order.
  public func write(contentsOf messages: some Sequence<Message>) async throws {
    for message in messages { try await self.write(message) }
  }
}
