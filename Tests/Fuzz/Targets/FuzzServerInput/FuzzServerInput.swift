import FuzzInputSupport
import GRPCKit
import NIOCore

@testable import GRPCKitNGHTTP2

// libFuzzer target: bytes from a client, fed to a server connection in memory. The connection
// driver (`HTTP2ConnectionDriver`: the read cycle, one flush per cycle, the end of the
// connection) and the HTTP/2 session it owns (nghttp2), the request-header rules
// (`ServerRequestHead`), the per-stream state machine (`ServerStreamStateMachine`: deframing,
// gzip/deflate decompression, limits, trailers-only), and the response header builder are the
// ones `ServerConnectionHandler` drives; the service is an echo answered inline (no tasks, no
// sockets), on `/echo.Echo/Get`, other paths UNIMPLEMENTED.
//
// The first input byte chooses a chunk size (1...256); the rest are the client's bytes, fed in
// chunks, each one read cycle: received, then flushed once at its end, until the driver says the
// connection is done. Rules checked for every input:
// - no trap, and the session either accepts the bytes or fails with an error (a protocol error
//   ends the connection; that is an answer, not a finding);
// - flow control: once a stream's call is over, every DATA byte received on it has been credited
//   back (a leak would stall the connection), and no stream is credited more than it received;
// - nothing is sent on a stream after its status.

let echoPath = "/echo.Echo/Get"
let maximumMessageSize = 64 << 10
let enabledCompression: [CompressionAlgorithm] = [.gzip, .deflate, .identity]
let acceptEncoding = CompressionAlgorithm.acceptEncoding(enabledCompression)

/// Collects a stream's request messages to echo.
final class EchoSink: InboundMessageSink, @unchecked Sendable {
  var messages: [[UInt8]] = []
  var totalBytes = 0

  func receive(_ message: UnsafeRawBufferPointer, flowControl: any InboundFlowControl)
    throws(RPCError) -> Bool
  {
    self.totalBytes += message.count
    guard self.totalBytes <= maximumMessageSize else {
      throw RPCError(
        code: .resourceExhausted, message: "the echo keeps at most \(maximumMessageSize) bytes")
    }
    self.messages.append(Array(message))
    // Report the reader behind every third message, so withheld credit is exercised.
    return self.messages.count % 3 != 0
  }

  func receiveHeaders(_ metadata: Metadata) {}
  func finish(_ end: InboundEnd) {}
}

struct Stream {
  var machine: ServerStreamStateMachine
  let sink: EchoSink
  var received = 0
  var credited = 0
  var chunks = 0
}

/// One server connection and its streams.
final class Connection {
  let driver: HTTP2ConnectionDriver<Int32>
  var session: NGHTTP2Session { self.driver.session }
  var streams: [Int32: Stream] = [:]
  let allocator = ByteBufferAllocator()

  init() throws {
    var settings = HTTP2SessionSettings()
    settings.maxConcurrentStreams = 16
    settings.initialStreamWindowSize = 1 << 16
    settings.maxHeaderListSize = 8 << 10
    self.driver = try HTTP2ConnectionDriver(role: .server, settings: settings)
  }

  /// Feeds one chunk as one read cycle; returns false once the connection is over (the session
  /// failed, or the driver says it is done), as the handler closes it then.
  func feed(_ bytes: ByteBuffer) -> Bool {
    do {
      for event in try self.driver.receive(bytes) { self.handle(event) }
    } catch {
      // The handler flushes the GOAWAY nghttp2 queued, then closes.
      _ = self.flush()
      return false
    }
    // A flush asked for inside the read cycle (a task's output, a timer) waits for its end.
    precondition(self.flush() == .deferred, "a flush inside a read cycle did not wait")
    self.driver.endReadCycle()
    return self.flush() != .finished
  }

  /// Flushes the server's output as the handler does, to nowhere (no writer of this echo blocks).
  func flush() -> HTTP2ConnectionDriver<Int32>.FlushOutcome {
    self.driver.flush(
      allocator: self.allocator, write: { _ in }, flush: {}, handle: { self.handle($0) },
      writer: { _ in nil })
  }

  func handle(_ event: HTTP2SessionEvent) {
    switch event {
    case .headers(let streamID, let fields, let isTrailers, let endStream):
      if !isTrailers {
        self.start(streamID, fields)
      }
      if endStream { self.requestEnded(streamID) }
    case .data(let streamID, let bytes):
      self.session.consumeConnection(bytes: bytes.readableBytes)
      guard self.streams[streamID] != nil else {
        self.session.consumeStream(streamID: streamID, bytes: bytes.readableBytes)
        return
      }
      let sink = self.streams[streamID]!.sink
      self.streams[streamID]!.received += bytes.readableBytes
      switch self.streams[streamID]!.machine.receiveData(
        bytes, into: sink, flowControl: NoFlowControl())
      {
      case .credit(let credit):
        self.credit(streamID, credit)
      case .fail(let error, let credit):
        self.credit(streamID, credit)
        self.finish(streamID, error.status)
      }
      // The reader catches up after every fourth chunk: credit withheld in between comes back
      // here, or with the status.
      self.streams[streamID]?.chunks += 1
      if let stream = self.streams[streamID], stream.chunks % 4 == 0,
        let credit = self.streams[streamID]?.machine.resumeInbound()
      {
        self.credit(streamID, credit)
      }
    case .endOfStream(let streamID):
      self.requestEnded(streamID)
    case .streamClosed(let streamID, let errorCode):
      guard var stream = self.streams.removeValue(forKey: streamID) else { return }
      _ = stream.machine.streamClosed(errorCode: errorCode)
    case .headerListTooLarge(let streamID, let size):
      if self.streams[streamID] != nil {
        self.finish(
          streamID, Status(code: .resourceExhausted, message: "header list \(size) bytes"))
      } else {
        self.reject(
          streamID,
          .status(RPCError(code: .resourceExhausted, message: "header list \(size) bytes")))
      }
    case .streamRefused, .goAway, .ping:
      break
    }
  }

