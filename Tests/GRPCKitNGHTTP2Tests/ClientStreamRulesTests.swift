import GRPCKit
import NIOCore
import Testing

@testable import GRPCKitNGHTTP2

/// The client's response rules without sockets (``ClientStreamStateMachine``), from the gRPC
/// over HTTP/2 specification and its HTTP status table (`doc/http-grpc-status-mapping.md`).
/// `HTTPStatusMappingTests` keeps a few of them end to end, against a Python server.
@Suite("Client stream rules")
struct ClientStreamRulesTests {
  typealias Action = ClientStreamStateMachine.HeadersAction

  static func machine() -> ClientStreamStateMachine {
    ClientStreamStateMachine(
      maximumReceiveMessageSize: 1024, enabledCompression: [.gzip, .identity])
  }

  static let grpcHeaders: [(String, String)] = [
    (":status", "200"), ("content-type", "application/grpc"),
  ]

  static let httpStatusTable: [(Int, Status.Code)] = [
    (400, .internal), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
    (429, .unavailable), (502, .unavailable), (503, .unavailable), (504, .unavailable),
    (500, .unknown), (302, .unknown), (418, .unknown),
  ]

  @Test(
    "An HTTP error status without grpc-status maps by the spec's table", arguments: httpStatusTable)
  func httpStatus(status: Int, code: Status.Code) {
    var machine = Self.machine()
    let action = machine.receiveHeaders(fields([(":status", String(status))]), endStream: true)
    #expect(
      action
        == .fail(
          RPCError(code: code, message: "HTTP status \(status) without grpc-status"), reset: false))
    #expect(machine.isFinished)
  }

  @Test("An HTTP error status that does not end the stream resets it")
  func httpStatusOpenStream() {
    var machine = Self.machine()
    let action = machine.receiveHeaders(fields([(":status", "503")]), endStream: false)
    #expect(
      action
        == .fail(
          RPCError(code: .unavailable, message: "HTTP status 503 without grpc-status"), reset: true)
    )
  }

  static let headerBlocks: [(String, [(String, String)], Bool, Action)] = [
    (
      "an HTTP error status with grpc-status uses the grpc-status",
      [(":status", "503"), ("grpc-status", "7"), ("grpc-message", "no%20entry")], true,
      .complete(Status(code: .permissionDenied, message: "no entry"), trailers: [:])
    ),
    (
      "a trailers-only response carries the status",
      grpcHeaders + [("grpc-status", "5"), ("grpc-message", "not found"), ("x-detail", "a")], true,
      .complete(Status(code: .notFound, message: "not found"), trailers: ["x-detail": "a"])
    ),
    (
      "an unknown grpc-status number is UNKNOWN",
      grpcHeaders + [("grpc-status", "99")], true,
      .complete(Status(code: .unknown, message: ""), trailers: [:])
    ),
    (
      "HTTP 200 that ends the stream without grpc-status is INTERNAL",
      grpcHeaders, true,
      .fail(
        RPCError(code: .internal, message: "the HTTP 200 response ended without grpc-status"),
        reset: false)
    ),
    (
      "HTTP 200 with a content-type that is not gRPC is UNKNOWN and names it",
      [(":status", "200"), ("content-type", "text/html")], false,
      .fail(
        RPCError(
          code: .unknown,
          message: "HTTP 200 response content-type 'text/html' is not application/grpc"),
        reset: true)
    ),
    (
      "HTTP 200 without a content-type is UNKNOWN",
      [(":status", "200")], false,
      .fail(
        RPCError(
          code: .unknown, message: "HTTP 200 response content-type '' is not application/grpc"),
        reset: true)
    ),
    (
      "a response encoding the client did not offer is INTERNAL and names the accepted ones",
      grpcHeaders + [("grpc-encoding", "snappy")], false,
      .fail(
        RPCError(
          code: .internal,
          message: "response grpc-encoding 'snappy' is not one this client accepts (gzip,identity)"),
        reset: true)
    ),
    (
      "response headers carry the server's metadata",
      grpcHeaders + [("grpc-encoding", "gzip"), ("x-server", "1")], false,
      .receiveHeaders(["x-server": "1"])
    ),
    ("informational headers are skipped", [(":status", "100")], false, .none),
  ]

  @Test("Response header blocks give the protocol's outcome", arguments: headerBlocks)
  func headers(name: String, block: [(String, String)], endStream: Bool, expected: Action) {
    var machine = Self.machine()
    #expect(machine.receiveHeaders(fields(block), endStream: endStream) == expected, "\(name)")
  }

  @Test("After informational headers the real ones are read")
  func informationalThenHeaders() {
    var machine = Self.machine()
    #expect(machine.receiveHeaders(fields([(":status", "100")]), endStream: false) == .none)
    #expect(
      machine.receiveHeaders(fields(Self.grpcHeaders), endStream: false) == .receiveHeaders([:]))
    #expect(machine.phase == .receivingMessages)
  }

  static let trailerBlocks: [(String, [(String, String)], Action)] = [
    (
      "trailers carry the status", [("grpc-status", "0")],
      .complete(Status(code: .ok, message: ""), trailers: [:])
    ),
    (
      "a percent-encoded grpc-message is decoded",
      [("grpc-status", "3"), ("grpc-message", "bad%20%E2%9C%93")],
      .complete(Status(code: .invalidArgument, message: "bad ✓"), trailers: [:])
    ),
    (
      "trailers without grpc-status are INTERNAL",
      [("x-trailer", "1")],
      .fail(
        RPCError(
          code: .internal, message: "the trailers have no grpc-status", metadata: ["x-trailer": "1"]
        ), reset: false)
    ),
  ]

  @Test("Trailers give the call's outcome", arguments: trailerBlocks)
  func trailers(name: String, block: [(String, String)], expected: Action) {
    var machine = Self.machine()
    _ = machine.receiveHeaders(fields(Self.grpcHeaders), endStream: false)
    #expect(machine.receiveTrailers(fields(block)) == expected, "\(name)")
    #expect(machine.isFinished)
    #expect(machine.receiveTrailers(fields(block)) == .none)
  }

  @Test("Trailers that cut a message short are INTERNAL")
  func trailersInsideMessage() {
    var machine = Self.machine()
    let sink = RecordingSink()
    _ = machine.receiveHeaders(fields(Self.grpcHeaders), endStream: false)
    var partial = framed([1, 2, 3])
    partial.moveWriterIndex(to: partial.writerIndex - 1)
    #expect(machine.receiveData(partial, into: sink, flowControl: NoFlowControl()) == .credit(7))
    let action = machine.receiveTrailers(fields([("grpc-status", "0")]))
    #expect(
      action
        == .fail(
          RPCError(
            code: .internal, message: "the response stream ended in the middle of a message"),
          reset: false))
  }

  @Test("Messages reach the call; DATA before the headers or after the outcome does not")
  func data() {
    var machine = Self.machine()
    let sink = RecordingSink()
    #expect(
      machine.receiveData(framed([9]), into: sink, flowControl: NoFlowControl())
        == .fail(
          RPCError(code: .internal, message: "the server sent DATA before the response headers"),
          credit: 6))
    machine = Self.machine()
    _ = machine.receiveHeaders(fields(Self.grpcHeaders), endStream: false)
    #expect(
      machine.receiveData(framed([1, 2]), into: sink, flowControl: NoFlowControl()) == .credit(7))
    let finished = machine.finish()
    #expect(finished)
    #expect(
      machine.receiveData(framed([3]), into: sink, flowControl: NoFlowControl()) == .credit(6))
    #expect(sink.messages == [[1, 2]])
  }

  @Test("A response message over the limit is RESOURCE_EXHAUSTED")
  func oversizedMessage() {
    var machine = Self.machine()
    _ = machine.receiveHeaders(fields(Self.grpcHeaders), endStream: false)
    let action = machine.receiveData(
      ByteBuffer(bytes: [0, 0, 0, 8, 0]), into: RecordingSink(), flowControl: NoFlowControl())
    #expect(
      action
        == .fail(
          RPCError(code: .resourceExhausted, message: "message is 2048 bytes; limit 1024"),
          credit: 5))
    #expect(machine.isFinished)
  }

  @Test("END_STREAM on DATA without trailers is INTERNAL")
  func endWithoutTrailers() {
    var machine = Self.machine()
    _ = machine.receiveHeaders(fields(Self.grpcHeaders), endStream: false)
    #expect(
      machine.receiveEndOfStream()
        == .fail(
          RPCError(
            code: .internal,
            message: "the server ended the stream without trailers (no grpc-status)"), reset: false)
    )
    #expect(machine.receiveEndOfStream() == .none)
  }

  static let resets: [(HTTP2ErrorCode, Bool, String?, ClientStreamStateMachine.ClosedAction)] = [
    (
      .refusedStream, false, nil,
      .retryOrFail(
        RPCError(code: .unavailable, message: "the server refused the stream (REFUSED_STREAM)"))
    ),
    (
      .refusedStream, false, "GOAWAY with HTTP/2 error ENHANCE_YOUR_CALM (too many connections)",
      .retryOrFail(
        RPCError(
          code: .unavailable,
          message:
            "the server refused the stream after GOAWAY with HTTP/2 error ENHANCE_YOUR_CALM (too many connections)"
        ))
    ),
    (
      .refusedStream, true, nil,
      .fail(RPCError(code: .unavailable, message: "the server refused the stream (REFUSED_STREAM)"))
    ),
    (
      .cancel, false, nil,
      .fail(RPCError(code: .cancelled, message: "the server cancelled the stream"))
    ),
    (
      .noError, true, nil,
      .fail(RPCError(code: .internal, message: "the server closed the stream without a status"))
    ),
    (
      .enhanceYourCalm, true, nil,
      .fail(
        RPCError(
          code: .resourceExhausted, message: "the server reset the stream: ENHANCE_YOUR_CALM"))
    ),
    (
      .inadequateSecurity, false, nil,
      .fail(
        RPCError(
          code: .permissionDenied, message: "the server reset the stream: INADEQUATE_SECURITY"))
    ),
    (
      .protocolError, true, nil,
      .fail(
        RPCError(
          code: .internal, message: "the server reset the stream (HTTP/2 error PROTOCOL_ERROR)"))
    ),
    (
      HTTP2ErrorCode(rawValue: 0x77), true, nil,
      .fail(RPCError(code: .internal, message: "the server reset the stream (HTTP/2 error 0x77)"))
    ),
  ]

  @Test(
    "A reset maps to a status by its HTTP/2 error; REFUSED_STREAM before a response may be replayed",
    arguments: resets)
  func reset(
    errorCode: HTTP2ErrorCode, afterHeaders: Bool, goAway: String?,
    expected: ClientStreamStateMachine.ClosedAction
  ) {
    var machine = Self.machine()
    if afterHeaders { _ = machine.receiveHeaders(fields(Self.grpcHeaders), endStream: false) }
    #expect(machine.streamClosed(errorCode: errorCode, goAwayError: goAway) == expected)
    #expect(machine.streamClosed(errorCode: errorCode, goAwayError: goAway) == .none)
  }

  @Test("A close after the outcome changes nothing, and nothing is sent after it")
  func closeAfterOutcome() {
    var machine = Self.machine()
    let sent = machine.sendMessage(size: 10)
    #expect(sent)
    _ = machine.receiveHeaders(fields(Self.grpcHeaders + [("grpc-status", "0")]), endStream: true)
    #expect(machine.streamClosed(errorCode: .noError, goAwayError: nil) == .none)
    let sentAfter = machine.sendMessage(size: 10)
    #expect(!sentAfter)
    #expect(machine.enqueuedBytes == 10)
    let finishedAgain = machine.finish()
    #expect(!finishedAgain)
  }
}
