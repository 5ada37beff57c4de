import GRPCKit
import GRPCTestSupport
import NIOCore
import Testing

@testable import GRPCKitNGHTTP2

/// Calls that run, through the real ``ServerConnectionHandler`` on an EmbeddedChannel (its
/// `HTTP2ConnectionDriver`, the stream state machine, the mailbox, handler tasks on the loop)
/// against `echo.Echo`, with an in-memory client session: what reaches the wire, exactly, and
/// how often the connection flushes.
@Suite("Server connection handler: calls")
struct ServerConnectionHandlerCallTests {
  static let acceptEncoding = "gzip,deflate,identity"

  /// `echo.Echo` behind a ``GRPCServer`` (the server is the stream handler; it never listens).
  static func makeConnection() throws -> EmbeddedServerConnection {
    let server = GRPCServer(
      transport: NGHTTP2ServerTransport(host: "127.0.0.1", port: 0),
      services: [EchoService()]
    )
    return try EmbeddedServerConnection(streamHandler: server)
  }

  /// Opens a call to `method` with `metadata`, sends `texts` as requests and, with `end`, ends
  /// the request stream; nothing moves until the connection exchanges bytes.
  static func startCall(
    _ method: String,
    on connection: EmbeddedServerConnection,
    metadata: [(String, String)] = [],
    texts: [String],
    end: Bool
  ) throws -> Int32 {
    let streamID = try connection.client.submitRequest(
      headers: ServerConnectionHandlerTests.headers(
        [(":path", "/echo.Echo/\(method)")],
        extra: metadata
      )
    )
    Self.send(texts, on: streamID, to: connection, end: end)
    return streamID
  }

  static func send(
    _ texts: [String],
    on streamID: Int32,
    to connection: EmbeddedServerConnection,
    end: Bool
  ) {
    for text in texts {
      connection.client.enqueueData(
        streamID: streamID,
        framed(Echo_EchoRequest(text: text).serializedBytes())
      )
    }
    if end { connection.client.endStream(streamID: streamID, trailers: nil) }
  }

  static func replies(_ response: EmbeddedServerConnection.Response) throws -> [Echo_EchoResponse] {
    try response.messages.map { try Echo_EchoResponse(serializedBytes: $0) }
  }

  @Test("A unary call gets its response headers, its one reply and OK trailers")
  func unaryCall() throws {
    let connection = try Self.makeConnection()
    let streamID = try Self.startCall(
      "Get",
      on: connection,
      metadata: [("x-echo-id", "7")],
      texts: ["hello"],
      end: true
    )
    try connection.exchange(untilClosed: [streamID])
    let response = connection.response(on: streamID)
    #expect(
      response.headers
        == fields([
          (":status", "200"), ("content-type", "application/grpc"),
          ("grpc-accept-encoding", Self.acceptEncoding), ("x-echo-id", "7"),
        ])
    )
    #expect(try Self.replies(response) == [Echo_EchoResponse(text: "hello")])
    #expect(response.partialBytes == 0)
    #expect(response.trailers == fields([("grpc-status", "0"), ("x-trailer", "done")]))
  }

  @Test("A bidirectional call answers each request as it arrives, then ends with OK trailers")
  func streamingCall() throws {
    let connection = try Self.makeConnection()
    let streamID = try Self.startCall("Update", on: connection, texts: ["one"], end: false)
    try connection.exchange("the first reply") {
      connection.response(on: streamID).messages.count == 1
    }
    // The call is still open: no trailers before the client half-closes.
    #expect(connection.response(on: streamID).trailers == nil)
    Self.send(["two", "three"], on: streamID, to: connection, end: true)
    try connection.exchange(untilClosed: [streamID])
    let response = connection.response(on: streamID)
    #expect(
      response.headers
        == fields([
          (":status", "200"), ("content-type", "application/grpc"),
          ("grpc-accept-encoding", Self.acceptEncoding),
        ])
    )
    #expect(
      try Self.replies(response) == ["one", "two", "three"].map { Echo_EchoResponse(text: $0) }
    )
    #expect(response.partialBytes == 0)
    #expect(response.trailers == fields([("grpc-status", "0"), ("x-trailer", "done")]))
  }

  @Test("A read cycle of many frames is answered with one flush, at its end")
  func oneFlushPerReadCycle() throws {
    let connection = try Self.makeConnection()
    // The client's first bytes: preface, SETTINGS, WINDOW_UPDATE, and HEADERS and DATA of three
    // calls, each frame its own channelRead in one read cycle.
    let texts = ["a", "b", "c"]
    let streamIDs = try texts.map { text in
      try Self.startCall("Get", on: connection, texts: [text], end: true)
    }
    let before = connection.flushes.count
    var flushesDuringReads: [Int] = []
    let reads = try connection.feedFrameByFrame {
      flushesDuringReads.append(connection.flushes.count - before)
    }
    #expect(reads >= 8, "preface, SETTINGS, and HEADERS and DATA of each call")
    #expect(flushesDuringReads == Array(repeating: 0, count: reads))
    #expect(connection.flushes.count == before + 1)
    try connection.exchange(untilClosed: Set(streamIDs))
    for (streamID, text) in zip(streamIDs, texts) {
      let response = connection.response(on: streamID)
      #expect(try Self.replies(response) == [Echo_EchoResponse(text: text)])
      #expect(response.trailers?.value("grpc-status") == "0")
    }
  }
}
