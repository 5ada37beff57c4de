import ChatAPI
import ChatService
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Testing

import struct Synchronization.Atomic

@Suite("Slow consumers")
struct SlowConsumerTests {
  /// Messages the flooder sends: far more than the slow member's HTTP/2 window, the server's
  /// outbound watermark and its queue bound hold together (about 340 of these). The bound is 256;
  /// the flooder never gets more than ``observerLag`` ahead of the reading observer, whose reader
  /// a loaded machine (a sanitizer run) can starve while the flooder's echoes keep coming.
  static let floodCount = 1500
  static let observerLag = 100
  static let text = String(repeating: "x", count: 1000)

  @Test(
    "A member that never reads is ended with RESOURCE_EXHAUSTED while the others keep receiving"
  )
  func slowConsumerIsEnded() async throws {
    var transport = NGHTTP2ServerConfiguration()
    transport.outboundHighWatermark = 16 << 10
    transport.outboundLowWatermark = 4 << 10
    var slowClient = NGHTTP2ClientConfiguration()
    slowClient.streamWindowSize = 64 << 10

    try await withChatServer(
      configuration: makeConfiguration(maximumQueuedMessages: 256),
      transport: transport
    ) {
      port,
      _ in
      try await withChatClient(port: port) { flooder in
        try await withChatClient(port: port) { observer in
          try await withChatClient(port: port, configuration: slowClient) { slow in
            try await Self.run(flooder: flooder, observer: observer, slow: slow)
          }
        }
      }
    }
  }

  private static func run(flooder: ChatClient, observer: ChatClient, slow: ChatClient) async throws
  {
    let flooderJoined = Signal()
    let observerJoined = Signal()
    let floodDone = Signal()
    let observerProgress = FloodProgress()
    async let echoes = Self.flood(
      flooder, announcing: flooderJoined, then: floodDone, pacedBy: observerProgress)
    async let observed = Self.observe(
      observer, after: flooderJoined, announcing: observerJoined, counting: observerProgress)
    let slowError: RPCError? = try await slow.chatStream(options: joining("flood")) {
      writer,
      responses in
      await observerJoined.wait()
      try await writer.write(ChatMessage(user: "slow", message: "join"))
      await floodDone.wait()
      do {
        for try await _ in responses {}
        return nil
      } catch let error as RPCError {
        return error
      }
    }
    let (echoCount, observedCount) = try await (echoes, observed)
    #expect(echoCount == Self.floodCount)
    #expect(observedCount == Self.floodCount)
    #expect(slowError?.code == .resourceExhausted)
    #expect(slowError?.message.hasPrefix("slow consumer") == true)
  }

  /// Joins first, waits until the observer's and the slow member's joins arrive, then sends
  /// `floodCount` messages one at a time, each after the previous echo, staying within
  /// ``observerLag`` of the observer's `progress` (for 30 s at most each time).
  private static func flood(
    _ client: ChatClient,
    announcing joined: Signal,
    then done: Signal,
    pacedBy progress: FloodProgress
  ) async throws -> Int {
    try await client.chatStream(options: joining("flood")) { writer, responses in
      // Fired however the flood ends: the others wait on these signals, and a flood that failed
      // (a deadline on a loaded machine) must fail the test, not leave them waiting forever.
      defer {
        joined.fire()
        done.fire()
      }
      var iterator = responses.makeAsyncIterator()
      try await writer.write(ChatMessage(user: "flooder", message: "join"))
      _ = try await iterator.nextMessage()
      joined.fire()
      let observerJoin = try await iterator.nextMessage()
      let slowJoin = try await iterator.nextMessage()
      #expect([observerJoin.user, slowJoin.user] == ["observer", "slow"])
      var echoes = 0
      for sent in 0 ..< Self.floodCount {
        let patience = ContinuousClock.now + .seconds(30).slowed
        while progress.observed.load(ordering: .relaxed) < sent - Self.observerLag, ContinuousClock.now < patience {
          try await Task.sleep(for: .milliseconds(5))
        }
        try await writer.write(ChatMessage(user: "flooder", message: Self.text))
        if try await iterator.nextMessage().message == Self.text { echoes += 1 }
      }
      done.fire()
      return echoes
    }
  }

  /// Joins after the flooder, announces it, and counts flood messages until it has them all.
  private static func observe(
    _ client: ChatClient,
    after flooderJoined: Signal,
    announcing joined: Signal,
    counting progress: FloodProgress
  )
    async throws -> Int
  {
    await flooderJoined.wait()
    return try await client.chatStream(options: joining("flood")) { writer, responses in
      defer { joined.fire() }  // however the observer ends, the slow member stops waiting for it
      var iterator = responses.makeAsyncIterator()
      try await writer.write(ChatMessage(user: "observer", message: "join"))
      _ = try await iterator.nextMessage()
      joined.fire()
      var observed = 0
      while observed < Self.floodCount {
        if try await iterator.nextMessage().message == Self.text {
          observed += 1
          progress.observed.store(observed, ordering: .relaxed)
        }
      }
      return observed
    }
  }
}

/// How many flood messages the observer has counted, for the flooder's pace.
final class FloodProgress: Sendable {
  let observed = Atomic<Int>(0)
}
