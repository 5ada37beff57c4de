import GRPCKit
import NIOCore
import Testing

@testable import GRPCKitNGHTTP2

/// The server's stream rules without sockets: the request-header checks
/// (``ServerRequestHead``) and the per-stream state machine (``ServerStreamStateMachine``).
/// `RawHTTP2ConformanceTests` keeps a few of the same rules end to end, against a Python peer.
@Suite("Server stream rules")
struct ServerStreamRulesTests {
  static let valid: [(String, String)] = [
    (":method", "POST"), (":scheme", "http"), (":path", "/echo.Echo/Get"),
    (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
  ]

  /// `valid`, with `changes` replacing fields of the same name (an empty value removes one).
  static func request(_ changes: [(String, String)]) -> [HTTP2HeaderField] {
    var pairs = Self.valid.filter { field in !changes.contains { $0.0 == field.0 } }
    pairs += changes.filter { !$0.1.isEmpty }
    return fields(pairs)
  }

  static func parse(_ changes: [(String, String)]) -> Result<
    ServerRequestHead, ServerRequestHead.Rejection
  > {
    ServerRequestHead.parse(
      Self.request(changes), enabledCompression: [.gzip, .deflate, .identity],
      responseCompression: .matchRequest)
  }

  // MARK: Request headers

  static let rejectedByHTTPStatus: [([(String, String)], Int, String)] = [
    ([(":method", "GET")], 405, "gRPC requires POST; got GET"),
    ([(":method", "PUT")], 405, "gRPC requires POST; got PUT"),
    ([("content-type", "text/plain")], 415, "content-type 'text/plain' is not application/grpc"),
    ([("content-type", "")], 415, "content-type '' is not application/grpc"),
    (
      [("content-type", "application/grpcx")], 415,
      "content-type 'application/grpcx' is not application/grpc"
    ),
    (
      [("content-type", "application/json")], 415,
      "content-type 'application/json' is not application/grpc"
    ),
  ]

  @Test(
    "A request that is not gRPC gets an HTTP error status naming the rule",
    arguments: rejectedByHTTPStatus)
  func notGRPC(changes: [(String, String)], httpStatus: Int, message: String) {
    guard case .failure(let rejection) = Self.parse(changes) else {
      Issue.record("accepted")
      return
    }
    #expect(rejection == .httpStatus(httpStatus, message: message))
    let headers = rejection.responseHeaders(acceptEncoding: "gzip,identity")
    #expect(headers.value(":status") == String(httpStatus))
    #expect(headers.value("grpc-status") == "13")
    #expect(headers.value("grpc-message") == StatusMessageEncoding.encode(message))
    #expect(headers.value("grpc-accept-encoding") == nil)
  }

  static let acceptedContentTypes = [
    "application/grpc", "application/grpc+proto", "application/grpc+json",
    "application/grpc;charset=utf-8", "Application/GRPC",
  ]

  @Test(
    "gRPC content types are accepted, with a codec or parameters", arguments: acceptedContentTypes)
  func grpcContentTypes(contentType: String) throws {
    let head = try Self.parse([("content-type", contentType)]).get()
    #expect(head.path == "/echo.Echo/Get")
  }

  static let malformedTimeouts = ["abc", "1", "123456789S", "10x", "-5S", "S", "1.5S", " 1S"]

  @Test(
    "A malformed grpc-timeout is INTERNAL, answered trailers-only", arguments: malformedTimeouts)
  func malformedTimeout(value: String) {
    guard case .failure(.status(let error)) = Self.parse([("grpc-timeout", value)]) else {
      Issue.record("not refused with a status")
      return
    }
    #expect(error.code == .internal)
    #expect(error.message == "grpc-timeout '\(value)' is not 1-8 digits and a unit (H M S m u n)")
  }

  static let timeouts: [(String, Duration)] = [
    ("1H", .seconds(3600)), ("2M", .seconds(120)), ("30S", .seconds(30)),
    ("100m", .milliseconds(100)),
    ("250u", .microseconds(250)), ("99999999n", .nanoseconds(99_999_999)), ("0S", .zero),
  ]

  @Test("A well-formed grpc-timeout becomes the call's timeout", arguments: timeouts)
  func timeout(value: String, duration: Duration) throws {
    let head = try Self.parse([("grpc-timeout", value)]).get()
    #expect(head.timeout?.header == value)
    #expect(head.timeout?.duration == duration)
  }

  @Test(
    "An unsupported grpc-encoding is UNIMPLEMENTED, names the supported ones and lists them in grpc-accept-encoding"
  )
  func unsupportedEncoding() {
    guard case .failure(let rejection) = Self.parse([("grpc-encoding", "snappy")]),
      case .status(let error) = rejection
    else {
      Issue.record("not refused with a status")
      return
    }
    #expect(error.code == .unimplemented)
    #expect(
      error.message == "grpc-encoding 'snappy' is not supported; supported: gzip, deflate, identity"
    )
    let headers = rejection.responseHeaders(acceptEncoding: "gzip,deflate,identity")
    #expect(headers.value(":status") == "200")
    #expect(headers.value("content-type") == "application/grpc")
    #expect(headers.value("grpc-status") == "12")
    #expect(headers.value("grpc-accept-encoding") == "gzip,deflate,identity")
  }

