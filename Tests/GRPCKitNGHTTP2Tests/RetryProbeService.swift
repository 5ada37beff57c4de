import GRPCKit
import GRPCLocking
import GRPCTestSupport

/// What a ``RetryProbeService`` saw: every attempt's `grpc-previous-rpc-attempts` (0 when the
/// header is absent, as on a first attempt), when it arrived, the requests of client-streaming
/// attempts, and the attempts that were cancelled.
final class AttemptLog: Sendable {
  private struct State {
    var previousAttempts: [Int] = []
    var arrivals: [ContinuousClock.Instant] = []
    var requests: [[String]] = []
    var cancelled: [Int] = []
  }
  private let state = Mutex(State())

  /// Records an attempt; returns its index among all the attempts the server saw.
  func record(_ context: ServerContext) -> (index: Int, previous: Int) {
    let previous = Int(context.requestMetadata.first("grpc-previous-rpc-attempts") ?? "0") ?? -1
    return self.state.withLock { state in
      state.previousAttempts.append(previous)
      state.arrivals.append(.now)
      return (state.previousAttempts.count - 1, previous)
    }
  }

  func recordRequests(_ texts: [String]) { self.state.withLock { $0.requests.append(texts) } }
  func recordCancellation(_ previous: Int) { self.state.withLock { $0.cancelled.append(previous) } }

  var previousAttempts: [Int] { self.state.withLock { $0.previousAttempts } }
  var arrivals: [ContinuousClock.Instant] { self.state.withLock { $0.arrivals } }
  var requests: [[String]] { self.state.withLock { $0.requests } }
  var cancelled: [Int] { self.state.withLock { $0.cancelled } }

  /// Waits (bounded) until `condition` holds.
  func wait(until condition: (AttemptLog) -> Bool) async throws {
    for _ in 0 ..< 400 where !condition(self) { try await Task.sleep(for: .milliseconds(50)) }
  }
}

/// An Echo service whose calls fail as a script says, for retry and hedging tests. `outcome`
/// gets the attempt's index among all attempts the server saw and its
/// `grpc-previous-rpc-attempts`, and throws to fail it.
struct RetryProbeService: Echo_Echo.ServiceProtocol {
  let log: AttemptLog
  let outcome: @Sendable (_ index: Int, _ previous: Int) async throws -> Void

  /// Fails with `code` (and the pushback trailer, if any) the first `failures` attempts.
  static func failing(
    _ failures: Int,
    with code: Status.Code = .unavailable,
    pushback: String? = nil,
    log: AttemptLog
  ) -> RetryProbeService {
    RetryProbeService(log: log) { index, _ in
      guard index < failures else { return }
      var trailers = Metadata()
      if let pushback { trailers.add("grpc-retry-pushback-ms", pushback) }
      throw RPCError(code: code, message: "attempt \(index) fails", metadata: trailers)
    }
  }

  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    let (index, previous) = self.log.record(context)
    do {
      try await self.outcome(index, previous)
    } catch is CancellationError {
      self.log.recordCancellation(previous)
      throw CancellationError()
    }
    return Echo_EchoResponse(text: "\(request.text) after \(previous) earlier attempts")
  }

  func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    let (index, previous) = self.log.record(context)
    var texts: [String] = []
    for try await request in requests { texts.append(request.text) }
    self.log.recordRequests(texts)
    try await self.outcome(index, previous)
    return Echo_EchoResponse(text: texts.joined(separator: " "))
  }

  /// Sends the first word, then obeys the script, then the other words.
  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    let (index, previous) = self.log.record(context)
    let words = request.text.split(separator: " ").map(String.init)
    if let first = words.first { try await responses.write(Echo_EchoResponse(text: first)) }
    try await self.outcome(index, previous)
    for word in words.dropFirst() { try await responses.write(Echo_EchoResponse(text: word)) }
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    let (index, previous) = self.log.record(context)
    var texts: [String] = []
    for try await request in requests { texts.append(request.text) }
    self.log.recordRequests(texts)
    try await self.outcome(index, previous)
    for text in texts { try await responses.write(Echo_EchoResponse(text: text)) }
  }
}
