import GRPCKit
import GRPCLocking
import NIOCore

/// What a server call's task posts to its connection's loop.
enum ServerStreamAction: Sendable {
  case write(streamID: Int32, ByteBuffer)
  case finish(streamID: Int32, Status, trailers: Metadata)
  case resumeInbound(streamID: Int32)
}

/// The transport side of one server call as GRPCKit sees it: the response writer's target and
/// the request stream's flow-control handle.
final class ServerStreamHandle: ServerStreamOutbound, InboundFlowControl {
  let streamID: Int32
  let outbound: StreamOutboundHandle
  private let mailbox: ConnectionMailbox<ServerStreamAction>
  /// False when the client accepts no compression the server has enabled: then writes skip
  /// the lock below.
  private let responseCompressible: Bool
  /// The response encoding, decided at the first write.
  private let responseCompression: Mutex<ResponseCompression>

  private enum ResponseCompression {
    /// Until the first write: the negotiation, and the handler's override if it set one.
    case undecided(ServerCallCompression, override: CompressionAlgorithm?)
    case decided(OutboundMessageCompressor?)
  }

  /// The largest response message the handler may write.
  private let maximumSendMessageSize: Int?

  init(
    streamID: Int32,
    outbound: StreamOutboundHandle,
    mailbox: ConnectionMailbox<ServerStreamAction>,
    compression: ServerCallCompression,
    maximumSendMessageSize: Int? = nil
  ) {
    self.maximumSendMessageSize = maximumSendMessageSize
    self.streamID = streamID
    self.outbound = outbound
    self.mailbox = mailbox
    self.responseCompressible = !compression.responsesNeverCompressed
    self.responseCompression = Mutex(.undecided(compression, override: nil))
  }

  /// The encoding of the response messages, once the first one is written; the loop names it
  /// in the response headers.
  var responseEncoding: CompressionAlgorithm {
    guard self.responseCompressible else { return .identity }
    return self.responseCompression.withLock { state in
      if case .decided(let compressor?) = state { return compressor.algorithm }
      return .identity
    }
  }

  func write(size: Int, compress: Bool, encode: (UnsafeMutableRawBufferPointer) -> Void) async throws(RPCError) {
    if let limit = self.maximumSendMessageSize, size > limit {
      // Not sent; a handler that lets the error through ends the call with it.
      throw RPCError(
        code: .resourceExhausted, message: "response message is \(size) bytes; the send limit is \(limit) bytes")
    }
    let compressor = self.responseCompressor()
    try await self.outbound.write(size: size, compressor: compress ? compressor : nil, encode: encode) { buffer in
      self.mailbox.post(.write(streamID: self.streamID, buffer))
    }
  }

  /// The response compressor; the first call decides it from the policy and the handler's
  /// override (``setResponseCompression(_:)``).
  private func responseCompressor() -> OutboundMessageCompressor? {
    guard self.responseCompressible else { return nil }
    return self.responseCompression.withLock { state in
      switch state {
      case .decided(let compressor):
        return compressor
      case .undecided(let negotiated, let override):
        let algorithm = negotiated.responseEncoding(override: override)
        let compressor = OutboundMessageCompressor(algorithm: algorithm)
        state = .decided(compressor)
        return compressor
      }
    }
  }

  func setResponseCompression(_ algorithm: CompressionAlgorithm?) -> Bool {
    // Nothing to decide when the client accepts no compression: responses go uncompressed.
    guard self.responseCompressible else { return true }
    return self.responseCompression.withLock { state in
      guard case .undecided(let negotiated, _) = state else { return false }
      state = .undecided(negotiated, override: algorithm)
      return true
    }
  }

  func finish(_ status: Status, trailers: Metadata) {
    self.mailbox.post(.finish(streamID: self.streamID, status, trailers: trailers))
  }

  func resumeInbound() {
    self.mailbox.post(.resumeInbound(streamID: self.streamID))
  }
}
