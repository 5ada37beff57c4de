import CoreMetrics
import GRPCKit
import GRPCMetrics
import GRPCTestSupport
import Prometheus
import Testing

@Suite("Call metrics (go-grpc-prometheus names), checked with prometheus_client's parser")
struct CallMetricsTests {
  /// The calls both sides count: every RPC kind, some ending with known codes.
  ///
  /// | method | type | calls | codes | requests | responses |
  /// | --- | --- | --- | --- | --- | --- |
  /// | Get | unary | 3 | OK ×2, NOT_FOUND | 3 | 2 |
  /// | Collect | client_stream | 2 | OK, INVALID_ARGUMENT | 3 + 2 | 1 |
  /// | Expand | server_stream | 2 | OK (3 words), PERMISSION_DENIED | 2 | 3 |
  /// | Update | bidi_stream | 1 | OK | 2 | 2 |
  static func makeKnownCalls(_ echo: Echo_Echo.Client) async throws {
    _ = try await echo.get(Echo_EchoRequest(text: "a"))
    _ = try await echo.get(Echo_EchoRequest(text: "b"))
    await #expect(throws: RPCError.self) {
      _ = try await echo.get(Echo_EchoRequest(text: "c", statusCode: 5, statusMessage: "no c"))
    }
    _ = try await echo.collect { writer in
      for text in ["x", "y", "z"] { try await writer.write(Echo_EchoRequest(text: text)) }
    }
    await #expect(throws: RPCError.self) {
      _ = try await echo.collect { writer in
        try await writer.write(Echo_EchoRequest(text: "fine"))
        try await writer.write(Echo_EchoRequest(text: "bad", statusCode: 3, statusMessage: "bad"))
      }
    }
    let words = try await echo.expand(Echo_EchoRequest(text: "one two three")) { responses in
      var count = 0
      for try await _ in responses { count += 1 }
      return count
    }
    #expect(words == 3)
    await #expect(throws: RPCError.self) {
      try await echo.expand(Echo_EchoRequest(text: "no", statusCode: 7, statusMessage: "denied")) {
        responses in
        for try await _ in responses {}
      }
    }
    let echoed = try await echo.update { writer, responses in
      try await writer.write(Echo_EchoRequest(text: "p"))
      try await writer.write(Echo_EchoRequest(text: "q"))
      writer.finish()
      var count = 0
      for try await _ in responses { count += 1 }
      return count
    }
    #expect(echoed == 2)
  }

  /// The samples the known calls produce on `side` (`server` or `client`): counters per label
  /// set, and the handling-time histogram's count and `+Inf` bucket per method.
  static func expectedSamples(side: String) -> Set<PrometheusSample> {
    let methods:
      [(method: String, type: String, started: Int, received: Int, sent: Int, codes: [String: Int])] =
        [
          (
            "Get", "unary", 3, side == "server" ? 3 : 2, side == "server" ? 2 : 3,
            ["OK": 2, "NOT_FOUND": 1]
          ),
          (
            "Collect", "client_stream", 2, side == "server" ? 5 : 1, side == "server" ? 1 : 5,
            ["OK": 1, "INVALID_ARGUMENT": 1]
          ),
          (
            "Expand", "server_stream", 2, side == "server" ? 2 : 3, side == "server" ? 3 : 2,
            ["OK": 1, "PERMISSION_DENIED": 1]
          ),
          ("Update", "bidi_stream", 1, 2, 2, ["OK": 1]),
        ]
    var samples: Set<PrometheusSample> = []
    for row in methods {
      let labels = ["grpc_type": row.type, "grpc_service": "echo.Echo", "grpc_method": row.method]
      samples.insert(
        PrometheusSample(
          name: "grpc_\(side)_started_total",
          labels: labels,
          value: Double(row.started)
        )
      )
      samples.insert(
        PrometheusSample(
          name: "grpc_\(side)_msg_received_total",
          labels: labels,
          value: Double(row.received)
        )
      )
      samples.insert(
        PrometheusSample(
          name: "grpc_\(side)_msg_sent_total",
          labels: labels,
          value: Double(row.sent)
        )
      )
      for (code, count) in row.codes {
        samples.insert(
          PrometheusSample(
            name: "grpc_\(side)_handled_total",
            labels: labels.merging(["grpc_code": code]) { $1 },
            value: Double(count)
          )
        )
      }
      samples.insert(
        PrometheusSample(
          name: "grpc_\(side)_handling_seconds_count",
          labels: labels,
          value: Double(row.started)
        )
      )
      samples.insert(
        PrometheusSample(
          name: "grpc_\(side)_handling_seconds_bucket",
          labels: labels.merging(["le": "+Inf"]) { $1 },
          value: Double(row.started)
        )
      )
    }
    return samples
  }

  /// The samples of `registry` whose name starts with `prefix`, as the reference parser reads
  /// them, without the finite histogram buckets and sums (their values depend on timing).
  static func samples(
    of registry: PrometheusCollectorRegistry,
    prefix: String
  ) async throws -> Set<PrometheusSample> {
    var bytes: [UInt8] = []
    registry.emit(into: &bytes)
    let samples = try await PrometheusSample.parse(
      String(decoding: bytes, as: UTF8.self),
      prefixes: [prefix]
    )
    return Set(
      samples.filter { sample in
        !sample.name.hasSuffix("_sum")
          && !(sample.name.hasSuffix("_bucket") && sample.labels["le"] != "+Inf")
      }
    )
  }

  @Test(
    "After a known set of calls, server and client counters and histogram counts are exact per label set"
  )
  func knownCallsGiveExactCounts() async throws {
    let serverRegistry = PrometheusCollectorRegistry()
    let clientRegistry = PrometheusCollectorRegistry()
    let server = ServerMetricsInterceptor(
      factory: PrometheusMetricsFactory(registry: serverRegistry)
    )
    let client = ClientMetricsInterceptor(
      factory: PrometheusMetricsFactory(registry: clientRegistry)
    )
    try await withTestServer(interceptors: [.apply(server, to: .all)]) { port in
      try await withEchoClient(port: port, interceptors: [.apply(client, to: .all)]) { echo in
        try await Self.makeKnownCalls(echo)
      }
    }
    let serverSamples = try await Self.samples(of: serverRegistry, prefix: "grpc_server_")
    let clientSamples = try await Self.samples(of: clientRegistry, prefix: "grpc_client_")
    #expect(
      serverSamples.subtracting(Self.expectedSamples(side: "server")).sorted(by: Self.order) == []
    )
    #expect(
      Self.expectedSamples(side: "server").subtracting(serverSamples).sorted(by: Self.order) == []
    )
    #expect(
      clientSamples.subtracting(Self.expectedSamples(side: "client")).sorted(by: Self.order) == []
    )
    #expect(
      Self.expectedSamples(side: "client").subtracting(clientSamples).sorted(by: Self.order) == []
    )
  }

  @Test("A call that fails to start is counted as started and handled with its code on the client")
  func failedStartIsHandled() async throws {
    let registry = PrometheusCollectorRegistry()
    let client = ClientMetricsInterceptor(factory: PrometheusMetricsFactory(registry: registry))
    // A port nothing listens on: the call fails with UNAVAILABLE.
    let port = try await withTestServer { port in port }
    _ = try await withEchoClient(port: port, interceptors: [.apply(client, to: .all)]) { echo in
      await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(text: "a"),
          options: CallOptions(timeout: .seconds(20))
        )
      }
    }
    let samples = try await Self.samples(of: registry, prefix: "grpc_client_handled_total")
    let labels = [
      "grpc_type": "unary", "grpc_service": "echo.Echo", "grpc_method": "Get",
      "grpc_code": "UNAVAILABLE",
    ]
    #expect(
      samples == [PrometheusSample(name: "grpc_client_handled_total", labels: labels, value: 1)]
    )
  }

  private static func order(_ a: PrometheusSample, _ b: PrometheusSample) -> Bool {
    a.description < b.description
  }
}
