import GRPCKitNGHTTP2
import NIOCore
import Testing

@Suite("NGHTTP2Session flow control and zero-copy output")
struct NGHTTP2SessionFlowControlTests {
  @Test("Large payloads go out without copying and arrive intact, interleaved with small streams")
  func largePayloadsNoCopy() throws {
    let pair = try SessionPair()
    var streams: [Int32] = []
    for _ in 0 ..< 4 {
      let streamID = try pair.startRequest()
      pair.client.endStream(streamID: streamID, trailers: nil)
      streams.append(streamID)
    }
    try pair.pump()
    var expected: [Int32: ByteBuffer] = [:]
    for streamID in streams {
      try pair.server.submitResponse(
        streamID: streamID,
        headers: SessionPair.responseHeaders,
        endStream: false
      )
    }
    let large: [Int32: ByteBuffer] = [
      streams[0]: patternBytes(64 << 10, seed: 1), streams[2]: patternBytes(1 << 20, seed: 2),
    ]
    for round in 0 ..< 3 {
      for streamID in streams {
        var message = large[streamID] ?? patternBytes(100, seed: UInt8(round))
        pair.server.enqueueData(streamID: streamID, message)
        expected[streamID, default: ByteBuffer()].writeBuffer(&message)
      }
    }
    for streamID in streams {
      pair.server.endStream(streamID: streamID, trailers: SessionPair.okTrailers)
    }
    try pair.pump()

    for streamID in streams {
      #expect(receivedData(streamID, in: pair.clientEvents) == expected[streamID])
      #expect(
        pair.clientEvents.contains(
          .headers(
            streamID: streamID,
            fields: SessionPair.okTrailers,
            isTrailers: true,
            endStream: true
          )
        )
      )
    }
    // NO_COPY payloads are their own output buffers: full 16 KiB frames of the large messages.
    #expect(pair.serverOutput.contains { $0.readableBytes == 16384 })
    let dataStreams = frameHeaders(in: pair.serverOutput).filter { $0.type == 0 }.map(\.streamID)
    #expect(Set(dataStreams.prefix(8)).count > 1, "streams interleave")
  }

  @Test("Without consume the sender stops at the initial window and resumes after consume")
  func senderStopsAtWindow() throws {
    var serverSettings = HTTP2SessionSettings()
    serverSettings.initialStreamWindowSize = 65535
    let pair = try SessionPair(server: serverSettings)
    pair.autoConsume = false
    let streamID = try pair.startRequest()
    try pair.pump()
    let payload = patternBytes(200_000)
    pair.client.enqueueData(streamID: streamID, payload)
    try pair.pump()
    var received = receivedData(streamID, in: pair.serverEvents)
    #expect(received.readableBytes == 65535)
    #expect(pair.client.queuedOutboundBytes(streamID: streamID) == 200_000 - 65535)

    for _ in 0 ..< 10 where pair.client.queuedOutboundBytes(streamID: streamID) > 0 {
      let before = pair.serverEvents.count
      pair.server.consumeStream(streamID: streamID, bytes: received.readableBytes)
      pair.server.consumeConnection(bytes: received.readableBytes)
      try pair.pump()
      received = receivedData(streamID, in: Array(pair.serverEvents[before...]))
      #expect(received.readableBytes > 0)
    }
    #expect(pair.client.queuedOutboundBytes(streamID: streamID) == 0)
    #expect(receivedData(streamID, in: pair.serverEvents) == payload)
  }
}
