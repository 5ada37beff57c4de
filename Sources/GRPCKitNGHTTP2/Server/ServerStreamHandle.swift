import GRPCKit
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

  init(streamID: Int32, outbound: StreamOutboundHandle, mailbox: ConnectionMailbox<ServerStreamAction>) {
    self.streamID = streamID
    self.outbound = outbound
    self.mailbox = mailbox
  }

  func write(size: Int, encode: (UnsafeMutableRawBufferPointer) -> Void) async throws(RPCError) {
    try await self.outbound.write(size: size, encode: encode) { buffer in
      self.mailbox.post(.write(streamID: self.streamID, buffer))
    }
  }

  func finish(_ status: Status, trailers: Metadata) {
    self.mailbox.post(.finish(streamID: self.streamID, status, trailers: trailers))
  }

  func resumeInbound() {
    self.mailbox.post(.resumeInbound(streamID: self.streamID))
  }
}
