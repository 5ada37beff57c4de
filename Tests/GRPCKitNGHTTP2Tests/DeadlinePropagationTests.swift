import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

@Suite("Deadline propagation from a handler to the calls it makes")
struct DeadlinePropagationTests {
  /// Runs an inner and an outer server; `body` gets an Echo client of the outer one.
  private func withRelay<Result: Sendable>(
    _ record: PropagationRecord,
    _ body: (Echo_Echo.Client) async throws -> Result
  ) async throws -> Result {
    try await withTestServer(services: [InnerEchoService(record: record)]) { innerPort in
      try await withEchoClient(port: innerPort) { inner in
        try await withTestServer(services: [RelayEchoService(inner: inner, record: record)]) { outerPort in
          try await withEchoClient(port: outerPort) { outer in try await body(outer) }
        }
      }
    }
  }

  @Test("A call from a handler sends a grpc-timeout no larger than the handler's remaining time")
  func innerCallTakesRemainingTime() async throws {
    for innerTimeout in ["timeout=none", "timeout=30000"] {
      let record = PropagationRecord()
      try await self.withRelay(record) { outer in
        _ = try await outer.get(Echo_EchoRequest(text: innerTimeout), options: CallOptions(timeout: .seconds(20)))
      }
      let times = record.times.withLock { $0 }
      let outerDeadline = try #require(times.outerDeadline)
      let innerDeadline = try #require(times.innerDeadline)
      let sent = try #require(times.innerCallStarted), received = try #require(times.innerHandlerStarted)
      // innerDeadline = arrival + grpc-timeout, and arrival <= received: a grpc-timeout at most
      // the time left when the call started (outerDeadline - sent) puts it before this bound
      // (plus the 1 µs grpc-timeout's encoding may round up).
      #expect(innerDeadline <= outerDeadline + (received - sent) + .milliseconds(1), "\(innerTimeout)")
      // And it is the outer deadline, not a shorter one of its own.
      #expect(innerDeadline >= outerDeadline - .milliseconds(1), "\(innerTimeout)")
    }
  }

  @Test("A call's own shorter timeout stays")
  func shorterOwnTimeoutStays() async throws {
    let record = PropagationRecord()
    try await self.withRelay(record) { outer in
      _ = try await outer.get(Echo_EchoRequest(text: "timeout=10000"), options: CallOptions(timeout: .seconds(30)))
    }
    let times = record.times.withLock { $0 }
    let innerDeadline = try #require(times.innerDeadline)
    let received = try #require(times.innerHandlerStarted)
    #expect(innerDeadline <= received + .seconds(10) + .milliseconds(1))
  }

  @Test("A handler without a deadline changes nothing", arguments: [("timeout=none", false), ("timeout=10000", true)])
  func noOuterDeadline(text: String, innerHasDeadline: Bool) async throws {
    let record = PropagationRecord()
    try await self.withRelay(record) { outer in
      _ = try await outer.get(Echo_EchoRequest(text: text))
    }
    let times = record.times.withLock { $0 }
    #expect(times.outerDeadline == nil)
    #expect((times.innerDeadline != nil) == innerHasDeadline)
  }

  @Test("The opt-out, and a call from Task.detached, send no grpc-timeout", arguments: ["opt-out", "detached"])
  func noPropagation(text: String) async throws {
    let record = PropagationRecord()
    try await self.withRelay(record) { outer in
      _ = try await outer.get(Echo_EchoRequest(text: text), options: CallOptions(timeout: .seconds(20)))
    }
    let times = record.times.withLock { $0 }
    #expect(times.outerDeadline != nil)
    #expect(times.innerHandlerStarted != nil)
    #expect(times.innerDeadline == nil)
  }

  @Test(
    "Cancelling the outer call cancels the inner one, made in the handler's task or in Task {}",
    arguments: ["structured", "unstructured"])
  func cancellationPropagates(text: String) async throws {
    let record = PropagationRecord()
    try await self.withRelay(record) { outer in
      let call = Task {
        try await outer.expand(Echo_EchoRequest(text: text)) { responses in for try await _ in responses {} }
      }
      try await Self.wait(for: "inner started", in: record.log)
      call.cancel()
      await #expect(throws: RPCError.self) { try await call.value }
      try await Self.wait(for: "inner cancelled", in: record.log)
    }
    #expect(record.log.entries == ["inner started", "inner cancelled"])
  }

  private static func wait(for event: String, in log: EventLog) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !log.entries.contains(event) {
      guard ContinuousClock.now < deadline else {
        Issue.record("no '\(event)' within 10 s; saw \(log.entries)")
        return
      }
      try await Task.sleep(for: .milliseconds(5))
    }
  }
}
