import GRPCKit
import GRPCLocking
import GRPCTestSupport
import struct Synchronization.Atomic

/// What happened on the server side of a test, recorded as short strings.
final class EventRecorder: Sendable {
  private let state = Mutex<[String]>([])

  func record(_ event: String) {
    self.state.withLock { $0.append(event) }
  }

  var events: [String] { self.state.withLock { $0 } }

  /// Waits until `event` was recorded, polling, for at most `timeout`.
  ///
  /// - Returns: Whether it was.
  func waitFor(_ event: String, timeout: Duration = .seconds(30)) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
      if self.events.contains(event) { return true }
      try? await Task.sleep(for: .milliseconds(20))
    }
    return self.events.contains(event)
  }
}

/// `echo.Echo` that reports to an ``EventRecorder``:
///
/// - `Get` with the text `wait` records `started`, then waits up to 60 s; when cancelled it records
///   `cancelled` and, if its context says so, `context-cancelled`. Other texts echo.
/// - `Expand` with the text `flood N BYTES` writes N responses of BYTES payload bytes, keeping
///   ``written`` up to date after each write, then records `flooded`. Other texts echo.
/// - `Collect` and `Update` are ``EchoService``'s.
final class ProbeEchoService: Echo_Echo.ServiceProtocol {
  let recorder: EventRecorder
  let written = Atomic<Int>(0)
  private let echo = EchoService()

  init(recorder: EventRecorder) {
    self.recorder = recorder
  }

  var writtenCount: Int { self.written.load(ordering: .relaxed) }

  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    guard request.text == "wait" else {
      return try await self.echo.get(request: request, context: context)
    }
    self.recorder.record("started")
    do {
      try await Task.sleep(for: .seconds(60))
    } catch {
      self.recorder.record("cancelled")
      if context.isCancelled { self.recorder.record("context-cancelled") }
      throw error
    }
    return Echo_EchoResponse(text: "waited")
  }

  func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    try await self.echo.collect(requests: requests, context: context)
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    let words = request.text.split(separator: " ")
    guard words.count == 3, words[0] == "flood", let count = Int(words[1]), let size = Int(words[2])
    else {
      return try await self.echo.expand(request: request, responses: responses, context: context)
    }
    for index in 0 ..< count {
      try await responses.write(
        Echo_EchoResponse(
          text: String(index),
          payload: [UInt8](repeating: UInt8(index % 256), count: size)
        )
      )
      self.written.add(1, ordering: .relaxed)
    }
    self.recorder.record("flooded")
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    try await self.echo.update(requests: requests, responses: responses, context: context)
  }
}
