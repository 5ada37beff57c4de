public import GRPCKit

/// An `echo.Echo` service that says which server answered: `Get` replies with its name, and
/// `Update` replies to each request with `NAME:TEXT`. Lets tests see where calls landed.
public struct ServerNameEchoService: Echo_Echo.ServiceProtocol {
  /// The name replies carry.
  public let name: String
  private let echo = EchoService()

  /// Creates the service.
  ///
  /// - Parameter name: The name replies carry.
  public init(name: String) {
    self.name = name
  }

  public func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    Echo_EchoResponse(text: self.name)
  }

  public func collect(requests: RequestStream<Echo_EchoRequest>, context: ServerContext) async throws -> Echo_EchoResponse {
    try await self.echo.collect(requests: requests, context: context)
  }

  public func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    try await self.echo.expand(request: request, responses: responses, context: context)
  }

  public func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {
    for try await request in requests {
      try await responses.write(Echo_EchoResponse(text: "\(self.name):\(request.text)"))
    }
  }
}
