import GRPCKit
import NIOCore

/// A call the client asks its connection's loop to start.
struct ClientStreamRequest: Sendable {
  let handle: ClientStreamHandle
  let headers: [HTTP2HeaderField]
  let responses: any InboundMessageSink
  let timeout: Duration?
  let maximumReceiveMessageSize: Int
  let path: String
}

/// What a client call's task posts to its connection's loop. Streams are named by a key the
/// client assigns, since nghttp2 assigns the stream id only when the request is submitted.
enum ClientStreamAction: Sendable {
  case open(ClientStreamRequest)
  case write(key: Int, ByteBuffer)
  case halfClose(key: Int)
  case cancel(key: Int)
  case resumeInbound(key: Int)
}

/// The transport side of one client call as GRPCKit sees it.
final class ClientStreamHandle: ClientStreamOutbound, InboundFlowControl {
  let outbound: StreamOutboundHandle
  private let mailbox: ConnectionMailbox<ClientStreamAction>
  /// Compresses request messages; `nil` when the call sends them uncompressed.
  private let compressor: OutboundMessageCompressor?
  var key: Int { self.outbound.key }

  /// - Parameter compression: The call's request encoding (``CallOptions/compression``).
  init(outbound: StreamOutboundHandle, mailbox: ConnectionMailbox<ClientStreamAction>, compression: CompressionAlgorithm?) {
    self.outbound = outbound
    self.mailbox = mailbox
    self.compressor = compression.flatMap { OutboundMessageCompressor(algorithm: $0) }
  }

  func write(size: Int, compress: Bool, encode: (UnsafeMutableRawBufferPointer) -> Void) async throws(RPCError) {
    try await self.outbound.write(size: size, compressor: compress ? self.compressor : nil, encode: encode) { buffer in
      self.mailbox.post(.write(key: self.key, buffer))
    }
  }

  func halfClose() {
    self.mailbox.post(.halfClose(key: self.key))
  }

  func cancel() {
    self.mailbox.post(.cancel(key: self.key))
  }

  func resumeInbound() {
    self.mailbox.post(.resumeInbound(key: self.key))
  }
}
