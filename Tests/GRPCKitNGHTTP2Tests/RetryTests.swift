import GRPCKit
import GRPCKitNGHTTP2
import GRPCLocking
import GRPCTestSupport
import Testing

/// Calls to `port` through a client with the service config `json`.
func withServiceConfigClient<Result: Sendable>(
  port: Int,
  json: String,
  retryBufferSize: Int = 1 << 20,
  _ body: (Echo_Echo.Client) async throws -> Result
) async throws -> Result {
  let transport = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
  defer { transport.close() }
  let client = try GRPCClient(
    transport: transport,
    serviceConfig: ServiceConfig(json: json),
    retryBufferSize: retryBufferSize
  )
  return try await body(Echo_Echo.Client(wrapping: client))
}

/// A retry policy for every method of `echo.Echo`.
func retryConfig(
  maxAttempts: Int = 5,
  initialBackoff: String = "0.01s",
  codes: String = #""UNAVAILABLE""#,
  throttling: String? = nil
) -> String {
  let throttlingField = throttling.map { #", "retryThrottling": \#($0)"# } ?? ""
  return """
    {"methodConfig": [{"name": [{"service": "echo.Echo"}], "retryPolicy": {
      "maxAttempts": \(maxAttempts), "initialBackoff": "\(initialBackoff)", "maxBackoff": "0.05s",
      "backoffMultiplier": 2, "retryableStatusCodes": [\(codes)]}}]\(throttlingField)}
    """
}

@Suite("Retries by service config over loopback")
struct RetryTests {
  @Test(
    "Attempts that fail with UNAVAILABLE are retried until one succeeds, each naming its predecessors"
  )
  func retriesUntilSuccess() async throws {
    let log = AttemptLog()
    let reply = try await withTestServer(services: [RetryProbeService.failing(2, log: log)]) {
      port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        try await echo.get(Echo_EchoRequest(text: "hi"))
      }
    }
    #expect(reply.text == "hi after 2 earlier attempts")
    #expect(log.previousAttempts == [0, 1, 2])
  }

  @Test("A code the policy does not list is not retried")
  func nonRetryableCode() async throws {
    let log = AttemptLog()
    try await withTestServer(services: [
      RetryProbeService.failing(5, with: .invalidArgument, log: log)
    ]) { port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: "hi"))
        }
        #expect(error?.code == .invalidArgument)
      }
    }
    #expect(log.previousAttempts == [0])
  }

  @Test(
    "maxAttempts bounds the attempts, and values above 5 count as 5",
    arguments: [(3, 3), (7, 5)]
  )
  func maxAttempts(configured: Int, expected: Int) async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(10, log: log)]) { port in
      try await withServiceConfigClient(port: port, json: retryConfig(maxAttempts: configured)) {
        echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: "hi"))
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message == "attempt \(expected - 1) fails")
      }
    }
    #expect(log.previousAttempts == Array(0 ..< expected))
  }

  @Test("The server's pushback delays the next attempt")
  func pushbackDelays() async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(1, pushback: "600", log: log)]) {
      port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        _ = try await echo.get(Echo_EchoRequest(text: "hi"))
      }
    }
    let arrivals = log.arrivals
    try #require(arrivals.count == 2)
    // The backoff alone is at most 10 ms; only the pushback explains half a second.
    #expect(arrivals[1] - arrivals[0] >= .milliseconds(500))
  }

  @Test("A negative or malformed pushback stops retrying", arguments: ["-1", "soon"])
  func pushbackStops(value: String) async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(3, pushback: value, log: log)]) {
      port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: "hi"))
        }
        #expect(error?.code == .unavailable)
      }
    }
    #expect(log.previousAttempts == [0])
  }

  @Test("Throttling stops retries once failures took half the tokens")
  func throttling() async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(100, log: log)]) { port in
      let json = retryConfig(throttling: #"{"maxTokens": 10, "tokenRatio": 0.1}"#)
      try await withServiceConfigClient(port: port, json: json) { echo in
        // 10 tokens: the first call's five failed attempts leave 5 (not above half), so the
        // second call's failure leaves 4 and is not retried.
        for _ in 0 ..< 2 {
          await #expect(throws: RPCError.self) { try await echo.get(Echo_EchoRequest(text: "hi")) }
        }
      }
    }
    #expect(log.previousAttempts == [0, 1, 2, 3, 4, 0])
  }

  @Test("A client-streaming call is retried with its buffered requests replayed")
  func streamingReplayed() async throws {
    let log = AttemptLog()
    let reply = try await withTestServer(services: [RetryProbeService.failing(1, log: log)]) {
      port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        try await echo.collect { writer in
          for text in ["a", "b", "c"] { try await writer.write(Echo_EchoRequest(text: text)) }
        }
      }
    }
    #expect(reply.text == "a b c")
    #expect(log.requests == [["a", "b", "c"], ["a", "b", "c"]])
    #expect(log.previousAttempts == [0, 1])
  }

  @Test("A bidirectional call that failed before answering is retried with its requests replayed")
  func bidirectionalReplayed() async throws {
    let log = AttemptLog()
    let replies = try await withTestServer(services: [RetryProbeService.failing(1, log: log)]) {
      port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        try await echo.update { writer, responses in
          for text in ["x", "y"] { try await writer.write(Echo_EchoRequest(text: text)) }
          writer.finish()
          var texts: [String] = []
          for try await response in responses { texts.append(response.text) }
          return texts
        }
      }
    }
    #expect(replies == ["x", "y"])
    #expect(log.requests == [["x", "y"], ["x", "y"]])
  }

  @Test("A streaming call whose requests outgrew the retry buffer is not retried")
  func bufferOverflow() async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(1, log: log)]) { port in
      try await withServiceConfigClient(port: port, json: retryConfig(), retryBufferSize: 100) {
        echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.collect { writer in
            for _ in 0 ..< 3 {
              try await writer.write(Echo_EchoRequest(text: String(repeating: "x", count: 60)))
            }
          }
        }
        #expect(error?.code == .unavailable)
      }
    }
    #expect(log.previousAttempts == [0])
  }

  @Test("A call is not retried once a response message reached the caller")
  func notAfterResponse() async throws {
    let log = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(1, log: log)]) { port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        let received = Mutex<[String]>([])
        let error = await #expect(throws: RPCError.self) {
          try await echo.expand(Echo_EchoRequest(text: "one two")) { responses in
            for try await response in responses { received.withLock { $0.append(response.text) } }
          }
        }
        #expect(error?.code == .unavailable)
        #expect(received.withLock { $0 } == ["one"])
      }
    }
    #expect(log.previousAttempts == [0])
  }

  @Test("The call's deadline covers every attempt and the backoffs between them")
  func deadlineAcrossAttempts() async throws {
    let log = AttemptLog()
    let service = RetryProbeService(log: log) { index, _ in
      try await Task.sleep(for: .seconds(1))
      throw RPCError(code: .unavailable, message: "attempt \(index) fails")
    }
    try await withTestServer(services: [service]) { port in
      try await withServiceConfigClient(port: port, json: retryConfig()) { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(
            Echo_EchoRequest(text: "hi"),
            options: CallOptions(timeout: .milliseconds(2500))
          )
        }
        #expect(error?.code == .deadlineExceeded)
      }
    }
    // Five attempts of a second each do not fit in 2.5 s: the deadline, not maxAttempts, ended
    // the call.
    #expect(log.previousAttempts.count < 5)
  }
}

