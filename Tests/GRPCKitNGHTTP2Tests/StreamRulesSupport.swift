import GRPCKit
import NIOCore
import GRPCLocking

@testable import GRPCKitNGHTTP2

/// Where the stream state machines under test deliver messages: records them, and can report
/// its consumer as behind or refuse a message as undecodable.
final class RecordingSink: InboundMessageSink {
  struct State {
    var messages: [[UInt8]] = []
    var compressed: [Bool] = []
    var behind = false
    var refuse = false
  }
  let state = Mutex(State())

  init(behind: Bool = false, refuse: Bool = false) {
    self.state.withLock {
      $0.behind = behind
      $0.refuse = refuse
    }
  }

  var messages: [[UInt8]] { self.state.withLock { $0.messages } }

  func receive(_ message: UnsafeRawBufferPointer, flowControl: any InboundFlowControl)
    throws(RPCError) -> Bool
  {
    try self.receive(message, compressed: false, flowControl: flowControl)
  }

  func receive(
    _ message: UnsafeRawBufferPointer, compressed: Bool, flowControl: any InboundFlowControl
  ) throws(RPCError) -> Bool {
    try self.state.withLock { (state) throws(RPCError) -> Bool in
      if state.refuse { throw RPCError(code: .internal, message: "the message does not decode") }
      state.messages.append(Array(message))
      state.compressed.append(compressed)
      return !state.behind
    }
  }

  func receiveHeaders(_ metadata: Metadata) {}
  func finish(_ end: InboundEnd) {}
}

struct NoFlowControl: InboundFlowControl {
  func resumeInbound() {}
}

/// gRPC message framing for the tests: a 5-byte prefix (flag, big-endian length) and the body.
func framed(_ body: [UInt8], compressed: Bool = false) -> ByteBuffer {
  var buffer = ByteBuffer()
  buffer.writeInteger(UInt8(compressed ? 1 : 0))
  buffer.writeInteger(UInt32(body.count))
  buffer.writeBytes(body)
  return buffer
}

/// A header block from `name: value` strings.
func fields(_ pairs: [(String, String)]) -> [HTTP2HeaderField] {
  pairs.map { HTTP2HeaderField(name: $0.0, value: $0.1) }
}

extension Array where Element == HTTP2HeaderField {
  /// The value of the first field named `name`.
  func value(_ name: String) -> String? {
    self.first { $0.name == name }?.value
  }
}
