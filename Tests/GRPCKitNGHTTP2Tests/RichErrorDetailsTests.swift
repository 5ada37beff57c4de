import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// Rich error details over HTTP/2: `grpc-status-details-bin` from a Swift server to a Swift
/// client, and both ways with grpcio and grpcio-status's `rpc_status`.
@Suite("Rich error details")
struct RichErrorDetailsTests {
  @Test("A Swift client receives the details a Swift server threw, and the trailer as metadata")
  func swiftToSwift() async throws {
    try await withTestServer(services: [RichErrorEchoService()]) { port in
      try await withEchoClient(port: port) { echo in
        let error = await #expect(throws: RPCError.self) {
          _ = try await echo.get(
            Echo_EchoRequest(text: "details"),
            options: CallOptions(timeout: .seconds(30))
          )
        }
        #expect(error == RichErrorEchoService.error.withMetadata(of: error))
        #expect(error?.details == RichErrorEchoService.error.details)
        #expect(error?.metadata.first("x-trailer") == "done")
        #expect(error?.metadata[binaryValues: "grpc-status-details-bin"].count == 1)
      }
    }
  }

  @Test("A server interceptor that throws an error with details sends them too")
  func interceptorDetails() async throws {
    let interceptors: [ConditionalInterceptor<any ServerInterceptor>] = [
      .apply(DetailedRejection(), to: .all)
    ]
    try await withTestServer(interceptors: interceptors) { port in
      try await withEchoClient(port: port) { echo in
        let error = await #expect(throws: RPCError.self) {
          _ = try await echo.get(
            Echo_EchoRequest(text: "hi"),
            options: CallOptions(timeout: .seconds(30))
          )
        }
        #expect(error?.code == .permissionDenied)
        #expect(error?.details == DetailedRejection.details)
      }
    }
  }

  @Test("grpcio-status's rpc_status.from_call reads the details a Swift server sends")
  func grpcioReadsSwiftDetails() async throws {
    try await withTestServer(services: [RichErrorEchoService()]) { port in
      try await withExternalProcess(
        try .python(
          script: "rich_status_peer.py",
          arguments: ["client", "--target", "127.0.0.1:\(port)"]
        )
      ) { process in
        let line = try await process.nextLine(timeout: .seconds(60))
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status == .exited(0), "stderr: \(process.standardErrorText)")
        let object = try #require(
          try JSONSerialization.jsonObject(with: Data((line ?? "").utf8)) as? [String: Any],
          "output: \(line ?? "nothing")"
        )
        #expect(object["call_code"] as? String == "NOT_FOUND")
        #expect(object["call_message"] as? String == "no room named ops")
        let rich = try #require(object["status"] as? [String: Any], "no rich status in \(object)")
        #expect(rich["code"] as? Int == 5)
        #expect(rich["message"] as? String == "no room named ops")
        let details = try #require(rich["details"] as? [[String: Any]])
        #expect(
          details.map { $0["type"] as? String } == [
            "google.rpc.ErrorInfo", "google.rpc.RetryInfo", "google.rpc.BadRequest",
            "google.protobuf.Timestamp",
          ]
        )
        let info = details.first?["value"] as? [String: Any]
        #expect(info?["reason"] as? String == "NO_ROOM")
        #expect(info?["domain"] as? String == "swift.test")
        #expect((info?["metadata"] as? [String: String]) == ["room": "ops"])
        #expect((details[1]["value"] as? [String: Any])?["retryDelay"] as? String == "3s")
        let violations =
          (details[2]["value"] as? [String: Any])?["fieldViolations"] as? [[String: String]]
        #expect(violations == [["field": "room", "description": "no such room"]])
        #expect(details[3]["value"] as? String == "1970-01-01T00:00:42Z")
      }
    }
  }

  @Test("A Swift client reads the details grpcio's rpc_status.to_status sends")
  func swiftReadsGRPCIODetails() async throws {
    try await withRichStatusPeer { echo in
      let error = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(text: "details"),
          options: CallOptions(timeout: .seconds(30))
        )
      }
      #expect(error?.code == .notFound)
      #expect(error?.message == "no room named ops")
      #expect(
        error?.details == [
          .errorInfo(
            Google_Rpc_ErrorInfo(
              reason: "NO_ROOM",
              domain: "grpcio.test",
              metadata: ["room": "ops"]
            )
          ),
          .retryInfo(Google_Rpc_RetryInfo(retryDelay: Google_Protobuf_Duration(seconds: 3))),
          .badRequest(
            Google_Rpc_BadRequest(fieldViolations: [
              Google_Rpc_BadRequest.FieldViolation(field: "room", description: "no such room")
            ])
          ),
        ]
      )
    }
  }

  @Test("A grpcio server's details with another code than grpc-status: INTERNAL naming both")
  func grpcioMismatch() async throws {
    try await withRichStatusPeer { echo in
      let error = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(text: "mismatch"),
          options: CallOptions(timeout: .seconds(30))
        )
      }
      #expect(error?.code == .internal)
      #expect(
        error?.message
          == "grpc-status-details-bin has code PERMISSION_DENIED (7) but grpc-status is NOT_FOUND (5); "
          + "grpc-message: no room named ops"
      )
      #expect(error?.details == [])
    }
  }

  @Test("A grpcio server's details that are not a google.rpc.Status: the status, without details")
  func grpcioGarbage() async throws {
    try await withRichStatusPeer { echo in
      let error = await #expect(throws: RPCError.self) {
        _ = try await echo.get(
          Echo_EchoRequest(text: "garbage"),
          options: CallOptions(timeout: .seconds(30))
        )
      }
      #expect(error?.code == .notFound)
      #expect(error?.message == "no room named ops")
      #expect(error?.details == [])
      #expect(error?.cause != nil, "the decoding error says why the details were dropped")
      #expect(error?.metadata[binaryValues: "grpc-status-details-bin"] == [[0x0A, 0xFF, 0x01]])
    }
  }

  private func withRichStatusPeer(_ body: (Echo_Echo.Client) async throws -> Void) async throws {
    try await withExternalProcess(
      try .python(
        script: "rich_status_peer.py",
        arguments: ["server", "--port", "0", "--watch-parent"]
      )
    ) { server in
      let port = try await server.waitForListeningPort()
      try await withEchoClient(port: port) { echo in try await body(echo) }
    }
  }
}

/// Rejects every call with `PERMISSION_DENIED` and an `ErrorInfo`.
private struct DetailedRejection: ServerInterceptor {
  static let details: [ErrorDetail] = [
    .errorInfo(Google_Rpc_ErrorInfo(reason: "NO_TOKEN", domain: "auth.test"))
  ]

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next:
      @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws ->
      Void
  ) async throws {
    throw RPCError(code: .permissionDenied, message: "no token", details: Self.details)
  }
}

extension RPCError {
  /// This error with `other`'s metadata (a received error's metadata has the details trailer).
  fileprivate func withMetadata(of other: RPCError?) -> RPCError {
    var copy = self
    copy.metadata = other?.metadata ?? [:]
    return copy
  }
}
