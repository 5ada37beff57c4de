import GRPCKit
import GRPCKitNGHTTP2
import GRPCServiceLifecycle
import GRPCTestSupport
import Logging
import ServiceLifecycle
import Testing

@Suite("GRPCServer in a ServiceGroup")
struct GRPCServerServiceTests {
  @Test(
    "The group's graceful shutdown lets an open call go on to its end, then run returns and the port is closed"
  )
  func gracefulShutdownDrainsOpenCalls() async throws {
    var configuration = NGHTTP2ServerConfiguration()
    configuration.shutdownGracePeriod = .seconds(30)
    let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0, configuration: configuration)
    let server = GRPCServer(transport: transport, services: [EchoService()])
    var logger = Logger(label: "test.group")
    logger.logLevel = .critical
    let group = ServiceGroup(
      configuration: ServiceGroupConfiguration(services: [server], logger: logger)
    )
    let running = Task { try await group.run() }
    let port = try await transport.listeningPort()
    try await withEchoClient(port: port) { echo in
      // A call open when the shutdown starts keeps working until its client ends it.
      let replies = try await echo.update(options: CallOptions(timeout: .seconds(30))) {
        writer,
        responses in
        var iterator = responses.makeAsyncIterator()
        try await writer.write(Echo_EchoRequest(text: "before"))
        var replies = [try await iterator.next()?.text]
        await group.triggerGracefulShutdown()
        try await writer.write(Echo_EchoRequest(text: "after"))
        replies.append(try await iterator.next()?.text)
        writer.finish()
        while try await iterator.next() != nil {}
        return replies
      }
      #expect(replies == ["before", "after"])
    }
    // run() returns once the last connection closed; the port no longer takes calls.
    try await running.value
    await #expect(throws: RPCError.self) {
      try await withEchoClient(port: port) { echo in
        _ = try await echo.get(
          Echo_EchoRequest(text: "late"),
          options: CallOptions(timeout: .seconds(10))
        )
      }
    }
  }
}
