import GRPCKit
import NIOCore

extension ClientConnectionHandler {
  func handle(_ event: HTTP2SessionEvent) {
    switch event {
    case .headers(let streamID, let fields, let isTrailers, let endStream):
      guard let key = self.keys[streamID] else { return }
      // The server answered: the call is no longer replayed on another connection.
      if !isTrailers { self.streams[key]?.request.handle.commit() }
      if isTrailers {
        self.receiveTrailers(key: key, fields: fields)
      } else {
        self.receiveHeaders(key: key, fields: fields, endStream: endStream)
      }
    case .data(let streamID, let bytes):
      self.receiveData(streamID: streamID, bytes)
    case .endOfStream(let streamID):
      // END_STREAM on DATA: the server never sent trailers.
      guard let key = self.keys[streamID] else { return }
      self.fail(key: key, RPCError(code: .internal, message: "the server ended the stream without trailers (no grpc-status)"), reset: false)
    case .streamClosed(let streamID, let errorCode):
      guard let key = self.keys.removeValue(forKey: streamID) else { return }
      self.blockedStreams.remove(key)
      if let stream = self.streams[key], !stream.finished {
        // REFUSED_STREAM (sent by the server, or set by nghttp2 for streams above a GOAWAY's
        // last stream id): the server did not process the request, so it may be replayed.
        let error = self.streamResetError(errorCode)
        if errorCode == 7, !stream.headersReceived, stream.request.handle.retryAfterRefusal(error) {
          stream.deadlineTimer?.cancel()
        } else {
          self.fail(key: key, error, reset: false)
        }
      }
      self.streams.removeValue(forKey: key)
    case .goAway(_, let errorCode, let debugData):
      // nghttp2 closes the streams the server will not process (REFUSED_STREAM); new calls go
      // to a new connection.
      self.receivedGoAway(errorCode: errorCode, debugData: debugData)
      self.markUnusable()
    case .outboundWritable, .ping, .headerListTooLarge, .streamRefused:  // the last two: servers
      break
    }
  }

  private func receiveHeaders(key: Int, fields: [HTTP2HeaderField], endStream: Bool) {
    guard var stream = self.streams[key], !stream.finished else { return }
    var httpStatus = 0, contentType: String?, grpcStatus: String?, grpcMessage = "", encoding: String?
    for field in fields {
      switch field.name {
      case ":status": httpStatus = Int(field.value) ?? 0
      case "content-type": contentType = field.value
      case "grpc-encoding": encoding = field.value
      case "grpc-status": grpcStatus = field.value
      case "grpc-message": grpcMessage = StatusMessageEncoding.decode(field.value)
      default: break
      }
    }
    var metadata = GRPCHeaders.metadata(from: fields.lazy.map { ($0.name, $0.value) })
    if endStream { GRPCHeaders.addRetryMetadata(from: fields.lazy.map { ($0.name, $0.value) }, to: &metadata) }
    if httpStatus == 100 { return }  // informational; the real headers follow
    guard httpStatus == 200 else {
      if let grpcStatus {
        self.complete(key: key, status: Status(code: GRPCHeaders.statusCode(grpcStatus), message: grpcMessage), trailers: metadata)
      } else {
        let code = GRPCHeaders.statusCode(forHTTPStatus: httpStatus)
        self.fail(key: key, RPCError(code: code, message: "HTTP status \(httpStatus) without grpc-status", metadata: metadata), reset: !endStream)
      }
      return
    }
    if endStream {
      // Trailers-only response.
      guard let grpcStatus else {
        self.fail(key: key, RPCError(code: .internal, message: "the HTTP 200 response ended without grpc-status"), reset: false)
        return
      }
      self.complete(key: key, status: Status(code: GRPCHeaders.statusCode(grpcStatus), message: grpcMessage), trailers: metadata)
      return
    }
    guard let contentType, GRPCHeaders.isGRPCContentType(contentType) else {
      self.fail(
        key: key,
        RPCError(code: .unknown, message: "HTTP 200 response content-type '\(contentType ?? "")' is not application/grpc"),
        reset: true)
      return
    }
    if let encoding, encoding != CompressionAlgorithm.identity.name {
      guard let algorithm = CompressionAlgorithm(named: encoding), self.configuration.enabledCompression.contains(algorithm)
      else {
        let accepted = CompressionAlgorithm.acceptEncoding(self.configuration.enabledCompression)
        self.fail(
          key: key,
          RPCError(code: .internal, message: "response grpc-encoding '\(encoding)' is not one this client accepts (\(accepted))"),
          reset: true)
        return
      }
      stream.inbound.setEncoding(algorithm)
    }
    stream.headersReceived = true
    self.streams[key] = stream
    stream.request.responses.receiveHeaders(metadata)
  }

