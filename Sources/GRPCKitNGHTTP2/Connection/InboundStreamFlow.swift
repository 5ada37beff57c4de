import GRPCKit
import NIOCore

/// The receiving side of one stream, on its connection's loop: splits DATA into messages for the
/// stream's sink, and holds back flow-control credit while the consumer is behind.
///
/// Credit for a chunk is granted when it arrives unless the sink has said it is behind; then it
/// is withheld until the sink asks for more (``release()``), so a slow consumer stops its sender
/// after one window.
struct InboundStreamFlow {
  private var deframer: MessageDeframer
  private var withholding = false
  private var withheldBytes = 0

  init(maximumMessageSize: Int) {
    self.deframer = MessageDeframer(maximumMessageSize: maximumMessageSize)
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
  /// - Throws: ``RPCError`` from deframing (limit, compressed flag) or from the sink (decoding).
  mutating func deframe(
    _ bytes: ByteBuffer,
    into sink: any InboundMessageSink,
    flowControl: any InboundFlowControl
  ) throws(RPCError) {
    var withhold = self.withholding
    try bytes.withUnsafeReadableBytes { (raw) throws(RPCError) in
      try self.deframer.process(raw) { (message) throws(RPCError) in
        if !(try sink.receive(message, flowControl: flowControl)) { withhold = true }
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
