import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Synchronization
import Testing

@Suite("Graceful shutdown and maximum connection age")
struct GracefulShutdownTests {
  @Test(
    "During the grace period a stream keeps flowing, and every response written arrives before UNAVAILABLE"
  )
  func drainDeliversEveryWrittenMessage() async throws {
    let service = CountingEchoService()
    var configuration = NGHTTP2ServerConfiguration()
    // Long enough that a loaded machine still sends well over ten messages in it (17 arrived in
    // 800 ms once in CI, with the suite's other tests running).
    configuration.shutdownGracePeriod = .seconds(2).slowed
    try await withControlledTestServer(services: [service], configuration: configuration) {
      server in
      try await withEchoClient(port: server.port) { echo in
        let shutdownAt = 50
        var received: [String] = []
        let error = await #expect(throws: RPCError.self) {
          try await echo.update { writer, responses in
            // The sender never waits for echoes: messages are in flight both ways when the
            // server ends the call.
            let sending = Task {
              for count in 0 ..< 100_000 {
                try await writer.write(Echo_EchoRequest(text: "m\(count)"))
                try await Task.sleep(for: .milliseconds(2))
              }
            }
            defer { sending.cancel() }
            for try await response in responses {
              received.append(response.text)
              if received.count == shutdownAt { server.server.beginGracefulShutdown() }
            }
          }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message == "the server is shutting down")
        // A server that stopped reading at the shutdown would deliver only the one or two
        // messages in flight then (the sender sends one every 2 ms).
        #expect(received.count > shutdownAt + 10, "messages kept flowing during the grace period")
        #expect(received == (0 ..< received.count).map { "m\($0)" })
        #expect(received.count == service.writtenCount, "every response the handler wrote arrived")
      }
      try await server.waitUntilStopped()
    }
  }

  @Test(
    "Maximum age: GOAWAY to a connection with an open stream, which finishes; new calls use a new connection"
  )
  func maximumAgeMovesNewCallsToNewConnection() async throws {
    let service = CountingEchoService()
    var configuration = NGHTTP2ServerConfiguration()
    configuration.maximumConnectionAge = .milliseconds(400)
    configuration.maximumConnectionAgeGrace = .seconds(20).slowed
    try await withControlledTestServer(services: [service], configuration: configuration) {
      server in
      try await withEchoClient(port: server.port) { echo in
        try await echo.update { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(Echo_EchoRequest(text: "old"))
          #expect(try await iterator.next()?.text == "old")
          let firstPeer = try await echo.get(Echo_EchoRequest()).text
          // Once the old connection's GOAWAY arrived, calls go to a new connection.
          var peer = firstPeer
          let giveUp = ContinuousClock.now + .seconds(5).slowed
          while peer == firstPeer, ContinuousClock.now < giveUp {
            try await Task.sleep(for: .milliseconds(25))
            peer = try await echo.get(Echo_EchoRequest()).text
          }
          #expect(peer != firstPeer, "still on \(firstPeer) after \(Duration.seconds(5).slowed)")
          // The old stream still works within the age grace, and ends normally.
          try await writer.write(Echo_EchoRequest(text: "still"))
          #expect(try await iterator.next()?.text == "still")
          writer.finish()
          #expect(try await iterator.next() == nil)
        }
      }
    }
  }
}