  func start(_ streamID: Int32, _ fields: [HTTP2HeaderField]) {
    guard self.streams[streamID] == nil else { return }
    switch ServerRequestHead.parse(
      fields, enabledCompression: enabledCompression, responseCompression: .matchRequest)
    {
    case .failure(let rejection):
      self.reject(streamID, rejection)
    case .success(let head):
      guard head.path == echoPath else {
        self.reject(
          streamID, .status(RPCError(code: .unimplemented, message: "unknown method \(head.path)")))
        return
      }
      self.streams[streamID] = Stream(
        machine: ServerStreamStateMachine(
          maximumReceiveMessageSize: maximumMessageSize,
          requestEncoding: head.compression.requestEncoding),
        sink: EchoSink())
    }
  }

  func requestEnded(_ streamID: Int32) {
    guard let action = self.streams[streamID]?.machine.receiveEndOfStream() else { return }
    switch action {
    case .none:
      break
    case .fail(let error):
      self.finish(streamID, error.status)
    case .endRequestStream:
      for message in self.streams[streamID]!.sink.messages {
        self.send(streamID, message)
      }
      self.finish(streamID, Status(code: .ok, message: ""))
    }
  }

  func send(_ streamID: Int32, _ message: [UInt8]) {
    var buffer = self.allocator.buffer(capacity: message.count + 5)
    buffer.writeInteger(UInt8(0))
    buffer.writeInteger(UInt32(message.count))
    buffer.writeBytes(message)
    guard let action = self.streams[streamID]?.machine.sendMessage(size: buffer.readableBytes)
    else { return }
    switch action {
    case .drop:
      return
    case .sendHeadersAndMessage:
      let headers = ServerResponseHeaders.headers(
        encoding: .identity, acceptEncoding: acceptEncoding, metadata: [:])
      guard
        (try? self.session.submitResponse(streamID: streamID, headers: headers, endStream: false))
          != nil
      else {
        self.session.resetStream(streamID: streamID, errorCode: .internalError)
        self.finish(streamID, Status(code: .internal, message: "headers failed"))
        return
      }
    case .sendMessage:
      break
    }
    self.session.enqueueData(streamID: streamID, buffer)
  }

  func finish(_ streamID: Int32, _ status: Status) {
    guard let action = self.streams[streamID]?.machine.finish() else { return }
    switch action {
    case .none:
      return
    case .sendTrailers(let credit):
      self.session.endStream(
        streamID: streamID, trailers: ServerResponseHeaders.trailers(status: status, trailers: [:]))
      self.credit(streamID, credit)
    case .sendTrailersOnly(let credit):
      let headers = ServerResponseHeaders.trailersOnly(
        acceptEncoding: acceptEncoding, status: status)
      if (try? self.session.submitResponse(streamID: streamID, headers: headers, endStream: true))
        == nil
      {
        self.session.resetStream(streamID: streamID, errorCode: .internalError)
      }
      self.credit(streamID, credit)
    }
    var stream = self.streams[streamID]!
    precondition(
      stream.credited == stream.received,
      "stream \(streamID): \(stream.received) DATA bytes received, \(stream.credited) credited after its status"
    )
    precondition(
      stream.machine.sendMessage(size: 1) == .drop, "stream \(streamID) sends after its status")
  }

  func reject(_ streamID: Int32, _ rejection: ServerRequestHead.Rejection) {
    let headers = rejection.responseHeaders(acceptEncoding: acceptEncoding)
    _ = try? self.session.submitResponse(streamID: streamID, headers: headers, endStream: true)
  }

  func credit(_ streamID: Int32, _ bytes: Int) {
    guard bytes > 0 else { return }
    self.session.consumeStream(streamID: streamID, bytes: bytes)
    guard self.streams[streamID] != nil else { return }
    self.streams[streamID]!.credited += bytes
    let stream = self.streams[streamID]!
    precondition(
      stream.credited <= stream.received,
      "stream \(streamID): credited \(stream.credited) of \(stream.received) DATA bytes received")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let connection: Connection
  do {
    connection = try Connection()
  } catch {
    preconditionFailure("could not create a server session: \(error)")
  }
  feedInChunks(data, size, to: connection.feed)
  return 0
}
