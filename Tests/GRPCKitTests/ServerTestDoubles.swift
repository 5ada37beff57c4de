import GRPCKit
import GRPCLocking
import Logging

/// A transport that never listens: for a ``GRPCServer`` driven directly as a stream handler.
struct IdleServerTransport: ServerTransport {
  func listen(streamHandler: any ServerStreamHandler, logger: Logger) async throws {}
  func beginGracefulShutdown() {}
}

/// The sending side of a server stream that records what the call sends.
final class RecordingServerOutbound: ServerStreamOutbound {
  struct Sent {
    var messages: [[UInt8]] = []
    var status: Status?
    var trailers: Metadata?
  }
  private let state = Mutex(Sent())

  var sent: Sent { self.state.withLock { $0 } }

  func write(size: Int, compress: Bool, encode: (UnsafeMutableRawBufferPointer) -> Void) async throws(RPCError) {
    var bytes = [UInt8](repeating: 0, count: size)
    bytes.withUnsafeMutableBytes { encode($0) }
    self.state.withLock { $0.messages.append(bytes) }
  }

  func finish(_ status: Status, trailers: Metadata) {
    self.state.withLock { state in
      guard state.status == nil else { return }
      state.status = status
      state.trailers = trailers
    }
  }

  func setResponseCompression(_ algorithm: CompressionAlgorithm?) -> Bool { true }
}

/// Flow control that never needs resuming.
struct UnlimitedFlowControl: InboundFlowControl {
  func resumeInbound() {}
}

extension ServerCall {
  /// Delivers `messages` and the client's half-close, as a transport would.
  func deliver(_ messages: [some ProtobufMessage]) throws {
    for message in messages {
      let bytes = message.serializedBytes()
      _ = try bytes.withUnsafeBytes { try self.requests.receive($0, flowControl: UnlimitedFlowControl()) }
    }
    self.requests.finish(.endOfStream)
  }
}
