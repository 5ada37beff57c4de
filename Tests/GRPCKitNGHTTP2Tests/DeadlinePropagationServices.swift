import GRPCKit
import GRPCLocking
import GRPCTestSupport

/// What the two servers of a deadline propagation test saw.
final class PropagationRecord: Sendable {
  struct Times {
    /// The outer call's deadline, as its handler saw it.
    var outerDeadline: ContinuousClock.Instant?
    /// When the outer handler started its call to the inner server.
    var innerCallStarted: ContinuousClock.Instant?
    /// The inner call's deadline, as the inner server's handler saw it.
    var innerDeadline: ContinuousClock.Instant?
    /// When the inner handler started.
    var innerHandlerStarted: ContinuousClock.Instant?
  }
  let times = Mutex(Times())
  let log = EventLog()
}

/// The inner server: `Get` records its deadline and answers; `Expand` records that it started,
/// then waits until its call is cancelled and records that.
struct InnerEchoService: Echo_Echo.ServiceProtocol {
  let record: PropagationRecord

  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    let now = ContinuousClock.now
    self.record.times.withLock {
      $0.innerDeadline = context.deadline
      $0.innerHandlerStarted = now
    }
    return Echo_EchoResponse(text: request.text)
  }

  func collect(requests: RequestStream<Echo_EchoRequest>, context: ServerContext) async throws -> Echo_EchoResponse {
    throw RPCError(code: .unimplemented, message: "not used")
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    self.record.log.record("inner started")
    do {
      try await Task.sleep(for: .seconds(60))
    } catch {
      self.record.log.record("inner cancelled")
      throw error
    }
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "not used")
  }
}

/// The outer server, whose handlers call the inner server. `Get` calls the inner `Get` as its
/// request's text says: `timeout=MS` or `timeout=none` (the inner call's own timeout),
/// `opt-out` (no propagation), `detached` (from `Task.detached`). `Expand` calls the inner
/// `Expand` from the handler's task (`structured`) or from `Task {}` (`unstructured`).
struct RelayEchoService: Echo_Echo.ServiceProtocol {
  let inner: Echo_Echo.Client
  let record: PropagationRecord

  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    var options = CallOptions()
    if request.text.hasPrefix("timeout="), let milliseconds = Int(request.text.dropFirst("timeout=".count)) {
      options.timeout = .milliseconds(milliseconds)
    }
    if request.text == "opt-out" { options.propagatesDeadline = false }
    let now = ContinuousClock.now
    self.record.times.withLock {
      $0.outerDeadline = context.deadline
      $0.innerCallStarted = now
    }
    let inner = self.inner
    if request.text == "detached" {
      return try await Task.detached { try await inner.get(request, options: options) }.value
    }
    return try await inner.get(request, options: options)
  }

  func collect(requests: RequestStream<Echo_EchoRequest>, context: ServerContext) async throws -> Echo_EchoResponse {
    throw RPCError(code: .unimplemented, message: "not used")
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    let inner = self.inner
    let call: @Sendable () async throws -> Void = {
      try await inner.expand(request) { responses in for try await _ in responses {} }
    }
    if request.text == "unstructured" {
      // The task inherits ServerContext.current but not the handler's cancellation.
      try await Task { try await call() }.value
    } else {
      try await call()
    }
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "not used")
  }
}
