import GRPCKit
import GRPCKitTesting
import GRPCTestSupport
import Testing

// The README's examples, compiled and run: "Testing your service in process" and
// "Rich error details".

@Test("Echo replies with the request's text")
func echoReplies() async throws {
  try await withInProcessServer(services: [EchoService()]) { client in
    let echo = Echo_Echo.Client(wrapping: client)
    let reply = try await echo.get(Echo_EchoRequest(text: "hi"))
    #expect(reply.text == "hi")
  }
}

/// The README's server side of rich error details: every `Get` is refused with them.
private struct RoomFullService: Echo_Echo.ServiceProtocol {
  func get(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoResponse {
    throw RPCError(
      code: .resourceExhausted,
      message: "room lobby is full",
      details: [
        .errorInfo(Google_Rpc_ErrorInfo(reason: "ROOM_FULL", domain: "chat.example.com")),
        .retryInfo(Google_Rpc_RetryInfo(retryDelay: Google_Protobuf_Duration(seconds: 5))),
      ]
    )
  }

  func collect(
    requests: RequestStream<Echo_EchoRequest>,
    context: ServerContext
  ) async throws -> Echo_EchoResponse {
    Echo_EchoResponse()
  }

  func expand(
    request: Echo_EchoRequest,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {}

  func update(
    requests: RequestStream<Echo_EchoRequest>,
    responses: ResponseWriter<Echo_EchoResponse>,
    context: ServerContext
  ) async throws {}
}

@Test("The README's rich error details come back typed")
func readmeRichErrorDetails() async throws {
  try await withInProcessServer(services: [RoomFullService()]) { client in
    let echo = Echo_Echo.Client(wrapping: client)
    var retryDelay: Int64?
    do {
      _ = try await echo.get(Echo_EchoRequest(text: "join"))
    } catch let error as RPCError {
      for case .retryInfo(let info) in error.details {
        retryDelay = info.retryDelay?.seconds
      }
      #expect(
        error.details.first
          == .errorInfo(Google_Rpc_ErrorInfo(reason: "ROOM_FULL", domain: "chat.example.com"))
      )
    }
    #expect(retryDelay == 5)
  }
}
