import GRPCKitNGHTTP2
import NIOCore
import Testing

/// A client and a server session exchanging bytes in memory, no sockets.
final class SessionPair {
  let client: NGHTTP2Session
  let server: NGHTTP2Session
  var clientEvents: [HTTP2SessionEvent] = []
  var serverEvents: [HTTP2SessionEvent] = []
  /// Buffers each side's flushOutput produced, in the last pump.
  var clientOutput: [ByteBuffer] = []
  var serverOutput: [ByteBuffer] = []
  /// Receivers return flow-control credit for every DATA chunk they get.
  var autoConsume = true
  /// When set, every buffer is delivered in pieces of this size, each a slice at a nonzero
  /// reader index.
  var fragmentSize: Int?
  let allocator = ByteBufferAllocator()

  init(
    client clientSettings: HTTP2SessionSettings = HTTP2SessionSettings(),
    server serverSettings: HTTP2SessionSettings = HTTP2SessionSettings()
  ) throws {
    client = try NGHTTP2Session(role: .client, settings: clientSettings)
    server = try NGHTTP2Session(role: .server, settings: serverSettings)
  }

  /// Moves bytes both ways until neither side has anything to send.
  func pump(maxRounds: Int = 10_000) throws {
    clientOutput = []
    serverOutput = []
    for _ in 0 ..< maxRounds {
      var fromClient: [ByteBuffer] = []
      clientEvents += client.flushOutput(into: &fromClient, allocator: allocator)
      var fromServer: [ByteBuffer] = []
      serverEvents += server.flushOutput(into: &fromServer, allocator: allocator)
      if fromClient.isEmpty, fromServer.isEmpty { return }
      clientOutput += fromClient
      serverOutput += fromServer
      for bytes in fromClient.flatMap(fragments) {
        let events = try server.receive(bytes)
        consume(events, on: server)
        serverEvents += events
      }
      for bytes in fromServer.flatMap(fragments) {
        let events = try client.receive(bytes)
        consume(events, on: client)
        clientEvents += events
      }
    }
    Issue.record("sessions still exchanging bytes after \(maxRounds) rounds")
  }

  private func fragments(_ buffer: ByteBuffer) -> [ByteBuffer] {
    guard let fragmentSize else { return [buffer] }
    var buffer = buffer
    var pieces: [ByteBuffer] = []
    while buffer.readableBytes > 0 {
      var piece = ByteBuffer(string: "junk")
      var bytes = buffer.readSlice(length: min(fragmentSize, buffer.readableBytes))!
      piece.writeBuffer(&bytes)
      piece.moveReaderIndex(forwardBy: 4)
      pieces.append(piece)
    }
    return pieces
  }

  private func consume(_ events: [HTTP2SessionEvent], on session: NGHTTP2Session) {
    guard autoConsume else { return }
    for case .data(let streamID, let bytes) in events {
      session.consumeStream(streamID: streamID, bytes: bytes.readableBytes)
      session.consumeConnection(bytes: bytes.readableBytes)
    }
  }

  /// Sends a gRPC-style request; returns its stream id.
  func startRequest(path: String = "/Echo/Get") throws(HTTP2SessionError) -> Int32 {
    try client.submitRequest(headers: Self.requestHeaders(path: path))
  }

  static func requestHeaders(path: String = "/Echo/Get") -> [HTTP2HeaderField] {
    [
      .init(name: ":method", value: "POST"),
      .init(name: ":scheme", value: "http"),
      .init(name: ":path", value: path),
      .init(name: ":authority", value: "localhost"),
      .init(name: "content-type", value: "application/grpc"),
      .init(name: "te", value: "trailers"),
    ]
  }

  static let responseHeaders: [HTTP2HeaderField] = [
    .init(name: ":status", value: "200"),
    .init(name: "content-type", value: "application/grpc"),
  ]

  static let okTrailers: [HTTP2HeaderField] = [.init(name: "grpc-status", value: "0")]
}

/// The DATA bytes for `streamID` among `events`, concatenated.
func receivedData(_ streamID: Int32, in events: [HTTP2SessionEvent]) -> ByteBuffer {
  var all = ByteBuffer()
  for case .data(streamID, var bytes) in events {
    all.writeBuffer(&bytes)
  }
  return all
}

/// The number of DATA events for `streamID` among `events`.
func dataEventCount(_ streamID: Int32, in events: [HTTP2SessionEvent]) -> Int {
  events.count { if case .data(streamID, _) = $0 { true } else { false } }
}

/// The header events among `events`.
func headerEvents(_ events: [HTTP2SessionEvent]) -> [HTTP2SessionEvent] {
  events.filter { if case .headers = $0 { true } else { false } }
}

/// A frame header decoded from serialized HTTP/2 output.
struct FrameHeader: Equatable {
  var length: Int
  var type: UInt8
  var flags: UInt8
  var streamID: Int32
}

/// Decodes the frame headers in `output` (server output, or client output after the preface).
func frameHeaders(in output: [ByteBuffer], skippingPreface: Bool = false) -> [FrameHeader] {
  var all = ByteBuffer()
  for var buffer in output { all.writeBuffer(&buffer) }
  if skippingPreface { all.moveReaderIndex(forwardBy: 24) }
  var frames: [FrameHeader] = []
  while all.readableBytes >= 9 {
    let high = Int(all.readInteger(as: UInt8.self)!)
    let low = Int(all.readInteger(as: UInt16.self)!)
    let type = all.readInteger(as: UInt8.self)!
    let flags = all.readInteger(as: UInt8.self)!
    let streamID = Int32(bitPattern: all.readInteger(as: UInt32.self)! & 0x7fff_ffff)
    let length = high << 16 | low
    frames.append(FrameHeader(length: length, type: type, flags: flags, streamID: streamID))
    all.moveReaderIndex(forwardBy: min(length, all.readableBytes))
  }
  return frames
}

/// `count` bytes of a repeating pattern that starts at `seed`, so misordered bytes show.
func patternBytes(_ count: Int, seed: UInt8 = 0) -> ByteBuffer {
  var buffer = ByteBuffer()
  buffer.reserveCapacity(count)
  for index in 0 ..< count {
    buffer.writeInteger(UInt8(truncatingIfNeeded: index &* 31 &+ Int(seed) &+ index >> 8))
  }
  return buffer
}

@Suite("NGHTTP2Session pair")
struct NGHTTP2SessionPairTests {
  @Test("Fresh sessions exchange SETTINGS and go quiet")
  func freshSessionsGoQuiet() throws {
    let pair = try SessionPair()
    try pair.pump()
    #expect(pair.clientEvents.isEmpty)
    #expect(pair.serverEvents.isEmpty)
    #expect(!pair.client.wantsWrite)
    #expect(!pair.server.wantsWrite)
    #expect(pair.client.wantsRead)
    #expect(pair.server.wantsRead)
    #expect(!pair.server.hasOpenStreams)
  }
}
