import NIOCore
import Testing

@testable import GRPCKitNGHTTP2

/// The connection driver alone, in memory: a server driver fed a client session's bytes, its
/// output collected by the closures the handlers pass it.
@Suite("HTTP/2 connection driver")
struct HTTP2ConnectionDriverTests {
  /// A server driver and what its flushes wrote.
  final class Server {
    let driver: HTTP2ConnectionDriver<Int32>
    let client: NGHTTP2Session
    var written: [UInt8] = []
    var flushes = 0

    init() throws {
      self.driver = try HTTP2ConnectionDriver(role: .server, settings: HTTP2SessionSettings())
      self.client = try NGHTTP2Session(role: .client, settings: HTTP2SessionSettings())
    }

    /// The client's pending bytes (its preface and SETTINGS first).
    func clientBytes() -> [ByteBuffer] {
      var output: [ByteBuffer] = []
      _ = self.client.flushOutput(into: &output, allocator: ByteBufferAllocator())
      return output
    }

    func flush() -> HTTP2ConnectionDriver<Int32>.FlushOutcome {
      self.driver.flush(
        allocator: ByteBufferAllocator(),
        write: { self.written += $0.readableBytesView },
        flush: { self.flushes += 1 },
        handle: { _ in },
        writer: { _ in nil }
      )
    }

    /// The types of the frames written so far (0x4 SETTINGS, 0x7 GOAWAY, ...).
    var writtenFrameTypes: [UInt8] {
      var types: [UInt8] = []
      var rest = self.written[...]
      while rest.count >= 9 {
        let length = rest.prefix(3).reduce(0) { $0 << 8 | Int($1) }
        types.append(rest[rest.startIndex + 3])
        rest = rest.dropFirst(9 + length)
      }
      return types
    }
  }

  @Test("Output queued during a read cycle waits for its end, then goes out with one flush")
  func flushWaitsForTheReadCycle() throws {
    let server = try Server()
    for buffer in server.clientBytes() { _ = try server.driver.receive(buffer) }
    #expect(server.driver.inReadCycle)
    #expect(server.flush() == .deferred)
    #expect(server.written.isEmpty && server.flushes == 0)
    server.driver.endReadCycle()
    #expect(server.flush() == .open)
    // The server's SETTINGS, and the ACK of the client's.
    #expect(server.writtenFrameTypes.filter { $0 == 0x4 }.count == 2)
    #expect(server.flushes == 1)
    // Nothing is left: no second flush.
    #expect(server.flush() == .open)
    #expect(server.flushes == 1)
  }

  @Test("A connection asked to close is finished once nothing is left to write")
  func closeRequestedFinishes() throws {
    let server = try Server()
    for buffer in server.clientBytes() { _ = try server.driver.receive(buffer) }
    server.driver.closeRequested = true
    #expect(server.flush() == .deferred)
    server.driver.endReadCycle()
    #expect(server.flush() == .finished)
    #expect(server.flushes == 1)
  }

  @Test("A protocol error ends the read cycle; the flush sends nghttp2's GOAWAY and finishes")
  func protocolErrorFinishes() throws {
    let server = try Server()
    #expect(throws: HTTP2SessionError.self) {
      try server.driver.receive(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
    }
    #expect(!server.driver.inReadCycle)
    #expect(server.flush() == .finished)
    #expect(server.writtenFrameTypes.last == 0x7)
  }
}