  @Test("Metadata keeps the user's fields and drops reserved ones")
  func metadata() throws {
    let head = try Self.parse([
      ("x-user", "ada"), ("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip"),
      ("user-agent", "test/1.0"), ("grpc-previous-rpc-attempts", "2"),
    ]).get()
    #expect(head.metadata[stringValues: "x-user"] == ["ada"])
    #expect(head.metadata[stringValues: "user-agent"].isEmpty)
    #expect(head.metadata[stringValues: "content-type"].isEmpty)
    #expect(head.metadata[stringValues: "te"].isEmpty)
    #expect(head.metadata[stringValues: "grpc-previous-rpc-attempts"] == ["2"])
    #expect(head.compression.requestEncoding == .gzip)
    #expect(head.compression.policyResponseEncoding == .gzip)
  }

  // MARK: The stream after its headers

  enum Input: CustomStringConvertible {
    case data([UInt8])
    case endOfStream
    case send(Int)
    case finish
    case closed(HTTP2ErrorCode)

    var description: String {
      switch self {
      case .data(let bytes): "data(\(bytes.count) bytes)"
      case .endOfStream: "endOfStream"
      case .send(let size): "send(\(size))"
      case .finish: "finish"
      case .closed(let code): "closed(\(code))"
      }
    }
  }

  /// What the machine answered to one input.
  enum Output: Equatable {
    case data(ServerStreamStateMachine.DataAction)
    case end(ServerStreamStateMachine.RequestEndAction)
    case send(ServerStreamStateMachine.SendAction)
    case finish(ServerStreamStateMachine.FinishAction)
    case closed(ServerStreamStateMachine.ClosedAction)
  }

  /// Runs `inputs` through a machine, delivering to `sink` until the call is over.
  static func run(_ inputs: [Input], sink: RecordingSink = RecordingSink()) -> [Output] {
    var machine = ServerStreamStateMachine(
      maximumReceiveMessageSize: 1024, requestEncoding: .identity)
    var open = true
    return inputs.map { input in
      switch input {
      case .data(let bytes):
        let action = machine.receiveData(
          ByteBuffer(bytes: bytes), into: open ? sink : nil, flowControl: NoFlowControl())
        if case .fail = action { open = false }
        return .data(action)
      case .endOfStream:
        return .end(machine.receiveEndOfStream())
      case .send(let size):
        return .send(machine.sendMessage(size: size))
      case .finish:
        open = false
        return .finish(machine.finish())
      case .closed(let code):
        return .closed(machine.streamClosed(errorCode: code))
      }
    }
  }

  static let message = Array(framed([1, 2, 3]).readableBytesView)
  static let cancelled = RPCError(code: .cancelled, message: "the client cancelled the call")

  static let sequences: [(String, [Input], [Output])] = [
    (
      "a status without messages is trailers-only", [.finish],
      [.finish(.sendTrailersOnly(credit: 0))]
    ),
    (
      "headers go once, before the first message; the status is trailers",
      [.send(8), .send(8), .finish],
      [.send(.sendHeadersAndMessage), .send(.sendMessage), .finish(.sendTrailers(credit: 0))]
    ),
    (
      "nothing is sent after the status",
      [.send(8), .finish, .send(8), .finish],
      [
        .send(.sendHeadersAndMessage), .finish(.sendTrailers(credit: 0)), .send(.drop),
        .finish(.none),
      ]
    ),
    (
      "a request message, then END_STREAM, reaches the handler",
      [.data(message), .endOfStream], [.data(.credit(8)), .end(.endRequestStream)]
    ),
    (
      "END_STREAM inside a message is INTERNAL",
      [.data(Array(message.dropLast())), .endOfStream],
      [
        .data(.credit(7)),
        .end(
          .fail(
            RPCError(
              code: .internal, message: "the request stream ended in the middle of a message"))),
      ]
    ),
    (
      "a second END_STREAM does nothing", [.endOfStream, .endOfStream],
      [.end(.endRequestStream), .end(.none)]
    ),
    (
      "END_STREAM after the status does nothing",
      [.finish, .endOfStream], [.finish(.sendTrailersOnly(credit: 0)), .end(.none)]
    ),
    (
      "DATA after the status gives its credit back at once",
      [.finish, .data(message)], [.finish(.sendTrailersOnly(credit: 0)), .data(.credit(8))]
    ),
    (
      "a message over the limit ends the call before it is buffered",
      [.data([0, 0, 0, 4, 1])],
      [
        .data(
          .fail(
            RPCError(code: .resourceExhausted, message: "message is 1025 bytes; limit 1024"),
            credit: 5))
      ]
    ),
    (
      "an invalid flag byte is INTERNAL",
      [.data([2, 0, 0, 0, 1, 7])],
      [
        .data(
          .fail(
            RPCError(code: .internal, message: "message prefix has invalid flag byte 2"), credit: 6)
        )
      ]
    ),
    (
      "the compressed flag without grpc-encoding is INTERNAL",
      [.data(Array(framed([1], compressed: true).readableBytesView))],
      [
        .data(
          .fail(
            RPCError(
              code: .internal,
              message: "message has the compressed flag set but the stream has no grpc-encoding"),
            credit: 6))
      ]
    ),
    (
      "RST_STREAM CANCEL before the status cancels the call",
      [.send(8), .closed(.cancel)],
      [.send(.sendHeadersAndMessage), .closed(.cancelCall(cancelled))]
    ),
    (
      "another reset names its HTTP/2 error",
      [.closed(.internalError)],
      [
        .closed(
          .cancelCall(
            RPCError(code: .cancelled, message: "the client reset the stream (INTERNAL_ERROR)")))
      ]
    ),
    (
      "a close after the status is the normal end",
      [.finish, .closed(.noError)], [.finish(.sendTrailersOnly(credit: 0)), .closed(.none)]
    ),
    (
      "a close ends the call: a later status or message sends nothing",
      [.closed(.cancel), .finish, .send(8)],
      [.closed(.cancelCall(cancelled)), .finish(.none), .send(.drop)]
    ),
  ]

