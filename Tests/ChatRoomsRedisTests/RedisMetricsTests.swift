import Foundation
import GRPCTestSupport
import Testing

extension RedisReplicaTests {
  @Suite("chat-server's Redis metrics")
  struct RedisMetricsTests {
    @Test(
      "With --metrics-port, Redis commands and their latency are counted by command name, never by room"
    )
    func redisCommandsAreCounted() async throws {
      try await withRedisServer { redis in
        let process = try ExternalProcess(
          executable: try builtProduct("chat-server"),
          arguments: [
            "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0", "--redis-url", redis.url,
          ]
        )
        try await withExternalProcess(process) { process in
          let line = try await process.waitForLine(timeout: .seconds(60)) {
            $0.contains("\"listening\"")
          }
          let listening = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
          )
          let port = try #require(listening["port"] as? Int)
          let metricsPort = try #require(listening["metrics_port"] as? Int)
          let replica = ChatServerReplica(process: process, port: port)
          try await replica.waitForHealth(timeout: .seconds(60))

          let client = try ExternalProcess.python(
            script: "room_events_client.py",
            arguments: [
              "publish", "--target", replica.address, "--room", "secret-room-name", "--user", "u",
              "hi",
            ]
          )
          #expect(
            try await client.waitForExit(timeout: .seconds(60)) == .exited(0),
            "\(client.standardErrorText)"
          )

          let samples = try await PrometheusSample.scrape(
            "http://127.0.0.1:\(metricsPort)/metrics",
            prefixes: ["redis_"]
          )
          let commands = samples.filter { $0.name == "redis_commands_total" }
          #expect(commands.reduce(0) { $0 + $1.value } > 0, "\(samples)")
          #expect(commands.allSatisfy { $0.labels.keys.sorted() == ["command"] }, "\(commands)")
          let timed = samples.filter { $0.name == "redis_command_duration_seconds_count" }
          #expect(timed.reduce(0) { $0 + $1.value } > 0, "\(samples)")
          // Redis goes away: the next publish fails, and its commands count as errors.
          await redis.stop()
          let failing = try ExternalProcess.python(
            script: "room_events_client.py",
            arguments: [
              "publish", "--target", replica.address, "--room", "secret-room-name", "--user", "u",
              "lost",
            ]
          )
          #expect(try await failing.waitForExit(timeout: .seconds(60)) == .exited(1))
          let after = try await PrometheusSample.scrape(
            "http://127.0.0.1:\(metricsPort)/metrics",
            prefixes: ["redis_"]
          )
          let errors = after.filter { $0.name == "redis_command_errors_total" }
          #expect(errors.reduce(0) { $0 + $1.value } > 0, "\(after)")
          #expect(
            errors.allSatisfy { $0.labels.keys.sorted() == ["command", "error"] },
            "\(errors)"
          )
          #expect(
            errors.allSatisfy {
              ["connection_failed", "connection_closed", "timeout", "server_error"].contains(
                $0.labels["error"] ?? ""
              )
            },
            "\(errors)"
          )
          for sample in samples + after {
            #expect(!sample.labels.values.contains { $0.contains("secret-room-name") }, "\(sample)")
            #expect(
              sample.labels["command"].map { $0 == $0.uppercased() || $0 == "pipeline" } ?? true,
              "\(sample)"
            )
          }
        }
      }
    }
  }
}
