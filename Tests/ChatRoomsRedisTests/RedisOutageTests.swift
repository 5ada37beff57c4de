import ChatClient
import Foundation
import GRPCKit
import GRPCLocking
import GRPCTestSupport
import Testing

extension RedisReplicaTests {
  @Suite("Replicas across a Redis outage, a Redis that lost its data, and missed announcements")
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
            for watch in watches { try await watch.waitUntilStarted() }
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
            for watch in watches { try await watch.waitUntilStarted() }
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

    @Test(
      "A replica whose pub/sub missed messages its history still holds delivers them to every local member once, in order, and nobody is ended"
    )
    func replicaWithinItsHistoryCatchesUp() async throws {
      let room = "caught-up"
      try await Self.withReplicaBehindProxy(historySize: 1000) { clients, b, missAnnouncements in
        let memberJoined = Gate()
        async let member = Self.member(of: room, with: clients[1], joined: memberJoined, until: "live")
        await memberJoined.wait()
        let subscription = clients[1].subscribe(room: room, user: "reader", backoff: fastRejoin)
        let stream = SubscriptionLog(clients[1], room: room)
        defer {
          subscription.cancel()
          stream.stop()
        }
        try await b.waitForJoins(members: 1, subscribers: 2, room: room)
        var published: [Chat_V1_RoomEvent] = []
        for index in 1 ... 2 { published.append(try await clients[0].publish("before\(index)", as: "ada", room: room, timeout: .seconds(10))) }
        _ = try await subscription.events(untilID: try #require(published.last?.id))
        published += try await missAnnouncements(room)
        published.append(try await clients[0].publish("live", as: "ada", room: room, timeout: .seconds(10)))

        let events = try await subscription.events(untilID: try #require(published.last?.id))
        try await stream.wait(forID: try #require(published.last?.id))
        let memberOutcome = await member

        let texts = published.compactMap(\.message?.message)
        #expect(events.allSatisfy { $0.gap == nil }, "\(events)")
        #expect(events.compactMap(\.id) == published[2...].map(\.id))
        #expect(stream.messages.compactMap(\.id) == published.map(\.id))
        #expect(stream.ending == nil, "the subscription on B ended: \(stream.ending ?? "")")
        #expect(memberOutcome.messages == texts)
        if case .failure(let error) = memberOutcome.result { Issue.record("the ChatStream member on B ended: \(error)") }
      }
    }

    @Test(
      "A replica whose pub/sub fell further behind than the history ends its ChatStream members with RESOURCE_EXHAUSTED, and its SDK subscription resumes with one gap"
    )
    func replicaBehindItsHistoryEndsLocalMembers() async throws {
      let room = "behind"
      try await Self.withReplicaBehindProxy(historySize: 3) { clients, b, missAnnouncements in
        let memberJoined = Gate()
        async let member = Self.member(of: room, with: clients[1], joined: memberJoined)
        await memberJoined.wait()
        let subscription = clients[1].subscribe(room: room, user: "reader", backoff: fastRejoin)
        defer { subscription.cancel() }
        try await b.waitForJoins(members: 1, subscribers: 1, room: room)
        var published: [Chat_V1_RoomEvent] = []
        for index in 1 ... 2 { published.append(try await clients[0].publish("before\(index)", as: "ada", room: room, timeout: .seconds(10))) }
        let before = try await subscription.events(untilID: try #require(published.last?.id))
        published += try await missAnnouncements(room)

        let memberOutcome = await member
        let after = try await subscription.events(untilID: try #require(published.last?.id))
        let live = try await clients[0].publish("live", as: "ada", room: room, timeout: .seconds(10))
        let liveEvents = try await subscription.events(untilID: live.id)

        #expect(before.compactMap(\.message?.message) == ["before1", "before2"])
        guard case .failure(let error as RPCError) = memberOutcome.result else {
          Issue.record("the ChatStream member on B did not end with an error: \(memberOutcome)")
          return
        }
        #expect(error.code == .resourceExhausted, "\(error)")
        #expect(
          error.message == "this server fell 10 messages behind room \"behind\", more than its history of 3 (7 no longer retained); re-subscribe")
        #expect(memberOutcome.messages == ["before1", "before2"])
        try #require(after.count == 4, "\(after)")
        let gap = try #require(after[0].gap, "\(after[0])")
        #expect(gap.reason.code == .outOfRange)
        #expect(gap.lastEventID == published[1].id)
        #expect(gap.oldestRetainedID == published[9].id)
        #expect(after.dropFirst().compactMap(\.id) == published[9...].map(\.id))
        #expect(liveEvents.compactMap(\.id) == [live.id])
      }
    }

    /// Makes ten messages pass replica B's pub/sub: published on A into a room, returned.
    typealias MissAnnouncements = @Sendable (_ room: String) async throws -> [Chat_V1_RoomEvent]

    /// Runs `body` with SDK clients of replicas A and B (`--history-size historySize`), replica
    /// B, which reaches Redis through a `tcp_proxy.py`, and a function that freezes the proxy
    /// (B's pub/sub connection stays up but receives nothing), publishes ten messages on A, then
    /// cuts B's connections and lets it reconnect: B has to read what it missed from the stream.
    private static func withReplicaBehindProxy(
      historySize: Int,
      _ body: ([ChatClient], ChatServerReplica, MissAnnouncements) async throws -> Void
    ) async throws {
      try await withRedisServer { redis in
        let proxyProcess = try ExternalProcess.python(script: "tcp_proxy.py", arguments: ["--target-port", "\(redis.port)"])
        try await withExternalProcess(proxyProcess) { proxy in
          let proxyPort = try await proxy.waitForListeningPort()
          let arguments = ["--history-size", "\(historySize)"]
          let a = try await ChatServerReplica.start(redisURL: redis.url, arguments: arguments)
          defer { a.process.kill() }
          let b = try await ChatServerReplica.start(redisURL: "redis://127.0.0.1:\(proxyPort)", arguments: arguments)
          defer { b.process.kill() }
          try await a.waitForHealth()
          try await b.waitForHealth()
          try await withClients(of: [a, b]) { clients in
            try await body(clients, b) { room in
              try proxy.writeToStandardInput("freeze\n")
              _ = try await proxy.waitForJSONObject { $0["event"] as? String == "frozen" }
              var missed: [Chat_V1_RoomEvent] = []
              for index in 1 ... 10 {
                missed.append(try await clients[0].publish("during\(index)", as: "ada", room: room, timeout: .seconds(10)))
              }
              try proxy.writeToStandardInput("cut\n")
              _ = try await proxy.waitForJSONObject { $0["event"] as? String == "cut" }
              try proxy.writeToStandardInput("thaw\n")
              _ = try await proxy.waitForJSONObject { $0["event"] as? String == "thawed" }
              return missed
            }
          }
        }
      }
    }

    /// What a ChatStream member saw before its call ended, and how it ended.
    private struct MemberOutcome: Sendable {
      var messages: [String]
      var result: Result<Void, any Error>
    }

    /// A ChatStream member of `room` that only listens (its sending side stays open), until its
    /// call ends or the message `last` arrived; opens `joined` once it is in the room.
    private static func member(
      of room: String, with client: ChatClient, joined: Gate, until last: String? = nil
    ) async -> MemberOutcome {
      let messages = Mutex<[String]>([])
      do {
        try await client.withRoom(room, user: "member", timeout: .seconds(120)) { session in
          // A member from the start of the call; the server logs its join.
          joined.open()
          for try await message in session.messages {
            messages.withLock { $0.append(message.message) }
            if message.message == last { return }
          }
        }
        return MemberOutcome(messages: messages.withLock { $0 }, result: .success(()))
      } catch {
        return MemberOutcome(messages: messages.withLock { $0 }, result: .failure(error))
      }
    }
  }
}
