import ChatClient
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

extension RedisReplicaTests {
  @Suite("Replicas across a Redis outage and a Redis that lost its data")
  struct RedisOutageTests {
    @Test(
      "Redis stopped and restarted with its AOF: sends fail with UNAVAILABLE naming Redis meanwhile, health follows, and every acknowledged message reaches open subscribers on both replicas once, in order"
    )
    func subscribersOutlastRedisRestart() async throws {
      let room = "outage"
      try await withRedisServer(arguments: ["--appendonly", "yes", "--appendfsync", "always"]) { redis in
        try await withReplicas(2, on: redis) { replicas in
          try await withClients(of: replicas) { clients in
            let watches = replicas.flatMap { [HealthWatch("ChatService", on: $0), HealthWatch("", on: $0)] }
            let subscriptions = clients.map { SubscriptionLog($0, room: room) }
            defer {
              for watch in watches { watch.stop() }
              for subscription in subscriptions { subscription.stop() }
            }
            for subscription in subscriptions { try await subscription.waitUntilJoined() }
            let log = PublishLog()
            let stop = Gate()
            async let publishing: Void = log.publish(with: clients[0], to: room, pause: .milliseconds(10), until: stop)

            try await log.wait(forAcknowledged: 30)
            await redis.stop()
            try await log.wait(forFailures: 5)
            for watch in watches where watch.service == "ChatService" {
              try await watch.wait(for: "NOT_SERVING") { $0.contains(.notServing) }
            }
            let acknowledgedBeforeRestart = log.acknowledged.count
            try await redis.restart()
            for watch in watches where watch.service == "ChatService" {
              try await watch.wait(for: "SERVING again") { $0.last == .serving && $0.filter { $0 == .serving }.count >= 2 }
            }
            try await log.wait(forAcknowledged: acknowledgedBeforeRestart + 30)
            stop.open()
            try await publishing

            let acknowledged = log.acknowledged
            let failures = log.failures
            #expect(!failures.isEmpty && acknowledged.count >= 60)
            for failure in failures {
              #expect(failure.error.code == .unavailable, "\(failure.error)")
              #expect(failure.error.message.contains(redis.address), "\(failure.error)")
            }
            for watch in watches where watch.service == "ChatService" {
              #expect(watch.reported == [.serving, .notServing, .serving], "\(watch.reported)")
            }
            for watch in watches where watch.service == "" {
              #expect(watch.reported == [.serving], "\(watch.reported)")
            }
            let acknowledgedTexts = Set(acknowledged.map(\.text))
            for subscription in subscriptions {
              try await subscription.wait(forID: try #require(acknowledged.last?.id))
              #expect(subscription.ending == nil, "a subscription did not stay open: \(subscription.ending ?? "")")
              let messages = subscription.messages
              #expect(try strictlyIncreasing(messages.compactMap(\.id)))
              #expect(Set(messages.map(\.text)).count == messages.count, "a message arrived twice")
              let received = messages.filter { acknowledgedTexts.contains($0.text) }
              #expect(received.map(\.text) == acknowledged.map(\.text))
              #expect(received.compactMap(\.id) == acknowledged.map(\.id))
              // Whatever else arrived was sent but not acknowledged (stored as Redis went down).
              #expect(Set(messages.map(\.text)).subtracting(acknowledgedTexts).isSubset(of: Set(failures.map(\.text))))
            }
          }
        }
      }
    }

    @Test(
      "Redis restarted empty: the new epoch's ids compare greater than every earlier id, and an SDK subscription that kept an old id yields one gap and continues with the new messages"
    )
    func redisRestartedEmptyStartsLaterEpoch() async throws {
      let room = "epochs"
      try await withRedisServer { redis in
        try await withReplicas(2, on: redis) { replicas in
          try await withClients(of: replicas) { clients in
            let subscription = clients[1].subscribe(room: room, user: "reader", backoff: fastRejoin)
            defer { subscription.cancel() }
            try await replicas[1].waitForJoins(subscribers: 1, room: room)
            var old: [Chat_V1_RoomEvent] = []
            for index in 1 ... 5 { old.append(try await clients[0].publish("old\(index)", as: "ada", room: room, timeout: .seconds(10))) }
            let before = try await subscription.events(untilID: try #require(old.last?.id))

            let watches = replicas.map { HealthWatch("ChatService", on: $0) }
            defer { for watch in watches { watch.stop() } }
            try await redis.restart()  // no persistence: it comes back empty
            for watch in watches {
              try await watch.wait(for: "NOT_SERVING, then SERVING") { $0.contains(.notServing) && $0.last == .serving }
            }
            var new: [Chat_V1_RoomEvent] = []
            for index in 1 ... 5 { new.append(try await clients[0].publish("new\(index)", as: "ada", room: room, timeout: .seconds(10))) }
            let after = try await subscription.events(untilID: try #require(new.last?.id))

            #expect(before.compactMap(\.id) == old.map(\.id))
            let (oldIDs, newIDs) = (try old.map { try EventID($0.id) }, try new.map { try EventID($0.id) })
            #expect(Set(newIDs.map(\.epoch)).count == 1)
            #expect(newIDs.map(\.sequence) == Array(1 ... 5))
            #expect(newIDs.allSatisfy { new in oldIDs.allSatisfy { $0.epoch < new.epoch && $0 < new } })
            try #require(after.count == 6, "\(after)")
            let gap = try #require(after[0].gap, "\(after[0])")
            #expect(gap.reason.code == .outOfRange)
            #expect(gap.lastEventID == old.last?.id)
            #expect(after.dropFirst().compactMap(\.id) == new.map(\.id))
            #expect(after.dropFirst().compactMap(\.message?.message) == (1 ... 5).map { "new\($0)" })
          }
        }
      }
    }
  }
}
