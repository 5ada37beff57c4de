import GRPCKit
import GRPCTestSupport
import Synchronization

/// An Echo service for lifecycle tests: `Get` answers with the caller's address (which names its
/// connection), `Update` echoes every request and counts the responses it wrote successfully.
final class CountingEchoService: Echo_Echo.ServiceProtocol {
  private let written = Atomic<Int>(0)

  /// Responses `Update` handlers wrote without an error.
  var writtenCount: Int { self.written.load(ordering: .relaxed) }

  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    Echo_EchoResponse(text: context.peer)
  }

  func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    var count = 0
    for try await _ in requests { count += 1 }
    return Echo_EchoResponse(text: String(count))
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    try await responses.write(Echo_EchoResponse(text: request.text))
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    for try await request in requests {
      try await responses.write(Echo_EchoResponse(text: request.text))
      self.written.add(1, ordering: .relaxed)
    }
  }
}
