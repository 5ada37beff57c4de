/// Writes the request messages of a client-streaming or bidirectional call.
///
/// A client interceptor can give the caller a writer of its own, over closures, for example to
/// count or transform what the caller writes:
///
/// ```swift
/// let streams = try await next(options, context)
/// let counting = RequestWriter<Request>(
///   write: { message, compress in
///     counter.add(1)
///     try await streams.requests.write(message, compress: compress)
///   },
///   finish: { streams.requests.finish() })
/// return ClientCallStreams(requests: counting, responses: streams.responses)
/// ```
public struct RequestWriter<Message: ProtobufMessage>: Sendable {
  private enum Storage: Sendable {
    case transport(any ClientStreamOutbound)
    case wrapped(write: @Sendable (Message, Bool) async throws -> Void, finish: @Sendable () -> Void)
  }
  private let storage: Storage

  package init(outbound: any ClientStreamOutbound) {
    self.storage = .transport(outbound)
  }

  /// A writer that hands every message to `write` and the half-close to `finish`.
  ///
  /// - Parameters:
  ///   - write: Called for each message with the caller's `compress` choice.
  ///   - finish: Called when the caller half-closes (and when the call's body returns without
  ///     half-closing).
  public init(
    write: @escaping @Sendable (_ message: Message, _ compress: Bool) async throws -> Void,
    finish: @escaping @Sendable () -> Void
  ) {
    self.storage = .wrapped(write: write, finish: finish)
  }

  /// Sends one message; suspends while the server is not reading fast enough.
  ///
  /// - Parameters:
  ///   - message: The request.
  ///   - compress: When the call compresses its requests (``CallOptions/compression``), `false`
  ///     sends this message uncompressed. Without request compression it has no effect.
  /// - Throws: ``RPCError`` when the call has already ended.
  public func write(_ message: Message, compress: Bool = true) async throws {
    switch self.storage {
    case .transport(let outbound):
      let size = message.encodedSize()
      try await outbound.write(size: size, compress: compress) { buffer in message.encode(into: buffer) }
    case .wrapped(let write, _):
      try await write(message, compress)
    }
  }

  /// Sends several messages in order.
  public func write(contentsOf messages: some Sequence<Message>) async throws {
    for message in messages { try await self.write(message) }
  }

  /// Half-closes the call: tells the server no more requests follow. Writing afterwards fails.
  public func finish() {
    switch self.storage {
    case .transport(let outbound): outbound.halfClose()
    case .wrapped(_, let finish): finish()
    }
  }
}
