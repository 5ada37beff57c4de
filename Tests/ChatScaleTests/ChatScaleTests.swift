import Glibc
import Testing

@testable import chat_scale

@Suite("chat-scale: room layout and figures")
struct ChatScaleTests {
  @Test("Large rooms fill first, the rest go in small rooms, one sender per room")
  func layoutFillsLargeRoomsFirst() {
    let layout = RoomLayout(
      streams: 10_000,
      connections: 100,
      bigRooms: 4,
      bigRoomSize: 1_000,
      roomSize: 10
    )
    #expect(layout.members.count == 10_000)
    #expect(layout.roomCount == 604)
    #expect(layout.largestRoom == 1_000)
    #expect(layout.members.count { $0.isSender } == 604)
    #expect(layout.members.count { $0.room == "scale-big-3" } == 1_000)
    #expect(layout.members.count { $0.room == "scale-603" } == 10)
  }

  @Test("Members spread over every connection, so a room spans many")
  func layoutSpreadsConnections() {
    let layout = RoomLayout(
      streams: 1_000,
      connections: 100,
      bigRooms: 1,
      bigRoomSize: 500,
      roomSize: 10
    )
    let perConnection = Dictionary(grouping: layout.members, by: \.connection).mapValues(\.count)
    #expect(perConnection.count == 100)
    #expect(perConnection.values.allSatisfy { $0 == 10 })
    #expect(Set(layout.members.prefix(500).map(\.connection)).count == 100)
  }

  @Test("A last room smaller than the room size keeps what is left")
  func layoutShortLastRoom() {
    let layout = RoomLayout(streams: 25, connections: 3, bigRooms: 0, bigRoomSize: 1, roomSize: 10)
    #expect(layout.roomCount == 3)
    #expect(layout.members.count { $0.room == "scale-2" } == 5)
  }

  @Test("Quantiles are nearest-rank over sorted values")
  func quantiles() {
    let values: [UInt64] = Array(1 ... 100)
    #expect(Figures.quantile(0.50, of: values) == 50)
    #expect(Figures.quantile(0.99, of: values) == 99)
    #expect(Figures.quantile(1.0, of: values) == 100)
    #expect(Figures.quantile(0.5, of: []) == 0)
  }

  @Test(
    "Churn memory is flat within 5% and grows beyond it",
    arguments: [(0, true), (4_096, false)]
  )
  func churnVerdict(growthPerSecond: Int, flat: Bool) {
    let samples = (1 ... 60).map { second in
      ChurnReport.Sample(
        second: second,
        memory: ServerMemory.Sample(resident: 40_960 + growthPerSecond * second, anonymous: 0),
        completed: second * 1_000
      )
    }
    let report = ChurnReport(
      server: "test",
      rate: 1_000,
      duration: 60,
      connections: 60_000,
      failures: 0,
      firstFailures: [],
      elapsed: 60_000_000_000,
      before: samples[0].memory,
      samples: samples,
      churnSeconds: 60,
      after: samples[59].memory
    )
    #expect(report.isFlat == flat)
    #expect(abs(report.slope - Double(growthPerSecond)) < 0.001)
  }

  @Test("The server's memory is read from /proc, and a missing process reads as nil")
  func serverMemory() {
    let own = ServerMemory(pid: getpid()).sample()
    #expect((own?.resident ?? 0) > 0)
    #expect(ServerMemory(pid: Int32.max).sample() == nil)
  }
}
