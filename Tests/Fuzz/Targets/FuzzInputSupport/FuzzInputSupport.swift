package import GRPCKit
package import NIOCore

// What the input targets share: the reader's flow-control handle, and the way a fuzz input
// reaches a connection.

/// A reader whose catching up the target performs itself, by asking the machine for the credit.
package struct NoFlowControl: InboundFlowControl {
  package init() {}
  package func resumeInbound() {}
}

/// Feeds a fuzz input to a connection: the first byte chooses a chunk size (1...256), the rest are
/// the peer's bytes, in chunks of that size, until they run out or `feed` returns false (the
/// session failed, which ends the connection).
package func feedInChunks(_ data: UnsafePointer<UInt8>, _ size: Int, to feed: (ByteBuffer) -> Bool)
{
  guard size > 0 else { return }
  let chunkSize = Int(data[0]) + 1
  var offset = 1
  while offset < size {
    let end = min(size, offset + chunkSize)
    guard feed(ByteBuffer(bytes: UnsafeBufferPointer(start: data + offset, count: end - offset)))
    else { return }
    offset = end
  }
}
