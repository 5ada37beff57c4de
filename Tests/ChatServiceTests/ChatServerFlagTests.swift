import GRPCTestSupport
import Testing

@Suite("chat-server's option groups refuse bad values, naming the choices", .serialized)
struct ChatServerFlagTests {
  @Test(
    "An unknown --handlers or --log-level value exits 64 listing the values it takes",
    arguments: [
      (["--handlers", "fast"], ["'event-loop'", "'concurrent'"]),
      (
        ["--log-level", "loud"],
        ["The value 'loud' is invalid for '--log-level", "- trace", "- critical"]
      ),
      (["--grace-period=-1"], ["--grace-period -1.0 is not a number of seconds"]),
      (["--metrics-port", "70000"], ["--metrics-port 70000 is not in 0...65535"]),
      (["--max-connections", "0"], ["--max-connections 0 is not a positive number"]),
      (["--max-open-calls=-5"], ["--max-open-calls -5 is not a positive number"]),
    ] as [([String], [String])]
  )
  func badValues(arguments: [String], expected: [String]) async throws {
    let server = try ExternalProcess(
      executable: try ChatServerProcessTests.chatServerBinary().path,
      arguments: ["--host", "127.0.0.1", "--port", "0"] + arguments
    )
    #expect(try await server.waitForExit(timeout: .seconds(30)) == .exited(64))
    for text in expected {
      #expect(server.standardErrorText.contains(text), "\(server.standardErrorText)")
    }
  }
}
