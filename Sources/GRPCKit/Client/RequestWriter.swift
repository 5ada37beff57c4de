/// Writes the response messages of a server-streaming or bidirectional call.
///
/// `write` suspends while the client is not reading fast enough, so a handler can never queue
/// more than a bounded amount of data. It throws ``RPCError`` once the call has ended (the client
/// cancelled, the deadline passed, the connection closed).
public struct ResponseWriter<Message: ProtobufMessage>: Sendable {
  private let outbound: any ServerStreamOutbound

  package init(outbound: any ServerStreamOutbound) {
    self.outbound = outbound
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
    let size = message.encodedSize()
    try await self.outbound.write(size: size, compress: compress) { buffer in message.encode(into: buffer) }
  }

  /// Sends several messages in order.
  public func write(contentsOf messages: some Sequence<Message>) async throws {
    for message in messages { try await self.write(message) }
  }
}

/// Writes the request messages of a client-streaming or bidirectional call.
public struct RequestWriter<Message: ProtobufMessage>: Sendable {
  private let outbound: any ClientStreamOutbound

  package init(outbound: any ClientStreamOutbound) {
    self.outbound = outbound
  }

  /// Sends one message; suspends while the server is not reading fast enough.
  ///
  /// - Parameters:
  ///   - message: The request.
  ///   - compress: When the call compresses its requests (``CallOptions/compression``), `false`
  ///     sends this message uncompressed. Without request compression it has no effect.
  /// - Throws: ``RPCError`` when the call has already ended.
  public func write(_ message: Message, compress: Bool = true) async throws {
    let size = message.encodedSize()
    try await self.outbound.write(size: size, compress: compress) { buffer in message.encode(into: buffer) }
  }

  /// Sends several messages in order.
  public func write(contentsOf messages: some Sequence<Message>) async throws {
    for message in messages { try await self.write(message) }
  }

  /// Half-closes the call: tells the server no more requests follow. Writing afterwards fails.
  public func finish() {
    self.outbound.halfClose()
  }
}
