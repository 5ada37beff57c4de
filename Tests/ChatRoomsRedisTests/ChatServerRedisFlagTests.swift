import ChatClient
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

extension RedisReplicaTests {
  @Suite("chat-server's Redis flags and an unreachable Redis")
  struct ChatServerRedisFlagTests {
    @Test(
      "A malformed Redis URL exits 64 with a line naming where it came from",
      arguments: [
        (["--redis-url", "ftp://x"], [:], "--redis-url"),
        (["--redis-url", "redis://127.0.0.1:99999"], [:], "--redis-url"),
        ([], ["REDIS_URL": "bad"], "$REDIS_URL"),
      ] as [([String], [String: String], String)])
    func malformedRedisURLExits64(arguments: [String], environment: [String: String], source: String) async throws {
      let process = try ExternalProcess(
        executable: try builtProduct("chat-server"), arguments: ["--host", "127.0.0.1", "--port", "0"] + arguments,
        environment: environment)
      let status = try await process.waitForExit(timeout: .seconds(30))
      #expect(status == .exited(64))
      let lines = process.standardErrorText.split(separator: "\n")
      #expect(lines.first?.hasPrefix("Error: \(source): redis URL ") == true, "\(process.standardErrorText)")
    }

    @Test(
      "chat-server pointed at a port where nothing listens starts, warns naming the address, reports ChatService NOT_SERVING, and recovers by itself once Redis starts there"
    )
    func unreachableRedisRecoversByItself() async throws {
      let port = try await LoopbackPort.unused()
      let replica = try await ChatServerReplica.start(redisURL: "redis://127.0.0.1:\(port)")
      defer { replica.process.kill() }
      let warning = try await replica.process.waitForJSONObject(timeout: .seconds(30)) { $0["level"] as? String == "warning" }
      let (chat, server) = (try await replica.health("ChatService"), try await replica.health(""))

      // Redis starts on that port: the server finds it by itself.
      try await withRedisServer(port: port) { _ in
        try await replica.waitForHealth(timeout: .seconds(60))
        try await withClients(of: [replica]) { clients in
          let subscription = SubscriptionLog(clients[0], room: "recovered")
          defer { subscription.stop() }
          try await subscription.waitUntilJoined()
          let published = try await clients[0].publish("back", as: "ada", room: "recovered", timeout: .seconds(10))
          try await subscription.wait(forID: published.id)
          #expect(subscription.messages.map(\.text) == ["back"])
        }
      }

      #expect(warning["event"] as? String == "redis unreachable")
      #expect(warning["redis.address"] as? String == "127.0.0.1:\(port)")
      #expect((warning["error"] as? String)?.contains("127.0.0.1:\(port)") == true, "\(warning)")
      #expect(chat == .notServing)
      #expect(server == .serving)
    }
  }
}
