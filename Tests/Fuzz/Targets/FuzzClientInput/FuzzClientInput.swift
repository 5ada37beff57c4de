import FuzzInputSupport
import GRPCKit
import NIOCore

@testable import GRPCKitNGHTTP2

// libFuzzer target: bytes from a server, fed to a client connection in memory that has three
// calls open (streams 1, 3 and 5). The connection driver (`HTTP2ConnectionDriver`: the read
// cycle, one flush per cycle, the end of the connection) and the HTTP/2 session it owns
// (nghttp2), and the per-call state machine (`ClientStreamStateMachine`: response-header rules,
// HTTP status mapping, trailers-only, deframing, decompression, limits, resets) are the ones
// `ClientConnectionHandler` drives; the calls are answered inline (no tasks, no sockets).
//
// The first input byte chooses a chunk size (1...256); the rest are the server's bytes, each
// chunk one read cycle, until the driver says the connection is done. Rules checked for every
// input:
// - no trap, and the session either accepts the bytes or fails with an error;
// - every call gets at most one outcome (a status, a failure, or a replay after REFUSED_STREAM),
//   and no message or headers after it;
// - flow control: no stream is credited more DATA bytes than it received. (Credit withheld when
//   a call ends stays withheld: the stream is over, and the connection's credit is given back
//   for every DATA byte as it arrives.)

let maximumMessageSize = 64 << 10

final class CallSink: InboundMessageSink, @unchecked Sendable {
  var messages = 0
  var ended = false

  func receive(_ message: UnsafeRawBufferPointer, flowControl: any InboundFlowControl)
    throws(RPCError) -> Bool
  {
    precondition(!self.ended, "a message after the call's outcome")
    self.messages += 1
    // Report the reader behind every other message, so withheld credit is exercised.
    return self.messages % 2 != 0
  }

  func receiveHeaders(_ metadata: Metadata) {
    precondition(!self.ended, "headers after the call's outcome")
  }

  func finish(_ end: InboundEnd) {}
}

struct Call {
  var machine: ClientStreamStateMachine
  let sink = CallSink()
  var received = 0
  var credited = 0
  var chunks = 0
}

final class Connection {
  let driver: HTTP2ConnectionDriver<Int32>
  var session: NGHTTP2Session { self.driver.session }
  var calls: [Int32: Call] = [:]
  var goAwayError: String?
  let allocator = ByteBufferAllocator()

  init() throws {
    var settings = HTTP2SessionSettings()
    settings.initialStreamWindowSize = 1 << 16
    self.driver = try HTTP2ConnectionDriver(role: .client, settings: settings)
    let headers = [
      (":method", "POST"), (":scheme", "http"), (":path", "/echo.Echo/Get"),
      (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
      ("grpc-accept-encoding", "gzip,deflate,identity"),
    ].map { HTTP2HeaderField(name: $0.0, value: $0.1) }
    for _ in 0..<3 {
      let streamID = try self.session.submitRequest(headers: headers)
      self.calls[streamID] = Call(
        machine: ClientStreamStateMachine(
          maximumReceiveMessageSize: maximumMessageSize,
          enabledCompression: [.gzip, .deflate, .identity]))
      self.session.endStream(streamID: streamID, trailers: nil)
    }
    _ = self.flush()
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
    // A flush asked for inside the read cycle (a call's task, a deadline) waits for its end.
    precondition(self.flush() == .deferred, "a flush inside a read cycle did not wait")
    self.driver.endReadCycle()
    return self.flush() != .finished
  }

  /// Flushes the client's output as the handler does, to nowhere (these calls send no messages,
  /// so no writer blocks).
  func flush() -> HTTP2ConnectionDriver<Int32>.FlushOutcome {
    self.driver.flush(
      allocator: self.allocator, write: { _ in }, flush: {}, handle: { self.handle($0) },
      writer: { _ in nil })
  }

  func handle(_ event: HTTP2SessionEvent) {
    switch event {
    case .headers(let streamID, let fields, let isTrailers, let endStream):
      guard self.calls[streamID] != nil else { return }
      let action =
        isTrailers
        ? self.calls[streamID]!.machine.receiveTrailers(fields)
        : self.calls[streamID]!.machine.receiveHeaders(fields, endStream: endStream)
      self.perform(streamID, action)
    case .data(let streamID, let bytes):
      self.session.consumeConnection(bytes: bytes.readableBytes)
      guard self.calls[streamID] != nil else {
        self.session.consumeStream(streamID: streamID, bytes: bytes.readableBytes)
        return
      }
      let sink = self.calls[streamID]!.sink
      self.calls[streamID]!.received += bytes.readableBytes
      switch self.calls[streamID]!.machine.receiveData(
        bytes, into: sink, flowControl: NoFlowControl())
      {
      case .credit(let credit):
        self.credit(streamID, credit)
      case .fail(_, let credit):
        self.credit(streamID, credit)
        self.ended(streamID)
        self.session.resetStream(streamID: streamID, errorCode: .cancel)
      }
      // The reader catches up after every fourth chunk.
      self.calls[streamID]?.chunks += 1
      if !sink.ended, let call = self.calls[streamID], call.chunks % 4 == 0,
        let credit = self.calls[streamID]?.machine.resumeInbound()
      {
        self.credit(streamID, credit)
      }
    case .endOfStream(let streamID):
      guard let action = self.calls[streamID]?.machine.receiveEndOfStream() else { return }
      self.perform(streamID, action)
    case .streamClosed(let streamID, let errorCode):
      guard var call = self.calls[streamID] else { return }
      switch call.machine.streamClosed(errorCode: errorCode, goAwayError: self.goAwayError) {
      case .none:
        break
      case .retryOrFail, .fail:
        self.calls[streamID] = call
        self.ended(streamID)
      }
      self.calls[streamID] = nil
    case .goAway(_, let errorCode, let debugData):
      if errorCode != .noError {
        self.goAwayError = "GOAWAY with HTTP/2 error \(errorCode) (\(debugData))"
      }
    case .ping, .headerListTooLarge, .streamRefused:
      break
    }
  }

  func perform(_ streamID: Int32, _ action: ClientStreamStateMachine.HeadersAction) {
    switch action {
    case .none:
      break
    case .receiveHeaders(let metadata):
      self.calls[streamID]!.sink.receiveHeaders(metadata)
    case .complete:
      self.ended(streamID)
    case .fail(_, let reset):
      self.ended(streamID)
      if reset { self.session.resetStream(streamID: streamID, errorCode: .cancel) }
    }
  }

  /// The call has its outcome: checks it is the first.
  func ended(_ streamID: Int32) {
    let call = self.calls[streamID]!
    precondition(!call.sink.ended, "stream \(streamID) got a second outcome")
    precondition(
      call.machine.isFinished, "stream \(streamID) has an outcome but its machine is open")
    call.sink.ended = true
  }

  func credit(_ streamID: Int32, _ bytes: Int) {
    guard bytes > 0 else { return }
    self.session.consumeStream(streamID: streamID, bytes: bytes)
    self.calls[streamID]!.credited += bytes
    let call = self.calls[streamID]!
    precondition(
      call.credited <= call.received,
      "stream \(streamID): credited \(call.credited) of \(call.received) DATA bytes received")
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let connection: Connection
  do {
    connection = try Connection()
  } catch {
    preconditionFailure("could not create a client session: \(error)")
  }
  feedInChunks(data, size, to: connection.feed)
  return 0
}
