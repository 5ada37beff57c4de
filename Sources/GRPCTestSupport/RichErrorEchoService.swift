public import GRPCKit

/// `echo.Echo` whose `Get` fails with rich error details when the request's text is `details`
/// (the other methods and texts behave as ``EchoService``): the Swift side of the rich error
/// tests, matching `Python/rich_status_peer.py`.
public struct RichErrorEchoService: Echo_Echo.ServiceProtocol {
  /// The error `Get` throws for the text `details`.
  public static let error = RPCError(
    code: .notFound,
    message: "no room named ops",
    metadata: ["x-trailer": "done"],
    details: [
      .errorInfo(
        Google_Rpc_ErrorInfo(reason: "NO_ROOM", domain: "swift.test", metadata: ["room": "ops"])
      ),
      .retryInfo(Google_Rpc_RetryInfo(retryDelay: Google_Protobuf_Duration(seconds: 3))),
      .badRequest(
        Google_Rpc_BadRequest(fieldViolations: [
          Google_Rpc_BadRequest.FieldViolation(field: "room", description: "no such room")
        ])
      ),
      .any(Google_Protobuf_Any(packing: Google_Protobuf_Timestamp(seconds: 42))),
    ]
  )

  private let echo = EchoService()

  public init() {}

  public func get(
    request: Echo_EchoRequest,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    if request.text == "details" { throw Self.error }
    return try await self.echo.get(request: request, context: context)
  }

  public func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
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
    try await self.echo.update(requests: requests, responses: responses, context: context)
  }
}
