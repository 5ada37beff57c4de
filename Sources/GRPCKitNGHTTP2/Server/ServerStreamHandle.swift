public import GRPCKit
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
    let buffer = self.outbound.frame(size: size, encode: encode)
    let mustWait = try self.outbound.reserve(buffer.readableBytes)
    guard self.mailbox.post(.write(streamID: self.streamID, buffer)) else {
      throw RPCError(code: .unavailable, message: "the connection closed")
    }
    if mustWait { try await self.outbound.waitUntilWritable() }
  }

  func finish(_ status: Status, trailers: Metadata) {
    self.mailbox.post(.finish(streamID: self.streamID, status, trailers: trailers))
  }

  func resumeInbound() {
    self.mailbox.post(.resumeInbound(streamID: self.streamID))
  }
}
