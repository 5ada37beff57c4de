import GRPCKitNGHTTP2
import NIOCore
import Testing

@Suite("NGHTTP2Session streams")
struct NGHTTP2SessionStreamTests {
  @Test("Request headers arrive as one headers event with the fields in order")
  func requestHeadersArrive() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest(path: "/ChatService/ChatStream")
    try pair.pump()
    #expect(streamID == 1)
    #expect(
      pair.serverEvents == [
        .headers(
          streamID: 1,
          fields: SessionPair.requestHeaders(path: "/ChatService/ChatStream"),
          isTrailers: false,
          endStream: false
        )
      ]
    )
    #expect(pair.server.hasOpenStreams)
    #expect(pair.client.hasOpenStreams)
  }

  @Test("Data arrives as slices equal to what was sent, across many frames")
  func dataArrivesAcrossFrames() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    var sent = ByteBuffer()
    for index in 0 ..< 200 {
      var message = patternBytes(1000, seed: UInt8(index))
      pair.client.enqueueData(streamID: streamID, message)
      sent.writeBuffer(&message)
    }
    try pair.pump()
    #expect(receivedData(streamID, in: pair.serverEvents) == sent)
    #expect(dataEventCount(streamID, in: pair.serverEvents) > 1)
    #expect(pair.client.queuedOutboundBytes(streamID: streamID) == 0)
  }

  @Test("Small messages are coalesced into full DATA frames")
  func smallMessagesCoalesce() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    try pair.pump()
    for index in 0 ..< 100 {
      pair.client.enqueueData(streamID: streamID, patternBytes(500, seed: UInt8(index)))
    }
    try pair.pump()
    let dataFrames = frameHeaders(in: pair.clientOutput).filter { $0.type == 0 }
    #expect(dataFrames.map(\.length) == [16384, 16384, 16384, 848])
  }

  @Test("Response headers, data and trailers arrive in order, then the stream closes")
  func trailersAfterData() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    pair.client.endStream(streamID: streamID, trailers: nil)
    try pair.pump()
    try pair.server.submitResponse(
      streamID: streamID,
      headers: SessionPair.responseHeaders,
      endStream: false
    )
    pair.server.enqueueData(streamID: streamID, ByteBuffer(string: "hello"))
    pair.server.endStream(streamID: streamID, trailers: SessionPair.okTrailers)
    try pair.pump()
    #expect(
      pair.clientEvents == [
        .headers(
          streamID: streamID,
          fields: SessionPair.responseHeaders,
          isTrailers: false,
          endStream: false
        ),
        .data(streamID: streamID, bytes: ByteBuffer(string: "hello")),
        .headers(
          streamID: streamID,
          fields: SessionPair.okTrailers,
          isTrailers: true,
          endStream: true
        ),
        .streamClosed(streamID: streamID, errorCode: .noError),
      ]
    )
    #expect(pair.serverEvents.last == .streamClosed(streamID: streamID, errorCode: .noError))
    #expect(!pair.server.hasOpenStreams)
    #expect(!pair.client.hasOpenStreams)
  }

  @Test("Trailers given while data is still queued follow all of the data")
  func trailersWaitForQueuedData() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    pair.client.endStream(streamID: streamID, trailers: nil)
    try pair.pump()
    try pair.server.submitResponse(
      streamID: streamID,
      headers: SessionPair.responseHeaders,
      endStream: false
    )
    let payload = patternBytes(100_000)
    pair.server.enqueueData(streamID: streamID, payload)
    pair.server.endStream(streamID: streamID, trailers: SessionPair.okTrailers)
    try pair.pump()
    #expect(receivedData(streamID, in: pair.clientEvents) == payload)
    let trailers = HTTP2SessionEvent.headers(
      streamID: streamID,
      fields: SessionPair.okTrailers,
      isTrailers: true,
      endStream: true
    )
    #expect(
      pair.clientEvents.suffix(2) == [trailers, .streamClosed(streamID: streamID, errorCode: .noError)]
    )
  }

  @Test("A trailers-only response is one header block with END_STREAM")
  func trailersOnlyResponse() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    pair.client.endStream(streamID: streamID, trailers: nil)
    try pair.pump()
    let fields = SessionPair.responseHeaders + [.init(name: "grpc-status", value: "12")]
    try pair.server.submitResponse(streamID: streamID, headers: fields, endStream: true)
    try pair.pump()
    #expect(
      pair.clientEvents == [
        .headers(streamID: streamID, fields: fields, isTrailers: false, endStream: true),
        .streamClosed(streamID: streamID, errorCode: .noError),
      ]
    )
  }

  @Test("Client half-close after data arrives as end of stream")
  func halfCloseAfterData() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    pair.client.enqueueData(streamID: streamID, ByteBuffer(string: "ping"))
    pair.client.endStream(streamID: streamID, trailers: nil)
    try pair.pump()
    #expect(pair.serverEvents.count == 3)
    #expect(
      pair.serverEvents.suffix(2) == [
        .data(streamID: streamID, bytes: ByteBuffer(string: "ping")),
        .endOfStream(streamID: streamID),
      ]
    )
  }

  @Test("Client half-close on a deferred stream sends an empty DATA frame with END_STREAM")
  func halfCloseWhileDeferred() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    try pair.pump()
    pair.client.endStream(streamID: streamID, trailers: nil)
    try pair.pump()
    #expect(pair.serverEvents.last == .endOfStream(streamID: streamID))
    #expect(
      frameHeaders(in: pair.clientOutput) == [
        FrameHeader(length: 0, type: 0, flags: 1, streamID: streamID)
      ]
    )
  }

  @Test("RST_STREAM arrives as stream closed with its code on the other side")
  func resetArrivesWithCode() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    try pair.pump()
    pair.client.resetStream(streamID: streamID, errorCode: .cancel)
    try pair.pump()
    #expect(pair.serverEvents.last == .streamClosed(streamID: streamID, errorCode: .cancel))
    #expect(pair.clientEvents == [.streamClosed(streamID: streamID, errorCode: .cancel)])
    #expect(!pair.server.hasOpenStreams)
    #expect(pair.server.enqueueData(streamID: streamID, ByteBuffer(string: "late")) == 0)
  }

  @Test("GOAWAY arrives with its last stream, code and debug data")
  func goAwayArrives() throws {
    let pair = try SessionPair()
    _ = try pair.startRequest()
    try pair.pump()
    pair.server.submitGoAway(lastStreamID: nil, errorCode: .noError, debugData: "shutting down")
    try pair.pump()
    #expect(
      pair.clientEvents == [.goAway(lastStreamID: 1, errorCode: .noError, debugData: "shutting down")]
    )
  }

  @Test("A response ended before the request is followed by RST_STREAM(NO_ERROR)")
  func earlyResponseResetsRequest() throws {
    let pair = try SessionPair()
    let streamID = try pair.startRequest()
    try pair.pump()
    let fields = SessionPair.responseHeaders + [.init(name: "grpc-status", value: "3")]
    try pair.server.submitResponse(streamID: streamID, headers: fields, endStream: true)
    try pair.pump()
    #expect(frameHeaders(in: pair.serverOutput).map(\.type) == [1, 3])
    #expect(pair.serverEvents.last == .streamClosed(streamID: streamID, errorCode: .noError))
    #expect(
      pair.clientEvents == [
        .headers(streamID: streamID, fields: fields, isTrailers: false, endStream: true),
        .streamClosed(streamID: streamID, errorCode: .noError),
      ]
    )
    #expect(!pair.server.hasOpenStreams)
  }

  @Test("Input split into small pieces at odd offsets still arrives intact")
  func fragmentedInput() throws {
    let pair = try SessionPair()
    pair.fragmentSize = 7
    let streamID = try pair.startRequest()
    let payload = patternBytes(40_000)
    pair.client.enqueueData(streamID: streamID, payload)
    pair.client.endStream(streamID: streamID, trailers: nil)
    try pair.pump()
    #expect(receivedData(streamID, in: pair.serverEvents) == payload)
    #expect(pair.serverEvents.last == .endOfStream(streamID: streamID))
  }

  @Test("A request submitted after GOAWAY is reported closed, not lost")
  func requestAfterGoAway() throws {
    let pair = try SessionPair()
    try pair.pump()
    pair.server.submitGoAway(lastStreamID: 0, errorCode: .noError, debugData: "")
    try pair.pump()
    let streamID = try pair.startRequest()
    try pair.pump()
    #expect(pair.clientEvents.contains(.streamClosed(streamID: streamID, errorCode: .refusedStream)))
    #expect(!pair.client.hasOpenStreams)
    #expect(headerEvents(pair.serverEvents).isEmpty)
  }

  @Test("Received DATA is a slice of the input buffer, not a copy")
  func receivedDataIsSlice() throws {
    let pair = try SessionPair()
    try pair.pump()
    let streamID = try pair.startRequest()
    pair.client.enqueueData(streamID: streamID, patternBytes(1000))
    var output: [ByteBuffer] = []
    _ = pair.client.flushOutput(into: &output, allocator: pair.allocator)
    var input = ByteBuffer()
    for var buffer in output { input.writeBuffer(&buffer) }
    let events = try pair.server.receive(input)
    guard case .data(_, let bytes)? = events.last else {
      Issue.record("no data event in \(events)")
      return
    }
    let inputRange = input.withUnsafeReadableBytes {
      UInt(bitPattern: $0.baseAddress) ..< UInt(bitPattern: $0.baseAddress! + $0.count)
    }
    let dataStart = bytes.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
    #expect(inputRange.contains(dataStart))
    #expect(bytes == patternBytes(1000))
  }
}
