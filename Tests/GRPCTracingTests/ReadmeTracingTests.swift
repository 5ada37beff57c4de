import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import GRPCTracing
import Testing

@Suite("README: tracing")
struct ReadmeTracingTests {
  @Test("The README's tracing example serves a call whose inner call continues its trace")
  func readmeExample() async throws {
    _ = W3CInMemoryTracer.shared  // bootstraps InstrumentationSystem once
    let recorder = TraceparentRecorder()
    try await withTestServer(interceptors: [.apply(recorder, to: .all)]) { innerPort in
      try await withEchoClient(
        port: innerPort,
        interceptors: [.apply(ClientTracingInterceptor(), to: .all)]
      ) { inner in
        let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0)
        // README "Tracing", verbatim from here…
        let server = GRPCServer(
          transport: transport,
          services: [RelayEchoService(inner: inner)],
          interceptors: [ServerTracingInterceptor()]
        )
        // …to here.
        let serving = Task { try await server.serve() }
        defer {
          server.beginGracefulShutdown()
          serving.cancel()
        }
        let channel = NGHTTP2ClientTransport(
          host: "127.0.0.1",
          port: try await transport.listeningPort()
        )
        defer { channel.close() }
        // README "Tracing", verbatim:
        let client = GRPCClient(transport: channel, interceptors: [ClientTracingInterceptor()])

        _ = try await Echo_Echo.Client(wrapping: client).get(Echo_EchoRequest(text: "hi"))
      }
    }
    // The caller's span (the client's) started the trace; the inner call carries it.
    let received = try #require(recorder.seen.withLock { $0 }.first ?? nil)
    let (trace, _) = try #require(W3CInMemoryTracer.parse(traceparent: received))
    let spans = W3CInMemoryTracer.shared.finishedSpans(ofTrace: trace)
    #expect(spans.count == 3)
    #expect(spans.filter { $0.spanContext.parentSpanID == nil }.map(\.kind) == [.client])
  }
}
