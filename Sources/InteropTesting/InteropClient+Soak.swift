import GRPCKit

extension InteropClient {
  /// `rpc_soak` (every call on one channel) and `channel_soak` (a new channel per call, its
  /// creation timed, its teardown not): `large_unary` calls in sequence, each logged as
  /// `soak iteration: N elapsed_ms: M peer: P succeeded` (or `failed: why`), then latency
  /// percentiles; the case fails when not every call was made before the overall timeout, or
  /// more calls failed or took too long than allowed.
  func runSoak(_ testCase: InteropTestCase, newChannelPerCall: Bool, log: (String) -> Void) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let shared = newChannelPerCall ? nil : self.channel.makeTransport()
    defer { shared?.close() }
    var latencies: [Duration] = []
    var failures = 0
    for iteration in 0 ..< self.soak.iterations {
      guard clock.now - start < self.soak.overallTimeout else { break }
      let callStart = clock.now
      let transport = shared ?? self.channel.makeTransport()
      var failure: String?
      do {
        try await InteropCalls(client: GRPCClient(transport: transport)).largeUnary()
      } catch {
        failure = "\(error)"
      }
      let latency = clock.now - callStart
      if shared == nil { transport.close() }
      latencies.append(latency)
      let milliseconds = Self.milliseconds(latency)
      let line = "soak iteration: \(iteration) elapsed_ms: \(milliseconds) peer: \(self.channel.peer)"
      if let failure {
        failures += 1
        log("\(line) failed: \(failure)")
      } else if latency > self.soak.maximumAcceptableLatency {
        failures += 1
        log("\(line) failed: took longer than \(Self.milliseconds(self.soak.maximumAcceptableLatency)) ms")
      } else {
        log("\(line) succeeded")
      }
      let next = callStart + self.soak.minimumTimeBetweenCalls
      if next > clock.now { try await clock.sleep(until: next) }
    }
    let sorted = latencies.sorted()
    if !sorted.isEmpty {
      let percentile = { (p: Int) in Self.milliseconds(sorted[min(sorted.count - 1, sorted.count * p / 100)]) }
      log("soak latencies (ms): p50 \(percentile(50)), p90 \(percentile(90)), max \(percentile(100))")
    }
    try InteropFailure.check(
      latencies.count == self.soak.iterations,
      "\(testCase.name): \(latencies.count) of \(self.soak.iterations) calls made within the overall timeout of \(self.soak.overallTimeout)")
    try InteropFailure.check(
      failures <= self.soak.maximumFailures,
      "\(testCase.name): \(failures) calls failed or took over \(Self.milliseconds(self.soak.maximumAcceptableLatency)) ms; at most \(self.soak.maximumFailures) allowed")
  }

  private static func milliseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
  }
}
