import ChatAPI
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("chat-server executable")
struct ChatServerProcessTests {
  @Test("chat-server logs its port first, serves ChatStream and exits 0 on SIGTERM")
  func serverRunsAndStopsOnSIGTERM() async throws {
    let server = try ExternalProcess(
      executable: try Self.chatServerBinary().path, arguments: ["--host", "127.0.0.1", "--port", "0"])
    defer { server.kill() }
    let firstLine = try #require(try await server.nextLine(timeout: .seconds(30)))
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any],
      "the first line is not a JSON object: \(firstLine)"
    )
    #expect(json["event"] as? String == "listening")
    let port = try #require(json["port"] as? Int, "no numeric port in \(firstLine)")

    let received = try await withChatClient(port: port) { client in
      try await exchange(
        client,
        options: joining("process"),
        [ChatMessage(user: "ada", message: "hi")]
      )
    }
    #expect(received.map(\.message) == ["hi"])
    #expect((received.first?.timestamp ?? 0) > 0)

    server.terminate()  // SIGTERM
    #expect(try await server.waitForExit(timeout: .seconds(30)) == .exited(0))
  }

  @Test(
    "On SIGTERM chat-server ends a listening call with UNAVAILABLE after the grace period and exits 0"
  )
  func sigtermEndsListenersAfterGrace() async throws {
    let server = try ExternalProcess(
      executable: try Self.chatServerBinary().path,
      arguments: ["--host", "127.0.0.1", "--port", "0", "--grace-period", "0.2"])
    defer { server.kill() }
    let port = try await server.waitForListeningPort(timeout: .seconds(30))

    let error = try await withChatClient(port: port) { client in
      await #expect(throws: RPCError.self) {
        try await client.chatStream(options: joining("drain")) { writer, responses in
          var iterator = responses.makeAsyncIterator()
          try await writer.write(ChatMessage(user: "listener", message: "join"))
          _ = try await iterator.nextMessage()
          server.terminate()  // SIGTERM
          while try await iterator.next() != nil {}
        }
      }
    }
    #expect(error?.code == .unavailable)
    #expect(error?.message == "the server is shutting down")
    #expect(try await server.waitForExit(timeout: .seconds(30)) == .exited(0))
  }

  /// `chat-server` next to the test bundle (both are build products), or `$CHAT_SERVER_BINARY`.
  static func chatServerBinary() throws -> URL {
    URL(fileURLWithPath: try builtProduct("chat-server"))
  }
}
