import ChatAPI
import ChatService
import GRPCKit
import Testing

@Suite("ChatRoomService.takeOpenCallPeak")
struct OpenCallPeakTests {
  @Test("The peak counts calls that opened and ended since the last take, then starts again from the calls open")
  func peakSinceLastTake() async throws {
    try await RoomBackendFixture.inProcess.withServer { server in
      #expect(server.service.takeOpenCallPeak() == (0, 0))
      try await server.subscribe("peak") { outer in
        var outerEvents = outer.makeAsyncIterator()
        _ = try await outerEvents.nextMessage()
        try await server.subscribe("peak") { inner in
          var innerEvents = inner.makeAsyncIterator()
          _ = try await innerEvents.nextMessage()
          try await server.waitForOpenCalls(2)
        }
        try await server.waitForOpenCalls(1)
        #expect(server.service.takeOpenCallPeak() == (2, 1))
        #expect(server.service.takeOpenCallPeak() == (1, 1))
      }
      try await server.waitForOpenCalls(0)
      #expect(server.service.takeOpenCallPeak() == (1, 0))
      #expect(server.service.takeOpenCallPeak() == (0, 0))
    }
  }
}
