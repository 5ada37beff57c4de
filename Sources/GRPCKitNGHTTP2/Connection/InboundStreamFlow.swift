import GRPCKit
import NIOCore

/// The receiving side of one stream, on its connection's loop: splits DATA into messages for the
/// stream's sink, decompresses those with the compressed flag (when the stream has a
/// `grpc-encoding`), and holds back flow-control credit while the consumer is behind.
///
/// Credit for a chunk is granted when it arrives unless the sink has said it is behind; then it
/// is withheld until the sink asks for more (``release()``), so a slow consumer stops its sender
/// after one window.
struct InboundStreamFlow {
  private var deframer: MessageDeframer
  private var encoding: CompressionAlgorithm
  private var withholding = false
  private var withheldBytes = 0

  /// - Parameters:
  ///   - maximumMessageSize: The limit for a message as sent and, if compressed, once
  ///     decompressed.
  ///   - encoding: The stream's `grpc-encoding`; `identity` admits no compressed message.
  init(maximumMessageSize: Int, encoding: CompressionAlgorithm = .identity) {
    self.deframer = MessageDeframer(maximumMessageSize: maximumMessageSize)
    self.encoding = encoding
  }

  /// Sets the stream's `grpc-encoding` once it is known (a client learns it from the response
  /// headers).
  mutating func setEncoding(_ encoding: CompressionAlgorithm) {
    self.encoding = encoding
  }

  /// True when bytes of an incomplete message are buffered.
  var hasPartialMessage: Bool { self.deframer.hasPartialMessage }

  /// Accounts for a DATA chunk of `count` bytes.
  /// - Returns: the bytes to credit to the stream now (0 while withholding).
  mutating func admit(_ count: Int) -> Int {
    guard self.withholding else { return count }
    self.withheldBytes += count
    return 0
  }

  /// Delivers every complete message in `bytes` to `sink`; starts withholding credit if the sink
  /// reports that its consumer is behind.
  ///
  /// - Throws: ``RPCError`` from deframing (limit, flag byte), decompression (limit, corrupt
  ///   data, a compressed message on a stream without `grpc-encoding`) or the sink (decoding).
  mutating func deframe(
    _ bytes: ByteBuffer,
    into sink: any InboundMessageSink,
    flowControl: any InboundFlowControl
  ) throws(RPCError) {
    var withhold = self.withholding
    let encoding = self.encoding
    let limit = self.deframer.maximumMessageSize
    try bytes.withUnsafeReadableBytes { (raw) throws(RPCError) in
      try self.deframer.process(raw) { (message, compressed) throws(RPCError) in
        if !compressed {
          if !(try sink.receive(message, compressed: false, flowControl: flowControl)) { withhold = true }
          return
        }
        // A decompressor is borrowed per message: idle streams hold no zlib state.
        let delivered: Void? = try ZlibCodecPool.decompressors.withCodec(encoding) { (decompressor) throws(RPCError) in
          try decompressor.decompress(message, limit: limit) { (plain) throws(RPCError) in
            if !(try sink.receive(plain, compressed: true, flowControl: flowControl)) { withhold = true }
          }
        }
        guard delivered != nil else {
          throw RPCError(
            code: .internal, message: "message has the compressed flag set but the stream has no grpc-encoding")
        }
      }
    }
    self.withholding = withhold
  }

  /// Stops withholding.
  /// - Returns: the withheld bytes, to credit to the stream now.
  mutating func release() -> Int {
    self.withholding = false
    defer { self.withheldBytes = 0 }
    return self.withheldBytes
  }
}
