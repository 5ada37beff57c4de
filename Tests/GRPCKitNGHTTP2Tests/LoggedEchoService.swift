import GRPCKit
import GRPCTestSupport

/// The Echo service, recording `handler NAME` when a handler starts (so a test can tell that a
/// handler never ran) and `handler ...` facts about its context.
struct LoggedEchoService: Echo_Echo.ServiceProtocol {
  let log: EventLog
  private let echo = EchoService()

  init(log: EventLog) {
    self.log = log
  }

  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    self.record("get", context)
    return try await self.echo.get(request: request, context: context)
  }

  func collect(requests: RequestStream<Echo_EchoRequest>, context: ServerContext) async throws -> Echo_EchoResponse {
    self.record("collect", context)
    return try await self.echo.collect(requests: requests, context: context)
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    self.record("expand", context)
    try await self.echo.expand(request: request, responses: responses, context: context)
  }

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    self.record("update", context)
    try await self.echo.update(requests: requests, responses: responses, context: context)
  }

  private func record(_ method: String, _ context: ServerContext) {
    self.log.record("handler \(method)")
    if ServerContext.current !== context { self.log.record("handler: ServerContext.current is another context") }
  }
}
