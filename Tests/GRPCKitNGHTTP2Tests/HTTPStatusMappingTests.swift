import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

/// Our client against `fake_h2_server.py` (Python `h2`), which answers every request with a
/// fixed HTTP status and no body: the codes follow the spec's table
/// (doc/http-grpc-status-mapping.md). The rules themselves are tested without sockets in
/// `ClientStreamRulesTests`; these prove the client applies them to what arrives on the wire.
@Suite("HTTP status mapping of our client against a fake HTTP/2 server")
struct HTTPStatusMappingTests {
  /// Two rows end to end; `ClientStreamRulesTests` checks the whole table without sockets.
  static let table: [(Int, Status.Code)] = [(404, .unimplemented), (503, .unavailable)]

  @Test("An HTTP error status without grpc-status maps by the spec's table", arguments: table)
  func httpStatusWithoutGRPCStatus(httpStatus: Int, code: Status.Code) async throws {
    let error = try await Self.callFailure(serverArguments: ["--status", String(httpStatus)])
    #expect(error.code == code, "\(error)")
    #expect(error.message.contains(String(httpStatus)), "\(error)")
  }

  @Test("An HTTP error status that carries grpc-status uses the grpc-status")
  func httpStatusWithGRPCStatus() async throws {
    let error = try await Self.callFailure(
      serverArguments: ["--status", "503", "--grpc-status", "7", "--content-type", "application/grpc"])
    #expect(error.code == .permissionDenied, "\(error)")
  }

  @Test("HTTP 200 with a content-type that is not gRPC is UNKNOWN and names the content-type")
  func nonGRPCContentType() async throws {
    let error = try await Self.callFailure(
      serverArguments: ["--status", "200", "--content-type", "text/html", "--end-stream-on-headers", "no"])
    #expect(error.code == .unknown, "\(error)")
    #expect(error.message.contains("text/html"), "\(error)")
    #expect(error.message.contains("200"), "\(error)")
  }

  @Test("HTTP 200 whose headers end the stream without grpc-status is INTERNAL")
  func trailersOnlyWithoutGRPCStatus() async throws {
    let error = try await Self.callFailure(
      serverArguments: ["--status", "200", "--content-type", "application/grpc"])
    #expect(error.code == .internal, "\(error)")
    #expect(error.message.contains("grpc-status"), "\(error)")
    #expect(error.message.contains("200"), "\(error)")
  }

  /// Makes one Echo call against a fake server started with `serverArguments`; returns the
  /// error it must end with.
  private static func callFailure(serverArguments: [String]) async throws -> RPCError {
    try await withExternalProcess(
      ExternalProcess.python(script: "fake_h2_server.py", arguments: ["--port", "0", "--watch-parent"] + serverArguments)
    ) { server in
      let port = try await server.waitForListeningPort()
      return try await withEchoClient(port: port) { echo in
        do {
          _ = try await echo.get(Echo_EchoRequest(text: "x"), options: CallOptions(timeout: .seconds(5)))
        } catch let error as RPCError {
          return error
        }
        throw UnexpectedSuccess()
      }
    }
  }
}

private struct UnexpectedSuccess: Error, CustomStringConvertible {
  var description: String { "the call succeeded against a server that sends no gRPC response" }
}
