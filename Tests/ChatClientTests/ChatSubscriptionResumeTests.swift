import ChatClient
import ChatService
import Foundation
import GRPCKit
import GRPCTestSupport
import Testing

@Suite("ChatClient subscription resumes from its last id", .timeLimit(.minutes(3 * TestSlowdown.factor)))
struct ChatSubscriptionResumeTests {
  @Test("Through a proxy that cuts every connection every 0.5 s, a subscription yields 2,000 messages exactly once, in order, with no gap")
  func resumesAcrossCutConnections() async throws {
    let count = 2000
    var configuration = ChatServiceConfiguration()
    configuration.historySize = 5000  // covers the time away: the point is that nothing is lost then
    try await withTestServer(services: chatServices(configuration)) { port in
      // Cuts every 0.5 s; in a sanitizer run, as much slower as everything else, so a resume
      // still has the time to get somewhere between two cuts.
      let cutEvery = 0.5 * Double(TestSlowdown.factor)
      let proxyProcess = try ExternalProcess.python(
        script: "tcp_proxy.py", arguments: ["--target-port", "\(port)", "--cut-every", "\(cutEvery)"])
      try await withExternalProcess(proxyProcess) { proxy in
        let proxyPort = try await proxy.waitForListeningPort()
        let reader = try ChatClient(target: "127.0.0.1:\(proxyPort)")
        let publisher = ChatClient(host: "127.0.0.1", port: port)
        defer {
          reader.close()
          publisher.close()
        }
        let subscription = reader.subscribe(room: "cuts", user: "reader", after: "0", backoff: fastRejoin)
        defer { subscription.cancel() }
        async let published = Self.publish(count, to: "cuts", with: publisher)
        var events: [ChatRoomEvent] = []
        for try await event in subscription {
          events.append(event)
          if events.count == count { break }
        }
        let ids = try await published
        #expect(events.compactMap(\.message?.message) == (1 ... count).map { "\($0)" })
        #expect(events.compactMap(\.id) == ids)
        #expect(events.allSatisfy { $0.message != nil }, "a gap: \(events.first { $0.message == nil }.map { "\($0)" } ?? "")")
        // The cuts did happen while the subscription was open.
        #expect(try await Self.cutsThatClosedConnections(of: proxy) >= 3)
      }
    }
  }

  /// Publishes `count` messages "1", "2", ... one at a time, pausing after every 100, so that
  /// publishing spans several cuts; returns their ids.
  private static func publish(_ count: Int, to room: String, with client: ChatClient) async throws -> [String] {
    var ids: [String] = []
    for index in 1 ... count {
      ids.append(try await client.publish("\(index)", as: "publisher", room: room, timeout: .seconds(10).slowed).id)
      if index % 100 == 0 { try await Task.sleep(for: .milliseconds(150)) }
    }
    return ids
  }

  /// The proxy's `cut` lines so far that closed at least one connection.
  private static func cutsThatClosedConnections(of proxy: ExternalProcess) async throws -> Int {
    var cuts = 0
    while let line = try? await proxy.nextLine(timeout: .milliseconds(300)) {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      if object?["event"] as? String == "cut", (object?["connections"] as? Int ?? 0) > 0 { cuts += 1 }
    }
    return cuts
  }

  @Test("subscribe(after:) with a saved id continues right after it, then yields live messages")
  func continuesAfterSavedID() async throws {
    try await withChatServer { port in
      try await withClient(port: port) { client in
        var ids: [String] = []
        for index in 1 ... 5 { ids.append(try await client.publish("m\(index)", as: "ada", room: "saved").id) }
        let subscription = client.subscribe(room: "saved", user: "ada", after: ids[1])
        defer { subscription.cancel() }
        var events = subscription.makeAsyncIterator()
        var resumed: [ChatRoomEvent] = []
        for _ in 0 ..< 3 { resumed.append(try await events.nextEvent()) }
        let live = try await client.publish("live", as: "ada", room: "saved")
        let liveEvent = try await events.nextEvent()
        #expect(resumed.compactMap(\.message?.message) == ["m3", "m4", "m5"])
        #expect(resumed.compactMap(\.id) == Array(ids[2...]))
        #expect(liveEvent == .message(live.message!, id: live.id))
      }
    }
  }

  @Test("Heartbeats are never yielded")
  func heartbeatsAreNotYielded() async throws {
    var configuration = ChatServiceConfiguration()
    configuration.heartbeatInterval = .milliseconds(50)
    try await withTestServer(services: chatServices(configuration)) { port in
      try await withClient(port: port) { client in
        let subscription = client.subscribe(room: "quiet", user: "ada")
        defer { subscription.cancel() }
        var events = subscription.makeAsyncIterator()
        // A raw subscription beside it counts the heartbeats the server sends meanwhile.
        let heartbeats = try await client.roomEvents.subscribe(Chat_V1_SubscribeRequest(room: "quiet")) { responses in
          var count = 0
          for try await event in responses where event.id.isEmpty && event.message == nil {
            count += 1
            if count == 6 { break }
          }
          return count
        }
        let sent = try await subscription.send("after the quiet")
        let first = try await events.nextEvent()
        #expect(heartbeats == 6)
        #expect(first.id == sent)
        #expect(first.message?.message == "after the quiet")
      }
    }
  }
}