@Suite("Hedging by service config over loopback")
struct HedgingTests {
  static func config(maxAttempts: Int, delay: String) -> String {
    """
    {"methodConfig": [{"name": [{"service": "echo.Echo"}],
      "hedgingPolicy": {"maxAttempts": \(maxAttempts), "hedgingDelay": "\(delay)",
        "nonFatalStatusCodes": ["UNAVAILABLE"]}}]}
    """
  }

  @Test(
    "A slow first attempt loses to the second, which answers; the loser is cancelled on the server"
  )
  func secondAttemptWins() async throws {
    let log = AttemptLog()
    let service = RetryProbeService(log: log) { _, previous in
      if previous == 0 { try await Task.sleep(for: .seconds(60)) }
    }
    try await withTestServer(services: [service]) { port in
      try await withServiceConfigClient(
        port: port,
        json: Self.config(maxAttempts: 2, delay: "0.2s")
      ) { echo in
        let reply = try await echo.get(Echo_EchoRequest(text: "hi"))
        #expect(reply.text == "hi after 1 earlier attempts")
      }
      try await log.wait { $0.cancelled == [0] }
    }
    #expect(log.cancelled == [0])
    // Both attempts reached the server (in either order on a loaded machine).
    #expect(log.previousAttempts.sorted() == [0, 1])
  }

  @Test("Pushback delays the next hedged attempt, and a negative one stops hedging")
  func hedgingPushback() async throws {
    let delayed = AttemptLog()
    let stopped = AttemptLog()
    try await withTestServer(services: [RetryProbeService.failing(1, pushback: "600", log: delayed)]
    ) { port in
      try await withServiceConfigClient(port: port, json: Self.config(maxAttempts: 3, delay: "30s"))
      { echo in
        _ = try await echo.get(Echo_EchoRequest(text: "hi"))
      }
    }
    try await withTestServer(services: [RetryProbeService.failing(5, pushback: "-1", log: stopped)])
    { port in
      try await withServiceConfigClient(port: port, json: Self.config(maxAttempts: 3, delay: "30s"))
      { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: "hi"))
        }
        #expect(error?.code == .unavailable)
      }
    }
    let arrivals = delayed.arrivals
    try #require(arrivals.count == 2)
    #expect(arrivals[1] - arrivals[0] >= .milliseconds(500))
    #expect(stopped.previousAttempts == [0])
  }

  @Test("A non-fatal failure starts the next attempt; a fatal one ends the call")
  func nonFatalContinues() async throws {
    let log = AttemptLog()
    let service = RetryProbeService(log: log) { _, previous in
      if previous == 0 { throw RPCError(code: .unavailable, message: "non-fatal") }
      if previous == 1 { throw RPCError(code: .permissionDenied, message: "fatal") }
    }
    try await withTestServer(services: [service]) { port in
      // The hedging delay is long: only the non-fatal failure starts the second attempt.
      try await withServiceConfigClient(port: port, json: Self.config(maxAttempts: 3, delay: "30s"))
      { echo in
        let error = await #expect(throws: RPCError.self) {
          try await echo.get(Echo_EchoRequest(text: "hi"))
        }
        #expect(error?.code == .permissionDenied)
      }
    }
    #expect(log.previousAttempts == [0, 1])
  }
}
