import GRPCKit
import GRPCKitTesting
import GRPCTestSupport
import Logging
import Testing

@Suite("Open call limit over the in-process transport")
struct OpenCallLimitTests {
  @Test("The server's maximumOpenCalls holds without a socket: one more call is RESOURCE_EXHAUSTED")
  func limitHoldsInProcess() async throws {
    let transport = InProcessTransport()
    let server = GRPCServer(
      transport: transport.server,
      services: [EchoService()],
      maximumOpenCalls: 1,
      logger: Logger(label: "test.in-process")
    )
    let echo = Echo_Echo.Client(wrapping: GRPCClient(transport: transport.client))
    let options = CallOptions(timeout: .seconds(30))
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await server.serve() }
      defer { server.beginGracefulShutdown() }
      let refused = try await echo.update(options: options) { writer, responses in
        try await writer.write(Echo_EchoRequest(text: "holding"))
        var iterator = responses.makeAsyncIterator()
        _ = try await iterator.next()
        do {
          _ = try await echo.get(Echo_EchoRequest(text: "one more"), options: options)
          writer.finish()
          return nil as RPCError?
        } catch let error as RPCError {
          writer.finish()
          return error
        }
      }
      #expect(refused?.code == .resourceExhausted)
      let message = refused?.message ?? ""
      #expect(message.contains("1 calls open, its limit (maximumOpenCalls)"), "\(message)")
    }
  }
}