  @Test("Stream sequences give the protocol's actions", arguments: sequences)
  func sequence(name: String, inputs: [Input], expected: [Output]) {
    #expect(Self.run(inputs) == expected, "\(name)")
  }

  @Test(
    "A sink that is behind withholds credit until the reader catches up; the status releases it")
  func withheldCredit() {
    var machine = ServerStreamStateMachine(
      maximumReceiveMessageSize: 1024, requestEncoding: .identity)
    let sink = RecordingSink(behind: true)
    #expect(
      machine.receiveData(framed([1]), into: sink, flowControl: NoFlowControl()) == .credit(6))
    #expect(
      machine.receiveData(framed([2, 2]), into: sink, flowControl: NoFlowControl()) == .credit(0))
    #expect(
      machine.receiveData(framed([3]), into: sink, flowControl: NoFlowControl()) == .credit(0))
    #expect(machine.resumeInbound() == 13)
    #expect(machine.resumeInbound() == 0)
    // Caught up: the next chunk is credited, and its message finds the reader behind again.
    #expect(
      machine.receiveData(framed([4]), into: sink, flowControl: NoFlowControl()) == .credit(6))
    #expect(
      machine.receiveData(framed([5]), into: sink, flowControl: NoFlowControl()) == .credit(0))
    #expect(machine.finish() == .sendTrailersOnly(credit: 6))
    #expect(sink.messages == [[1], [2, 2], [3], [4], [5]])
  }

  @Test("Messages split across DATA frames are reassembled, and several in one frame are split")
  func reassembly() {
    var machine = ServerStreamStateMachine(
      maximumReceiveMessageSize: 1024, requestEncoding: .identity)
    let sink = RecordingSink()
    var bytes = framed([1, 2, 3])
    bytes.writeImmutableBuffer(framed([4]))
    bytes.writeImmutableBuffer(framed([5, 6]))
    let all = Array(bytes.readableBytesView)
    for chunk in [all[0..<2], all[2..<9], all[9...]] {
      #expect(
        machine.receiveData(ByteBuffer(bytes: chunk), into: sink, flowControl: NoFlowControl())
          == .credit(chunk.count))
    }
    #expect(sink.messages == [[1, 2, 3], [4], [5, 6]])
    #expect(machine.receiveEndOfStream() == .endRequestStream)
  }

  @Test("A message the handler cannot decode ends the call with the sink's error")
  func undecodable() {
    var machine = ServerStreamStateMachine(
      maximumReceiveMessageSize: 1024, requestEncoding: .identity)
    let action = machine.receiveData(
      framed([0xFF]), into: RecordingSink(refuse: true), flowControl: NoFlowControl())
    #expect(
      action == .fail(RPCError(code: .internal, message: "the message does not decode"), credit: 6))
  }

  @Test("Sent bytes are counted for the writers' watermarks")
  func enqueuedBytes() {
    var machine = ServerStreamStateMachine(
      maximumReceiveMessageSize: 1024, requestEncoding: .identity)
    _ = machine.sendMessage(size: 100)
    _ = machine.sendMessage(size: 28)
    #expect(machine.enqueuedBytes == 128)
    _ = machine.finish()
    _ = machine.sendMessage(size: 1000)
    #expect(machine.enqueuedBytes == 128)
  }
}
