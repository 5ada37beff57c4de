import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCLocking
import GRPCTestSupport
import Testing

/// Our server against an independent HTTP/2 peer: `raw_h2_client.py` (Python `h2`) sends
/// hand-built requests and reports the response frames as they were on the wire. The stream
/// rules themselves are tested without sockets in `ServerStreamRulesTests`, and on the connection
/// handler over an EmbeddedChannel in `ServerConnectionHandlerTests`; these prove them on a real
/// socket against an independent peer.
@Suite("Raw HTTP/2 peer against our server")
struct RawHTTP2ConformanceTests {
  @Test("A well-formed unary call gets headers, one message and grpc-status 0")
  func wellFormedCall() async throws {
    try await withTestServer { port in
      let response = try await RawRequest(port: port, body: Wire.frame(Wire.echoRequest(text: "hi"))).send()
      #expect(response.header(":status") == "200")
      #expect(response.header("content-type")?.hasPrefix("application/grpc") == true)
      #expect(response.data == Wire.frame(Wire.echoRequest(text: "hi")))
      #expect(response.trailer("grpc-status") == "0")
      #expect(response.trailer("x-trailer") == "done")
    }
  }

  @Test("content-type text/plain is HTTP 415 and never reaches the handler")
  func wrongContentType() async throws {
    let probe = ProbeRecorder()
    try await withTestServer(services: [EchoService(), ProbeService(recorder: probe)]) { port in
      var request = RawRequest(port: port, path: ProbeService.wait.path, body: Wire.frame(Wire.echoRequest()))
      request.headers = ["content-type:text/plain"]
      let response = try await request.send()
      #expect(response.header(":status") == "415")
      #expect(response.headersEndStream)
      // A call on the same server afterwards: had the first one reached a handler, it would have
      // started before this one is answered.
      let after = try await RawRequest(port: port, body: Wire.frame(Wire.echoRequest(text: "x"))).send()
      #expect(after.trailer("grpc-status") == "0")
      #expect(probe.startedCount == 0)
    }
  }

  @Test("A message cut short by END_STREAM is INTERNAL")
  func truncatedMessage() async throws {
    try await withTestServer { port in
      let body = Array(Wire.frame(Wire.echoRequest(text: "hello world")).dropLast(4))
      let response = try await RawRequest(port: port, body: body).send()
      #expect(response.grpcStatus == "13")
      #expect(response.grpcMessage?.contains("middle of a message") == true)
    }
  }

  @Test("Bytes that are not an EchoRequest are INTERNAL and name the decode error")
  func undecodableMessage() async throws {
    try await withTestServer { port in
      let response = try await RawRequest(port: port, body: Wire.frame([0xFF, 0xFF, 0xFF])).send()
      #expect(response.grpcStatus == "13")
      #expect(response.grpcMessage?.contains("echo.EchoRequest") == true, "\(response)")
    }
  }

  @Test("A length prefix over 4 MiB is RESOURCE_EXHAUSTED before the message arrives")
  func oversizedLengthPrefix() async throws {
    try await withTestServer { port in
      var request = RawRequest(port: port, body: [0, 0x00, 0x40, 0x00, 0x01])  // 4 MiB + 1
      request.endStream = false
      let response = try await request.send()
      #expect(response.grpcStatus == "8")
      #expect(!response.timedOut)
      #expect(response.elapsedMilliseconds < 5000)  // not waiting for the 4 MiB; slack for a loaded machine
    }
  }

  @Test("The server ends a call at its grpc-timeout with DEADLINE_EXCEEDED")
  func serverDeadline() async throws {
    try await withTestServer { port in
      var request = RawRequest(port: port, body: Wire.frame(Wire.echoRequest(delayMs: 5000)))
      request.headers = ["grpc-timeout:200m"]
      let response = try await request.send()
      #expect(response.grpcStatus == "4")
      #expect(response.elapsedMilliseconds >= 150)
      #expect(response.elapsedMilliseconds < 4000)  // well before the handler's 5 s; slack for a loaded machine
    }
  }

  @Test("An unknown path gets a trailers-only response: :status 200, grpc-status 12")
  func unknownPathIsTrailersOnly() async throws {
    try await withTestServer { port in
      let response = try await RawRequest(port: port, path: "/nope.Nope/Nothing", body: Wire.frame([])).send()
      #expect(response.headersEndStream)
      #expect(response.header(":status") == "200")
      #expect(response.header("grpc-status") == "12")
      #expect(response.trailers == nil)
      #expect(response.data.isEmpty)
    }
  }

