import ChatClient
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

extension RedisReplicaTests {
  @Suite("One room on three replicas")
  struct ReplicaDeliveryTests {
    static let perSender = 100
    static let total = 3 * perSender

    @Test(
      "Members on three replicas (ChatStream and Subscribe) see one identical sequence of 300 messages from a concurrent sender on each replica"
    )
    func membersOnThreeReplicasSeeOneSequence() async throws {
      let room = "crowd"
      try await withRedisServer { redis in
        try await withReplicas(3, on: redis) { replicas in
          try await withClients(of: replicas) { clients in
            let start = Gate()
            let (seen, published) = try await withThrowingTaskGroup(of: Outcome.self) { group in
              for index in 0 ..< 3 {
                group.addTask { .seen(try await subscribe(clients[index], to: room, count: Self.total)) }
                group.addTask {
                  // Members 0 and 1 also send, on ChatStream; replica 2's sender publishes.
                  .seen(try await Self.member(index, with: clients[index], of: room, sending: index < 2, after: start))
                }
              }
              group.addTask { .published(try await Self.publish(with: clients[2], to: room, after: start)) }
              for replica in replicas { try await replica.waitForJoins(members: 1, subscribers: 1, room: room) }
              start.open()
              var seen: [[SeenMessage]] = []
              var published: [Chat_V1_RoomEvent] = []
              for try await outcome in group {
                switch outcome {
                case .seen(let messages): seen.append(messages)
                case .published(let events): published = events
                }
              }
              return (seen, published)
            }

            try #require(seen.count == 6)
            let sequence = seen[0].map { "\($0.user):\($0.text)" }
            #expect(sequence.count == Self.total)
            #expect(Set(sequence).count == Self.total, "a message arrived twice")
            for messages in seen { #expect(messages.map { "\($0.user):\($0.text)" } == sequence) }
            for sender in ["member0", "member1", "publisher"] {
              #expect(sequence.filter { $0.hasPrefix("\(sender):") } == (1 ... Self.perSender).map { "\(sender):\($0)" })
            }
            let subscribers = seen.filter { $0.first?.id != nil }
            #expect(subscribers.count == 3)
            for messages in subscribers {
              let ids = messages.compactMap(\.id)
              #expect(try strictlyIncreasing(ids))
              #expect(ids == subscribers[0].compactMap(\.id))
              // Each Publish reply named the id the subscribers received the message under.
              let idByText = Dictionary(messages.map { ("\($0.user):\($0.text)", $0.id) }) { first, _ in first }
              #expect(published.allSatisfy { idByText["publisher:\($0.message?.message ?? "")"] == $0.id })
            }
          }
        }
      }
    }

    @Test("grpcio subscribers on three replicas each receive exactly the acknowledged messages, in one sequence")
    func grpcioSubscribersOnThreeReplicasSeeAcknowledgedSequence() async throws {
      let room = "grpcio"
      try await withRedisServer { redis in
        try await withReplicas(3, on: redis) { replicas in
          try await withClients(of: replicas) { clients in
            let python = try ExternalProcess.python(
              script: "room_events_client.py",
              arguments: ["subscribe", "--room", room, "--count", "\(Self.total)", "--timeout", "180"]
                + replicas.flatMap { ["--target", $0.address] })
            try await withExternalProcess(python) { python in
              // The first heartbeat of each subscription: all three are in the room.
              for _ in 0 ..< 3 {
                _ = try await python.waitForJSONObject(timeout: .seconds(60)) { $0["event"] as? String == "subscribed" }
              }
              let acknowledged = try await withThrowingTaskGroup(of: [SeenMessage].self) { group in
                for index in 0 ..< 2 { group.addTask { try await Self.send(as: "member\(index)", with: clients[index], to: room) } }
                group.addTask {
                  try await Self.publish(with: clients[2], to: room, after: nil).map {
                    SeenMessage(id: $0.id, user: $0.message?.user ?? "", text: $0.message?.message ?? "")
                  }
                }
                var acknowledged: [SeenMessage] = []
                for try await messages in group { acknowledged += messages }
                return acknowledged
              }
              var received: [String: [SeenMessage]] = [:]
              while received.values.map(\.count).reduce(0, +) < 3 * Self.total {
                let line = try await python.waitForJSONObject(timeout: .seconds(120)) { line in
                  line["id"] != nil || (line["event"] as? String == "end" && line["status"] as? String != "OK")
                }
                let target = line["target"] as? String ?? ""
                guard let id = line["id"] as? String else {
                  Issue.record("the subscription on \(target) failed: \(line)")
                  return
                }
                received[target, default: []].append(
                  SeenMessage(id: id, user: line["user"] as? String ?? "", text: line["message"] as? String ?? ""))
              }
              #expect(try await python.waitForExit(timeout: .seconds(30)) == .exited(0), "\(python.standardErrorText)")

              #expect(Set(received.keys) == Set(replicas.map(\.address)))
              let sequences = Array(received.values)
              let expected = Set(acknowledged.map { "\($0.user):\($0.text)" })
              #expect(expected.count == Self.total)
              for sequence in sequences {
                #expect(sequence == sequences[0])
                #expect(Set(sequence.map { "\($0.user):\($0.text)" }) == expected)
                #expect(try strictlyIncreasing(sequence.compactMap(\.id)))
              }
              // Publish acknowledgements carry the ids grpcio received.
              let published = acknowledged.filter { $0.id != nil }
              #expect(published.count == Self.perSender)
              #expect(published.allSatisfy { sequences[0].contains($0) })
            }
          }
        }
      }
    }

    private enum Outcome: Sendable {
      case seen([SeenMessage])
      case published([Chat_V1_RoomEvent])
    }

    /// ChatStream member `index` of `room` (user `member<index>`): reads every message of the
    /// test; when `sending`, sends `1` ... `perSender` once `start` opens.
    private static func member(
      _ index: Int, with client: ChatClient, of room: String, sending: Bool, after start: Gate
    ) async throws -> [SeenMessage] {
      try await client.withRoom(room, user: "member\(index)", timeout: .seconds(180)) { session in
        try await withThrowingTaskGroup(of: [SeenMessage]?.self) { group in
          group.addTask {
            var seen: [SeenMessage] = []
            for try await message in session.messages {
              seen.append(SeenMessage(user: message.user, text: message.message))
              if seen.count == Self.total { break }
            }
            return seen
          }
          if sending {
            group.addTask {
              await start.wait()
              for index in 1 ... Self.perSender { try await session.send("\(index)") }
              return nil
            }
          }
          var seen: [SeenMessage] = []
          for try await result in group { if let result { seen = result } }
          return seen
        }
      }
    }

    /// Publishes `1` ... `perSender` as `publisher` once `start` opens (at once without one);
    /// returns the replies.
    private static func publish(with client: ChatClient, to room: String, after start: Gate?) async throws
      -> [Chat_V1_RoomEvent]
    {
      await start?.wait()
      var replies: [Chat_V1_RoomEvent] = []
      for index in 1 ... Self.perSender {
        replies.append(try await client.publish("\(index)", as: "publisher", room: room, timeout: .seconds(30)))
      }
      return replies
    }

    /// Sends `1` ... `perSender` as `user` on ChatStream, leaves, and returns the echoes of its
    /// own messages (the acknowledgements) among everything the room delivered until the end.
    private static func send(as user: String, with client: ChatClient, to room: String) async throws -> [SeenMessage] {
      try await client.withRoom(room, user: user, timeout: .seconds(180)) { session in
        for index in 1 ... Self.perSender { try await session.send("\(index)") }
        session.leave()
        var echoes: [SeenMessage] = []
        for try await message in session.messages where message.user == user {
          echoes.append(SeenMessage(user: user, text: message.message))
        }
        return echoes
      }
    }
  }
}
