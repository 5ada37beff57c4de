import GRPCKitNGHTTP2
import NIOCore
import Testing

@Suite("NGHTTP2Session PING and GOAWAY")
struct NGHTTP2SessionLifecycleTests {
  @Test("A PING arrives with its opaque data, and its ACK returns the same data")
  func pingAndAck() throws {
    let pair = try SessionPair()
    try pair.pump()
    pair.client.submitPing(data: 0x0102_0304_0506_0708)
    try pair.pump()
    #expect(pair.serverEvents.contains(.ping(data: 0x0102_0304_0506_0708, ack: false)))
    #expect(pair.clientEvents.contains(.ping(data: 0x0102_0304_0506_0708, ack: true)))
  }

  @Test(
    "The shutdown notice is a GOAWAY with last stream id 2^31-1; a stream crossing it is served"
  )
  func shutdownNoticeServesCrossingStream() throws {
    let pair = try SessionPair()
    try pair.pump()
    // The notice and a new request cross on the wire.
    pair.server.submitShutdownNotice()
    let streamID = try pair.startRequest()
    try pair.pump()
    #expect(
      pair.clientEvents.contains(.goAway(lastStreamID: Int32.max, errorCode: .noError, debugData: ""))
    )
    #expect(
      pair.serverEvents.contains {
        if case .headers(streamID, _, false, _) = $0 { true } else { false }
      }
    )
    #expect(
      !pair.clientEvents.contains {
        if case .streamClosed(streamID, _) = $0 { true } else { false }
      }
    )
  }

  @Test("The PING of a shutdown notice goes on the wire after the GOAWAY")
  func shutdownNoticePingFollowsGoAway() throws {
    let pair = try SessionPair()
    try pair.pump()
    pair.server.submitShutdownNotice(pingData: 42)
    try pair.pump()
    let types = frameHeaders(in: pair.serverOutput).map(\.type).filter { $0 == 7 || $0 == 6 }
    #expect(types.prefix(2) == [7, 6])  // GOAWAY, then PING
    #expect(
      pair.clientEvents == [
        .goAway(lastStreamID: Int32.max, errorCode: .noError, debugData: ""), .ping(data: 42, ack: false),
      ]
    )
  }

  @Test("The final GOAWAY names the last processed stream; a later stream is refused")
  func finalGoAwayNamesLastStream() throws {
    let pair = try SessionPair()
    let first = try pair.startRequest()
    try pair.pump()
    pair.server.submitShutdownNotice()
    pair.server.submitGoAway(lastStreamID: nil, errorCode: .noError, debugData: "server_shutdown")
    let second = try pair.startRequest()
    try pair.pump()
    #expect(pair.server.lastProcessedStreamID == first)
    #expect(
      pair.clientEvents.contains(
        .goAway(lastStreamID: first, errorCode: .noError, debugData: "server_shutdown")
      )
    )
    #expect(pair.clientEvents.contains(.streamClosed(streamID: second, errorCode: .refusedStream)))
  }

  @Test("GOAWAY ENHANCE_YOUR_CALM carries its debug data")
  func enhanceYourCalm() throws {
    let pair = try SessionPair()
    try pair.pump()
    pair.server.submitGoAway(lastStreamID: nil, errorCode: .enhanceYourCalm, debugData: "too_many_pings")
    try pair.pump()
    #expect(
      pair.clientEvents.contains(
        .goAway(lastStreamID: 0, errorCode: .enhanceYourCalm, debugData: "too_many_pings")
      )
    )
  }

  @Test("Sending headers or data is reported once")
  func sentHeadersOrData() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    try pair.pump()
    _ = pair.server.takeSentHeadersOrData()
    pair.server.submitPing()
    try pair.pump()
    #expect(!pair.server.takeSentHeadersOrData())
    try pair.server.submitResponse(
      streamID: streamID,
      headers: SessionPair.responseHeaders,
      endStream: false
    )
    try pair.pump()
    #expect(pair.server.takeSentHeadersOrData())
    #expect(!pair.server.takeSentHeadersOrData())
  }
}