  @Test("grpc-message is percent-encoded on the wire")
  func statusMessagePercentEncoded() async throws {
    try await withTestServer { port in
      let body = Wire.frame(Wire.echoRequest(statusCode: 9, statusMessage: "100% ✓ done"))
      let response = try await RawRequest(port: port, body: body).send()
      #expect(response.grpcStatus == "9")
      #expect(response.grpcMessage == "100%25 %E2%9C%93 done")
    }
  }

  @Test("RST_STREAM from the client cancels the server handler")
  func clientResetCancelsHandler() async throws {
    let probe = ProbeRecorder()
    try await withTestServer(services: [ProbeService(recorder: probe)]) { port in
      var request = RawRequest(port: port, path: ProbeService.wait.path, body: Wire.frame(Wire.echoRequest()))
      request.resetAfterMilliseconds = 100
      request.holdMilliseconds = 10_000  // the connection stays open: the reset alone must cancel
      try await request.run { response, client in
        #expect(response.reset == nil && !response.ended, "\(response)")
        #expect(await probe.started.wait(timeout: .seconds(5)))
        #expect(await probe.cancelled.wait(timeout: .seconds(5)))
        #expect(client.exitStatus == nil, "the raw client closed the connection before the check")
      }
      #expect(probe.sawCancelledContext)
    }
  }

  @Test("Cancelling the calling task cancels the server handler (our client)")
  func taskCancellationCancelsHandler() async throws {
    let probe = ProbeRecorder()
    try await withTestServer(services: [ProbeService(recorder: probe)]) { port in
      let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
      defer { transport.close() }
      let client = GRPCClient(transport: transport)
      let call = Task {
        let _: Echo_EchoResponse = try await client.unary(ProbeService.wait, request: Echo_EchoRequest())
      }
      #expect(await probe.started.wait(timeout: .seconds(30)))
      call.cancel()
      await #expect(throws: RPCError.self) { try await call.value }
      #expect(await probe.cancelled.wait(timeout: .seconds(30)))
      #expect(probe.sawCancelledContext)
    }
  }
}

/// gRPC messages built by hand, so the bytes do not depend on our codec.
enum Wire {
  /// The 5-byte prefix (compressed flag, big-endian length) and the message.
  static func frame(_ message: [UInt8], compressed: Bool = false) -> [UInt8] {
    let length = UInt32(message.count)
    return [compressed ? 1 : 0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
      UInt8(length & 0xFF)] + message
  }

  /// An `echo.EchoRequest`: text (1), status_code (2), status_message (3), delay_ms (4).
  static func echoRequest(text: String = "", statusCode: Int = 0, statusMessage: String = "", delayMs: Int = 0)
    -> [UInt8]
  {
    var bytes: [UInt8] = []
    if !text.isEmpty { bytes += [0x0A] + varint(text.utf8.count) + Array(text.utf8) }
    if statusCode != 0 { bytes += [0x10] + varint(statusCode) }
    if !statusMessage.isEmpty { bytes += [0x1A] + varint(statusMessage.utf8.count) + Array(statusMessage.utf8) }
    if delayMs != 0 { bytes += [0x20] + varint(delayMs) }
    return bytes
  }

  static func varint(_ value: Int) -> [UInt8] {
    var value = UInt64(value), bytes: [UInt8] = []
    while value >= 0x80 {
      bytes.append(UInt8(value & 0x7F) | 0x80)
      value >>= 7
    }
    return bytes + [UInt8(value)]
  }
}

/// One `raw_h2_client.py` run.
struct RawRequest {
  var port: Int
  var path = "/echo.Echo/Get"
  var method = "POST"
  var headers: [String] = []
  var body: [UInt8]
  var endStream = true
  var resetAfterMilliseconds: Int?
  var holdMilliseconds = 0
  var timeoutSeconds = 5

  init(port: Int, path: String = "/echo.Echo/Get", body: [UInt8]) {
    self.port = port
    self.path = path
    self.body = body
  }

  var arguments: [String] {
    var arguments = [
      "--port", String(port), "--path", path, "--method", method,
      "--body-hex", body.map { String(format: "%02x", $0) }.joined(),
      "--end-stream", endStream ? "yes" : "no", "--timeout", String(timeoutSeconds),
      "--hold-ms", String(holdMilliseconds),
    ]
    for header in headers { arguments += ["--header", header] }
    if let resetAfterMilliseconds { arguments += ["--rst-after-ms", String(resetAfterMilliseconds)] }
    return arguments
  }