  private func receiveTrailers(key: Int, fields: [HTTP2HeaderField]) {
    guard let stream = self.streams[key], !stream.finished else { return }
    var grpcStatus: String?, grpcMessage = ""
    for field in fields {
      if field.name == "grpc-status" { grpcStatus = field.value }
      if field.name == "grpc-message" { grpcMessage = StatusMessageEncoding.decode(field.value) }
    }
    var metadata = GRPCHeaders.metadata(from: fields.lazy.map { ($0.name, $0.value) })
    GRPCHeaders.addRetryMetadata(from: fields.lazy.map { ($0.name, $0.value) }, to: &metadata)
    guard let grpcStatus else {
      self.fail(key: key, RPCError(code: .internal, message: "the trailers have no grpc-status", metadata: metadata), reset: false)
      return
    }
    if stream.inbound.hasPartialMessage {
      self.fail(key: key, RPCError(code: .internal, message: "the response stream ended in the middle of a message"), reset: false)
      return
    }
    self.complete(key: key, status: Status(code: GRPCHeaders.statusCode(grpcStatus), message: grpcMessage), trailers: metadata)
  }

  private func receiveData(streamID: Int32, _ bytes: ByteBuffer) {
    guard let session = self.session else { return }
    let count = bytes.readableBytes
    session.consumeConnection(bytes: count)
    guard let key = self.keys[streamID], var stream = self.streams[key], !stream.finished else {
      session.consumeStream(streamID: streamID, bytes: count)
      return
    }
    let credit = stream.inbound.admit(count)
    if credit > 0 { session.consumeStream(streamID: streamID, bytes: credit) }
    do {
      try stream.inbound.deframe(bytes, into: stream.request.responses, flowControl: stream.request.handle)
      self.streams[key] = stream
    } catch {
      self.streams[key] = stream
      self.fail(key: key, error, reset: true)
    }
  }

  /// The error of a stream the server reset; a stream refused because of a GOAWAY with an
  /// error names it (for example the server's connection limit).
  private func streamResetError(_ errorCode: UInt32) -> RPCError {
    if errorCode == 7, let goAwayError = self.goAwayError {
      return RPCError(
        code: .unavailable, message: "the server refused the stream after \(goAwayError)")
    }
    return Self.resetError(errorCode)
  }

  private static func resetError(_ errorCode: UInt32) -> RPCError {
    switch errorCode {
    case 0: return RPCError(code: .internal, message: "the server closed the stream without a status")
    case 7: return RPCError(code: .unavailable, message: "the server refused the stream (REFUSED_STREAM)")
    case 8: return RPCError(code: .cancelled, message: "the server cancelled the stream")
    case 11: return RPCError(code: .resourceExhausted, message: "the server reset the stream: ENHANCE_YOUR_CALM")
    case 12: return RPCError(code: .permissionDenied, message: "the server reset the stream: INADEQUATE_SECURITY")
    default: return RPCError(code: .internal, message: "the server reset the stream (HTTP/2 error \(errorCode))")
    }
  }
}
