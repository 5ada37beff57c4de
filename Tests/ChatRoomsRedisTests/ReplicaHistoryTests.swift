import ChatClient
import GRPCKit
import GRPCTestSupport
import Testing

extension RedisReplicaTests {
  @Suite("Retention across replicas")
  struct ReplicaHistoryTests {
    @Test(
      "With --history-size 5, ids published on one replica resume on another: older than the history is OUT_OF_RANGE naming the oldest retained id, \"0\" replays exactly the last five"
    )
    func retentionIsSharedAcrossReplicas() async throws {
      let room = "retained"
      try await withRedisServer { redis in
        try await withReplicas(2, on: redis, arguments: ["--history-size", "5"]) { replicas in
          try await withClients(of: replicas) { clients in
            var published: [Chat_V1_RoomEvent] = []
            for index in 1 ... 8 {
              published.append(try await clients[0].publish("m\(index)", as: "ada", room: room, timeout: .seconds(10)))
            }
            let error = await #expect(throws: RPCError.self) {
              _ = try await subscribe(clients[1], to: room, after: published[0].id, count: 1, timeout: .seconds(30))
            }
            let replayed = try await subscribe(clients[1], to: room, after: "0", count: 5, timeout: .seconds(30))

            #expect(error?.code == .outOfRange)
            #expect(error?.metadata.first("chat-oldest-id") == published[3].id)
            #expect(error?.message.contains("the oldest id room \"\(room)\" retains is \(published[3].id)") == true, "\(error?.message ?? "")")
            #expect(replayed.compactMap(\.id) == published[3...].map(\.id))
            #expect(replayed.map(\.text) == (4 ... 8).map { "m\($0)" })
          }
        }
      }
    }
  }
}