  /// Runs the client and returns its report.
  func send() async throws -> RawResponse {
    try await self.run { response, _ in response }
  }

  /// Runs the client and calls `body` with its report while the client process still runs.
  func run<Result: Sendable>(_ body: (RawResponse, ExternalProcess) async throws -> Result) async throws -> Result {
    try await withExternalProcess(ExternalProcess.python(script: "raw_h2_client.py", arguments: self.arguments)) {
      client in
      let object = try await client.waitForJSONObject(timeout: .seconds(timeoutSeconds + 15))
      return try await body(RawResponse(object), client)
    }
  }
}

/// The JSON line of `raw_h2_client.py`.
struct RawResponse: CustomStringConvertible {
  var headers: [(String, String)]?
  var headersEndStream: Bool
  var data: [UInt8]
  var trailers: [(String, String)]?
  var reset: Int?
  var ended: Bool
  var timedOut: Bool
  var elapsedMilliseconds: Int
  let description: String

  init(_ object: [String: Any]) {
    func fields(_ value: Any?) -> [(String, String)]? {
      (value as? [[String]])?.map { ($0[0], $0[1]) }
    }
    self.headers = fields(object["headers"])
    self.headersEndStream = object["headers_end_stream"] as? Bool ?? false
    let hex = Array((object["data"] as? String ?? "").utf8)
    self.data = stride(from: 0, to: hex.count - 1, by: 2).map { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16) ?? 0 }
    self.trailers = fields(object["trailers"])
    self.reset = object["reset"] as? Int
    self.ended = object["ended"] as? Bool ?? false
    self.timedOut = object["timed_out"] as? Bool ?? false
    self.elapsedMilliseconds = object["elapsed_ms"] as? Int ?? 0
    self.description = String(describing: object)
  }

  func header(_ name: String) -> String? { self.headers?.first { $0.0 == name }?.1 }
  func trailer(_ name: String) -> String? { self.trailers?.first { $0.0 == name }?.1 }

  /// From the trailers, or from the headers of a trailers-only response.
  var grpcStatus: String? { self.trailer("grpc-status") ?? (self.headersEndStream ? self.header("grpc-status") : nil) }
  var grpcMessage: String? { self.trailer("grpc-message") ?? (self.headersEndStream ? self.header("grpc-message") : nil) }
}

/// `probe.Probe/Wait`: records that it started, then waits until cancelled.
private struct ProbeService: RegistrableRPCService {
  static let wait = ProtobufMethodDescriptor(
    name: "Wait", serviceName: "probe.Probe", kind: .unary, inputType: "echo.EchoRequest",
    outputType: "echo.EchoResponse")

  let recorder: ProbeRecorder

  func registerMethods(with router: inout RPCRouter) {
    let recorder = self.recorder
    router.registerUnary(Self.wait) { (_: Echo_EchoRequest, context: ServerContext) -> Echo_EchoResponse in
      recorder.recordStart()
      do {
        try await Task.sleep(for: .seconds(30))
      } catch {
        recorder.recordCancellation(contextCancelled: context.isCancelled)
        throw error
      }
      return Echo_EchoResponse()
    }
  }
}

/// What the probe handler saw, shared between the handler and the test.
private final class ProbeRecorder: Sendable {
  let started = OneShotSignal()
  let cancelled = OneShotSignal()
  private let state = Mutex((started: 0, contextCancelled: false))

  var startedCount: Int { self.state.withLock { $0.started } }
  var sawCancelledContext: Bool { self.state.withLock { $0.contextCancelled } }

  func recordStart() {
    self.state.withLock { $0.started += 1 }
    self.started.fire()
  }

  func recordCancellation(contextCancelled: Bool) {
    self.state.withLock { $0.contextCancelled = contextCancelled }
    self.cancelled.fire()
  }
}

/// An event one task waits for once, with a timeout.
private final class OneShotSignal: Sendable {
  private let stream: AsyncStream<Void>
  private let continuation: AsyncStream<Void>.Continuation

  init() {
    (self.stream, self.continuation) = AsyncStream.makeStream(of: Void.self)
  }

  func fire() { self.continuation.yield() }

  /// True when the event happened within `timeout`.
  func wait(timeout: Duration) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
      group.addTask {
        for await _ in self.stream { return true }
        return false
      }
      group.addTask {
        try? await Task.sleep(for: timeout)
        return false
      }
      let first = await group.next() ?? false
      group.cancelAll()
      return first
    }
  }
}
