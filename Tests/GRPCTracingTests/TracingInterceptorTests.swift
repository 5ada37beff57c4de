import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import GRPCTracing
import InMemoryTracing
import Testing
import Tracing

@Suite("Tracing interceptors (W3C trace context in metadata)")
struct TracingInterceptorTests {
  static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
  static let callerSpanID = "00f067aa0ba902b7"

  /// An outer server (traced) whose `Get` calls an inner server (traced, recording the
  /// `traceparent` it receives) through a traced client; `body` gets a plain client of the outer
  /// server and the recorder.
  static func withRelay(
    _ body: (Echo_Echo.Client, TraceparentRecorder) async throws -> Void
  ) async throws {
    _ = W3CInMemoryTracer.shared
    let recorder = TraceparentRecorder()
    try await withTestServer(interceptors: [
      .apply(recorder, to: .all), .apply(ServerTracingInterceptor(), to: .all),
    ]) {
      innerPort in
      try await withEchoClient(
        port: innerPort,
        interceptors: [.apply(ClientTracingInterceptor(), to: .all)]
      ) { inner in
        try await withTestServer(
          services: [RelayEchoService(inner: inner)],
          interceptors: [.apply(ServerTracingInterceptor(), to: .all)]
        ) { outerPort in
          try await withEchoClient(port: outerPort) { outer in try await body(outer, recorder) }
        }
      }
    }
  }

  @Test(
    "A handler's outgoing call carries a child traceparent of the incoming one; the spans link up"
  )
  func handlerCallIsChildSpan() async throws {
    try await Self.withRelay { outer, recorder in
      let metadata: Metadata = [
        "traceparent": .string("00-\(Self.traceID)-\(Self.callerSpanID)-01")
      ]
      _ = try await outer.get(
        Echo_EchoRequest(text: "hi"),
        options: CallOptions(timeout: .seconds(30), metadata: metadata)
      )
      let received = try #require(
        recorder.seen.withLock { $0 }.first ?? nil,
        "the inner call had no traceparent"
      )
      let (trace, parent) = try #require(
        W3CInMemoryTracer.parse(traceparent: received),
        "\(received)"
      )
      #expect(trace == Self.traceID)
      #expect(parent != Self.callerSpanID)

      let spans = W3CInMemoryTracer.shared.finishedSpans(ofTrace: Self.traceID)
      let outerServer = try #require(
        spans.first { $0.kind == .server && $0.spanContext.parentSpanID == Self.callerSpanID }
      )
      let client = try #require(spans.first { $0.kind == .client })
      let innerServer = try #require(
        spans.first { $0.kind == .server && $0.spanID != outerServer.spanID }
      )
      #expect(outerServer.operationName == "echo.Echo/Get")
      #expect(client.spanContext.parentSpanID == outerServer.spanID)
      #expect(client.spanID == parent)
      #expect(innerServer.spanContext.parentSpanID == client.spanID)
      #expect(spans.count == 3)
      for span in spans {
        #expect(span.attributes["rpc.system"]?.toSpanAttribute() == "grpc")
        #expect(span.attributes["rpc.grpc.status_code"]?.toSpanAttribute() == .int64(0))
      }
    }
  }

  @Test(
    "A malformed traceparent is ignored: the server span starts a new trace",
    arguments: [
      "00-\(traceID)-\(callerSpanID)", "00-\(traceID.uppercased())-\(callerSpanID)-01", "garbage",
    ]
  )
  func malformedTraceparentStartsNewTrace(header: String) async throws {
    try await Self.withRelay { outer, recorder in
      let metadata: Metadata = ["traceparent": .string(header)]
      _ = try await outer.get(
        Echo_EchoRequest(text: "hi"),
        options: CallOptions(timeout: .seconds(30), metadata: metadata)
      )
      let received = try #require(recorder.seen.withLock { $0 }.first ?? nil)
      let (trace, _) = try #require(W3CInMemoryTracer.parse(traceparent: received), "\(received)")
      #expect(trace != Self.traceID)
      let spans = W3CInMemoryTracer.shared.finishedSpans(ofTrace: trace)
      let root = try #require(
        spans.first { $0.kind == .server && $0.spanContext.parentSpanID == nil }
      )
      #expect(root.operationName == "echo.Echo/Get")
      #expect(spans.count == 3)
    }
  }

  @Test(
    "A failing call's spans carry its code; the server span is an error only for a server fault"
  )
  func failureStatus() async throws {
    try await Self.withRelay { outer, _ in
      for (code, serverFault) in [(Status.Code.notFound, false), (.internal, true)] {
        let traceID = String(repeating: "ab", count: 16)
        let parent = serverFault ? "000000000000000d" : "0000000000000005"
        let metadata: Metadata = ["traceparent": .string("00-\(traceID)-\(parent)-01")]
        await #expect(throws: RPCError.self) {
          _ = try await outer.get(
            Echo_EchoRequest(text: "x", statusCode: Int32(code.rawValue)),
            options: CallOptions(timeout: .seconds(30), metadata: metadata)
          )
        }
        let spans = W3CInMemoryTracer.shared.finishedSpans(ofTrace: traceID).filter {
          $0.attributes["rpc.grpc.status_code"]?.toSpanAttribute() == .int64(Int64(code.rawValue))
        }
        let client = try #require(spans.first { $0.kind == .client }, "\(code)")
        #expect(client.status?.code == .error)
        let innerServer = try #require(
          spans.first { $0.kind == .server && $0.spanContext.parentSpanID == client.spanID }
        )
        #expect((innerServer.status?.code == .error) == serverFault, "\(code)")
      }
    }
  }
}
