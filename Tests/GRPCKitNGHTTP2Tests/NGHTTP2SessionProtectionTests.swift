import GRPCKitNGHTTP2
import NIOCore
import Testing

@Suite("NGHTTP2Session protection against bad peers")
struct NGHTTP2SessionProtectionTests {
  @Test("Garbage instead of the client preface throws and queues a GOAWAY")
  func garbagePrefaceThrows() throws {
    let server = try NGHTTP2Session(role: .server, settings: HTTP2SessionSettings())
    #expect(throws: HTTP2SessionError.self) {
      try server.receive(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
    }
    var output: [ByteBuffer] = []
    _ = server.flushOutput(into: &output, allocator: ByteBufferAllocator())
    #expect(frameHeaders(in: output).contains { $0.type == 7 })
  }

  @Test("The error names nghttp2's rule")
  func errorNamesRule() throws {
    let server = try NGHTTP2Session(role: .server, settings: HTTP2SessionSettings())
    do {
      _ = try server.receive(ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"))
      Issue.record("bad preface accepted")
    } catch {
      #expect(error.code < 0)
      #expect(error.message.hasPrefix("receive: "))
      #expect(error.message.lowercased().contains("magic"))
    }
  }

  @Test("MAX_CONCURRENT_STREAMS holds further requests until a stream closes")
  func maxConcurrentStreamsAdvertised() throws {
    var serverSettings = HTTP2SessionSettings()
    serverSettings.maxConcurrentStreams = 2
    let pair = try SessionPair(server: serverSettings)
    try pair.pump()
    var streams: [Int32] = []
    for _ in 0 ..< 3 {
      let streamID = try pair.startRequest()
      pair.client.endStream(streamID: streamID, trailers: nil)
      streams.append(streamID)
    }
    try pair.pump()
    #expect(headerEvents(pair.serverEvents).count == 2)

    let status = SessionPair.responseHeaders + SessionPair.okTrailers
    try pair.server.submitResponse(streamID: streams[0], headers: status, endStream: true)
    try pair.pump()
    #expect(headerEvents(pair.serverEvents).count == 3)
    #expect(
      pair.serverEvents.contains(
        .headers(
          streamID: streams[2],
          fields: SessionPair.requestHeaders(),
          isTrailers: false,
          endStream: false
        )
      )
    )
  }

  @Test("Rapid reset past the burst gets GOAWAY", arguments: [10, 1000])
  func rapidResetGetsGoAway(burst: Int) throws {
    var serverSettings = HTTP2SessionSettings()
    serverSettings.resetStreamBurst = UInt64(burst)
    serverSettings.resetStreamRate = 1
    let pair = try SessionPair(server: serverSettings)
    try pair.pump()
    var opened = 0
    while opened < burst + 20,
      !pair.clientEvents.contains(where: { if case .goAway = $0 { true } else { false } })
    {
      let streamIDs = try (0 ..< 10).map { _ in try pair.startRequest() }
      try pair.pump()
      for streamID in streamIDs {
        pair.client.resetStream(streamID: streamID, errorCode: .cancel)
      }
      try pair.pump()
      opened += 10
    }
    let goAway = pair.clientEvents.first { if case .goAway = $0 { true } else { false } }
    guard case .goAway(_, let errorCode, _) = goAway else {
      Issue.record("no GOAWAY after \(opened) reset streams")
      return
    }
    #expect(errorCode == .internalError)  // as nghttp2 sends it
    #expect(opened > burst)
  }

  @Test("A request header list larger than the limit is reported with its size, not passed on")
  func oversizedHeaderListReported() throws {
    var serverSettings = HTTP2SessionSettings()
    serverSettings.maxHeaderListSize = 1024
    let pair = try SessionPair(server: serverSettings)
    try pair.pump()
    let streamID = try pair.client.submitRequest(
      headers: SessionPair.requestHeaders() + [
        .init(name: "big", value: String(repeating: "x", count: 2000))
      ]
    )
    try pair.pump()
    #expect(headerEvents(pair.serverEvents).isEmpty)
    let reported = pair.serverEvents.compactMap { event -> Int? in
      if case .headerListTooLarge(streamID, let size) = event { size } else { nil }
    }
    #expect(reported.count == 1)
    #expect((reported.first ?? 0) > 2000)
    // The stream stays open for the owner to answer with a status.
    #expect(pair.server.hasOpenStreams)
  }

  @Test("A connection error queues GOAWAY(PROTOCOL_ERROR) and the session stops reading")
  func connectionErrorEndsSession() throws {
    let server = try NGHTTP2Session(role: .server, settings: HTTP2SessionSettings())
    var input = ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    input.writeBytes([0, 0, 0, 4, 0, 0, 0, 0, 0])  // SETTINGS
    input.writeBytes([0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0])  // WINDOW_UPDATE increment 0
    _ = try server.receive(input)
    var output: [ByteBuffer] = []
    _ = server.flushOutput(into: &output, allocator: ByteBufferAllocator())
    var all = ByteBuffer()
    for var buffer in output { all.writeBuffer(&buffer) }
    let goAway = try #require(frameHeaders(in: output).last)
    #expect(goAway.type == 7)
    let errorCode = all.getInteger(at: all.writerIndex - goAway.length + 4, as: UInt32.self)
    #expect(errorCode == 1)  // PROTOCOL_ERROR
    #expect(!server.wantsRead)
    #expect(!server.wantsWrite)
  }
}
