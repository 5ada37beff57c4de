import Foundation
import GRPCTestSupport
import Testing

/// RoomEvents heartbeats against the committed Nginx L7 config with its one-hour timeouts cut to
/// 3 s: a quiet `Subscribe` (grpcio, through TLS L7 → L4 → chat-server with rooms in Redis)
/// stays open only while heartbeats come more often than Nginx's read timeout.
@Suite("Nginx chain: RoomEvents heartbeats", .serialized, .timeLimit(.minutes(3 * TestSlowdown.factor)))
struct NginxHeartbeatTests {
  /// `nginx-l7.conf`'s inactivity timeouts, cut from an hour to 3 s.
  static let shortTimeouts: [(value: String, replacement: String)] = [
    ("client_body_timeout 3600s", "client_body_timeout 3s"),
    ("grpc_read_timeout 3600s", "grpc_read_timeout 3s"),
    ("grpc_send_timeout 3600s", "grpc_send_timeout 3s"),
  ]

  @Test("An idle Subscribe through Nginx with 3 s timeouts stays open 30 s on 1 s heartbeats, then receives a new message")
  func heartbeatsKeepIdleSubscriptionOpen() async throws {
    try await withRedisServer { redis in
      try await NginxChain.run(
        serverArguments: ["--redis-url", redis.url, "--heartbeat-interval", "1"], l7Replacements: Self.shortTimeouts
      ) { chain in
        try await withExternalProcess(try Self.subscriber(through: chain, room: "idle", count: 1)) { subscriber in
          _ = try await subscriber.waitForJSONObject(timeout: .seconds(30)) { $0["event"] as? String == "subscribed" }
          // 30 s of silence in the room: only heartbeats cross Nginx.
          let quiet = try await Self.events(of: subscriber, for: .seconds(30))
          let published = try await Self.publish("after the quiet", through: chain, room: "idle")
          let received = try await Self.nextMessage(of: subscriber)
          let exit = try await subscriber.waitForExit(timeout: .seconds(30))

          #expect(quiet.allSatisfy { $0 == "heartbeat" }, "\(quiet)")
          // Fewer than one every 3 s would have let Nginx end the stream.
          #expect(quiet.count >= 10, "\(quiet.count) heartbeats in 30 s")
          #expect(received.id == published)
          #expect(received.text == "after the quiet")
          #expect(exit == .exited(0), "\(subscriber.standardErrorText)")
        }
      }
    }
  }

  @Test("Without a heartbeat within Nginx's 3 s read timeout, the same idle Subscribe is cut")
  func idleSubscriptionWithoutHeartbeatsIsCut() async throws {
    try await withRedisServer { redis in
      try await NginxChain.run(
        serverArguments: ["--redis-url", redis.url, "--heartbeat-interval", "60"], l7Replacements: Self.shortTimeouts
      ) { chain in
        try await withExternalProcess(try Self.subscriber(through: chain, room: "idle", count: 1)) { subscriber in
          _ = try await subscriber.waitForJSONObject(timeout: .seconds(30)) { $0["event"] as? String == "subscribed" }
          let subscribed = ContinuousClock.now
          let end = try await subscriber.waitForJSONObject(timeout: .seconds(30)) { $0["event"] as? String == "end" }
          let (status, details) = (end["status"] as? String ?? "", end["details"] as? String ?? "")
          let after = ContinuousClock.now - subscribed

          #expect(status != "OK", "\(status): \(details)")
          #expect(after >= .seconds(2) && after < .seconds(20), "cut after \(after): \(status): \(details)")
        }
      }
    }
  }

  /// `room_events_client.py subscribe` through the chain's TLS address.
  private static func subscriber(through chain: NginxChain, room: String, count: Int) throws -> ExternalProcess {
    _ = try RequiredTool.python3.path()
    return try ExternalProcess.python(
      script: "room_events_client.py",
      arguments: [
        "subscribe", "--target", chain.address, "--tls-ca", chain.certificate, "--room", room,
        "--count", "\(count)", "--timeout", "120",
      ])
  }

  /// Publishes `text` into `room` through the chain; returns the stored message's id.
  private static func publish(_ text: String, through chain: NginxChain, room: String) async throws -> String {
    try await withExternalProcess(
      try ExternalProcess.python(
        script: "room_events_client.py",
        arguments: ["publish", "--target", chain.address, "--tls-ca", chain.certificate, "--room", room, "--user", "ada", text])
    ) { publisher in
      let line = try await publisher.waitForJSONObject(timeout: .seconds(30))
      guard let id = line["id"] as? String else { throw DeploymentTestError("publish through Nginx failed: \(line)") }
      return id
    }
  }

  /// The `event` of each line `process` prints during `duration`.
  private static func events(of process: ExternalProcess, for duration: Duration) async throws -> [String] {
    let deadline = ContinuousClock.now + duration
    var events: [String] = []
    while ContinuousClock.now < deadline {
      do {
        let line = try await process.waitForJSONObject(timeout: deadline - ContinuousClock.now)
        events.append(line["event"] as? String ?? "message \(line["id"] ?? "")")
      } catch {
        guard error.code == .timedOut else { throw error }
      }
    }
    return events
  }

  /// The next message line of a subscriber (failing on an end line instead).
  private static func nextMessage(of process: ExternalProcess) async throws -> (id: String, text: String) {
    let line = try await process.waitForJSONObject(timeout: .seconds(30)) { $0["id"] != nil || $0["event"] as? String == "end" }
    guard let id = line["id"] as? String, let text = line["message"] as? String else {
      throw DeploymentTestError("the subscription ended instead of receiving the message: \(line)")
    }
    return (id, text)
  }
}
