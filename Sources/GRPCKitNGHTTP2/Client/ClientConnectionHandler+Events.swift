import GRPCKit
import NIOCore

extension ClientConnectionHandler {
  func handle(_ event: HTTP2SessionEvent) {
    switch event {
    case .headers(let streamID, let fields, let isTrailers, let endStream):
      guard let key = self.keys[streamID] else { return }
      // The server answered: the call is no longer replayed on another connection.
      if !isTrailers { self.streams[key]?.request.handle.commit() }
      guard
        let action = isTrailers
          ? self.streams[key]?.machine.receiveTrailers(fields)
          : self.streams[key]?.machine.receiveHeaders(fields, endStream: endStream)
      else { return }
      self.perform(action, key: key)
    case .data(let streamID, let bytes):
      self.receiveData(streamID: streamID, bytes)
    case .endOfStream(let streamID):
      guard let key = self.keys[streamID],
        let action = self.streams[key]?.machine.receiveEndOfStream()
      else { return }
      self.perform(action, key: key)
    case .streamClosed(let streamID, let errorCode):
      guard let key = self.keys.removeValue(forKey: streamID) else { return }
      guard var stream = self.streams.removeValue(forKey: key) else { return }
      switch stream.machine.streamClosed(errorCode: errorCode, goAwayError: self.goAwayError) {
      case .none:
        break
      case .retryOrFail(let error):
        // REFUSED_STREAM (sent by the server, or set by nghttp2 for streams above a GOAWAY's
        // last stream id) before any response: the server did not process the request.
        if stream.request.handle.retryAfterRefusal(error) {
          stream.deadlineTimer?.cancel()
        } else {
          self.end(stream, failing: error, reset: false)
        }
      case .fail(let error):
        self.end(stream, failing: error, reset: false)
      }
    case .goAway(_, let errorCode, let debugData):
      // nghttp2 closes the streams the server will not process (REFUSED_STREAM); new calls go
      // to a new connection.
      self.receivedGoAway(errorCode: errorCode, debugData: debugData)
      self.markUnusable()
    case .ping, .headerListTooLarge, .streamRefused:  // the last two: servers only
      break
    }
  }

  private func perform(_ action: ClientStreamStateMachine.HeadersAction, key: Int) {
    guard let stream = self.streams[key] else { return }
    switch action {
    case .none:
      break
    case .receiveHeaders(let metadata):
      stream.request.responses.receiveHeaders(metadata)
    case .complete(let status, let trailers):
      self.end(stream, status: status, trailers: trailers)
    case .fail(let error, let reset):
      self.end(stream, failing: error, reset: reset)
    }
  }

  private func receiveData(streamID: Int32, _ bytes: ByteBuffer) {
    guard let session = self.session else { return }
    session.consumeConnection(bytes: bytes.readableBytes)
    // Only the references: a copy of the whole stream would share its deframer's buffer and make
    // the machine's update below copy it.
    guard let key = self.keys[streamID], let request = self.streams[key]?.request else {
      session.consumeStream(streamID: streamID, bytes: bytes.readableBytes)
      return
    }
    let action = self.streams[key]!.machine.receiveData(
      bytes, into: request.responses, flowControl: request.handle)
    switch action {
    case .credit(let credit):
      if credit > 0 { session.consumeStream(streamID: streamID, bytes: credit) }
    case .fail(let error, let credit):
      if credit > 0 { session.consumeStream(streamID: streamID, bytes: credit) }
      if let stream = self.streams[key] { self.end(stream, failing: error, reset: true) }
    }
  }
}
