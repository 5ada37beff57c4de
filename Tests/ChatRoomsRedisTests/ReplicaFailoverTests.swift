import ChatClient
import Foundation
import GRPCKit
import GRPCTestSupport
import Synchronization
import Testing

extension RedisReplicaTests {
  @Suite("Subscriptions across a lost replica and cut connections")
  struct ReplicaFailoverTests {
    @Test(
      "SDK subscriptions on a replica killed with SIGKILL resume on another replica of their target and receive every acknowledged message once, in order, without a gap"
    )
    func subscriptionsFailOverWhenReplicaIsKilled() async throws {
      let room = "failover"
      try await withRedisServer { redis in
        // The subscriptions' target lists all three replicas, but only A runs when they start:
        // they are all on A. B and C start on their ports afterwards.
        let (portB, portC) = (try await LoopbackPort.unused(), try await LoopbackPort.unused())
        let a = try await ChatServerReplica.start(redisURL: redis.url)
        defer { a.process.kill() }
        try await a.waitForHealth()
        let reader = try ChatClient(target: "ipv4:127.0.0.1:\(a.port),127.0.0.1:\(portB),127.0.0.1:\(portC)")
        defer { reader.close() }
        let subscriptions = (0 ..< 3).map { reader.subscribe(room: room, user: "reader\($0)", backoff: fastRejoin) }
        defer { for subscription in subscriptions { subscription.cancel() } }
        try await a.waitForJoins(subscribers: 3, room: room)

        let b = try await ChatServerReplica.start(redisURL: redis.url, port: portB)
        let c = try await ChatServerReplica.start(redisURL: redis.url, port: portC)
        defer {
          b.process.kill()
          c.process.kill()
        }
        try await b.waitForHealth()
        try await c.waitForHealth()
        let publisher = try ChatClient(target: "ipv4:127.0.0.1:\(portB),127.0.0.1:\(portC)")
        defer { publisher.close() }

        let log = PublishLog()
        let stop = Gate()
        async let publishing: Void = log.publish(with: publisher, to: room, until: stop)
        try await log.wait(forAcknowledged: 100)
        a.process.kill()  // SIGKILL: no GOAWAY, no drain; the connections just break
        #expect(try await a.process.waitForExit(timeout: .seconds(10)) == .signalled(SIGKILL))
        try await log.wait(forAcknowledged: 300)
        stop.open()
        try await publishing

        let acknowledged = log.acknowledged
        #expect(log.failures.isEmpty, "publishing through B and C failed: \(log.failures)")
        let lastID = try #require(acknowledged.last?.id)
        for subscription in subscriptions {
          let events = try await subscription.events(untilID: lastID)
          #expect(events.allSatisfy { $0.gap == nil }, "\(subscription.user) reported a gap: \(events.filter { $0.gap != nil })")
          #expect(events.compactMap(\.id) == acknowledged.map(\.id), "\(subscription.user)")
          #expect(events.compactMap(\.message?.message) == acknowledged.map(\.text), "\(subscription.user)")
        }
      }
    }

    @Test(
      "Through a proxy that cuts every connection every 2 s, an SDK subscription on one replica receives 10,000 messages published on the other exactly once, in order"
    )
    func subscriptionThroughCuttingProxyReceivesEveryMessage() async throws {
      let room = "cuts"
      let count = 10_000
      try await withRedisServer { redis in
        try await withReplicas(2, on: redis) { replicas in
          let proxyProcess = try ExternalProcess.python(
            script: "tcp_proxy.py", arguments: ["--target-port", "\(replicas[0].port)", "--cut-every", "2"])
          try await withExternalProcess(proxyProcess) { proxy in
            let proxyPort = try await proxy.waitForListeningPort()
            let reader = try ChatClient(target: "127.0.0.1:\(proxyPort)")
            let publisher = ChatClient(host: "127.0.0.1", port: replicas[1].port)
            defer {
              reader.close()
              publisher.close()
            }
            let subscription = reader.subscribe(room: room, user: "reader", backoff: fastRejoin)
            defer { subscription.cancel() }
            try await replicas[0].waitForJoins(subscribers: 1, room: room)

            let started = ContinuousClock.now
            async let published = Self.publish(count, to: room, with: publisher)
            let events = try await subscription.events(until: { $0.message?.message == "\(count)" }, timeout: .seconds(240))
            let ids = try await published
            let elapsed = ContinuousClock.now - started

            #expect(events.allSatisfy { $0.gap == nil }, "a gap: \(events.filter { $0.gap != nil })")
            #expect(events.compactMap(\.message?.message) == (1 ... count).map { "\($0)" })
            #expect(events.compactMap(\.id) == ids)
            // The cuts did happen while the subscription was open: one every 2 s.
            let cuts = try await cutsThatClosedConnections(of: proxy)
            #expect(cuts >= 2, "\(cuts) cuts in \(elapsed)")
          }
        }
      }
    }

    /// Publishes `count` messages "1", "2", ... one at a time; returns their ids.
    private static func publish(_ count: Int, to room: String, with client: ChatClient) async throws -> [String] {
      var ids: [String] = []
      ids.reserveCapacity(count)
      for index in 1 ... count {
        ids.append(try await client.publish("\(index)", as: "publisher", room: room, timeout: .seconds(30)).id)
      }
      return ids
    }
  }
}

/// A quick re-join after a lost stream, so that the tests do not wait out gRPC's 1 s backoff.
let fastRejoin = ConnectionBackoff(initial: .milliseconds(100), maximum: .seconds(1))

/// The proxy's `cut` lines so far that closed at least one connection.
func cutsThatClosedConnections(of proxy: ExternalProcess) async throws -> Int {
  var cuts = 0
  while let line = try? await proxy.nextLine(timeout: .milliseconds(300)) {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    if object?["event"] as? String == "cut", (object?["connections"] as? Int ?? 0) > 0 { cuts += 1 }
  }
  return cuts
}
