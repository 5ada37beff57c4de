import GRPCKit
import NIOCore

extension ServerConnectionHandler {
  func handle(_ event: HTTP2SessionEvent) {
    self.lifecycleEvent(event)
    switch event {
    case .headers(let streamID, let fields, let isTrailers, let endStream):
      if isTrailers {
        // Request trailers carry nothing gRPC uses; END_STREAM is what matters.
        if endStream { self.requestEnded(streamID: streamID) }
      } else {
        self.startCall(streamID: streamID, fields: fields, endStream: endStream)
      }
    case .data(let streamID, let bytes):
      self.receiveData(streamID: streamID, bytes)
    case .endOfStream(let streamID):
      self.requestEnded(streamID: streamID)
    case .streamClosed(let streamID, let errorCode):
      self.streamClosed(streamID: streamID, errorCode: errorCode)
    case .headerListTooLarge(let streamID, let size):
      self.refuseHeaderList(streamID: streamID, size: size)
    case .streamRefused(let streamID, let closesConnection):
      self.logger.debug(
        closesConnection
          ? "stream over maximumConcurrentStreams; connection closed (GOAWAY PROTOCOL_ERROR)"
          : "stream refused: over maximumConcurrentStreams",
        metadata: [
          "grpc.peer": "\(self.peer)", "grpc.limit": "maximumConcurrentStreams",
          "grpc.maximum": "\(self.configuration.maximumConcurrentStreams)",
          "grpc.stream": "\(streamID)",
        ])
    case .goAway, .outboundWritable, .ping:
      break
    }
  }

  /// A request header block over ``NGHTTP2ServerConfiguration/maximumHeaderListSize``: the call
  /// (or the call it would have started) ends with `RESOURCE_EXHAUSTED` naming both sizes, as
  /// gRPC C-core answers metadata over its limit.
  private func refuseHeaderList(streamID: Int32, size: Int) {
    let limit = self.configuration.maximumHeaderListSize
    self.logger.debug(
      "request header list too large; call refused",
      metadata: [
        "grpc.peer": "\(self.peer)", "grpc.limit": "maximumHeaderListSize",
        "grpc.maximum": "\(limit)", "grpc.size": "\(size)",
      ])
    let error = RPCError(
      code: .resourceExhausted,
      message: "the request header list is \(size) bytes; limit \(limit) (maximumHeaderListSize)")
    if self.streams[streamID] != nil {
      self.abort(streamID: streamID, error)
    } else {
      self.rejectCall(streamID: streamID, error)
    }
  }

  /// Checks a new request stream's HTTP/2-level rules (POST, content type, `grpc-encoding`,
  /// `grpc-timeout`), answers the ones that break them, and hands the others to the stream
  /// handler: its call gets the stream's messages and a task, its error a trailers-only response.
  private func startCall(streamID: Int32, fields: [HTTP2HeaderField], endStream: Bool) {
    guard self.session != nil, let eventLoop = self.context?.eventLoop,
      let allocator = self.context?.channel.allocator, let mailbox = self.mailbox
    else { return }
    var method = "", path = "", contentType: String?, timeout: String?, encoding: String?, acceptEncoding: String?
    for field in fields {
      switch field.name {
      case ":method": method = field.value
      case ":path": path = field.value
      case "content-type": contentType = field.value
      case "grpc-timeout": timeout = field.value
      case "grpc-encoding": encoding = field.value
      case "grpc-accept-encoding": acceptEncoding = field.value
      default: break
      }
    }
    guard method == "POST" else {
      self.rejectWithHTTPStatus(streamID: streamID, 405, message: "gRPC requires POST; got \(method)")
      return
    }
    guard let contentType, GRPCHeaders.isGRPCContentType(contentType) else {
      self.rejectWithHTTPStatus(
        streamID: streamID, 415,
        message: "content-type '\(contentType ?? "")' is not application/grpc")
      return
    }
    let compression: ServerCallCompression
    do {
      compression = try ServerCallCompression(
        encoding: encoding, acceptEncoding: acceptEncoding,
        enabled: self.configuration.enabledCompression, policy: self.configuration.responseCompression)
    } catch {
      self.rejectCall(streamID: streamID, error)
      return
    }
    var deadline: ContinuousClock.Instant?
    var timeoutDuration: Duration?
    if let timeout {
      guard let parsed = GRPCTimeout.parse(timeout) else {
        self.rejectCall(
          streamID: streamID,
          RPCError(code: .internal, message: "grpc-timeout '\(timeout)' is not 1-8 digits and a unit (H M S m u n)"))
        return
      }
      timeoutDuration = parsed
      deadline = ContinuousClock.now.advanced(by: parsed)
    }
    let handle = ServerStreamHandle(
      streamID: streamID,
      outbound: StreamOutboundHandle(
        key: Int(streamID), allocator: allocator,
        highWatermark: self.configuration.outboundHighWatermark,
        lowWatermark: self.configuration.outboundLowWatermark),
      mailbox: mailbox, compression: compression,
      maximumSendMessageSize: self.configuration.maximumSendMessageSize)
    var metadata = GRPCHeaders.metadata(from: fields.lazy.map { ($0.name, $0.value) })
    GRPCHeaders.addRetryMetadata(from: fields.lazy.map { ($0.name, $0.value) }, to: &metadata)
    let call: ServerCall
    do {
      call = try self.streamHandler.handle(
        ServerStream(
          path: path,
          metadata: metadata,
          peer: self.peer,
          deadline: deadline,
          requestCompression: compression.requestEncoding,
          transportSecurity: self.transportSecurity,
          outbound: handle))
    } catch {
      self.rejectCall(streamID: streamID, error)
      return
    }
    var stream = Stream(
      handle: handle, context: call.context, sink: call.requests,
      inbound: InboundStreamFlow(
        maximumMessageSize: self.configuration.maximumReceiveMessageSize, encoding: compression.requestEncoding))
    if let timeoutDuration {
      let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
      let message = "the call's deadline of \(timeout ?? "") was exceeded"
      stream.deadlineTimer = eventLoop.scheduleTask(in: .nanoseconds(timeoutDuration.saturatingNanoseconds)) {
        loopBound.value.abort(
          streamID: streamID,
          RPCError(code: .deadlineExceeded, message: message))
        loopBound.value.flush()
      }
    }
    switch self.configuration.handlerExecution {
    case .eventLoop:
      stream.task = Task(executorPreference: self.taskExecutor) { await call.run() }
    case .globalExecutor:
      stream.task = Task { await call.run() }
    }
    self.streams[streamID] = stream
    if endStream { self.requestEnded(streamID: streamID) }
  }

  private func receiveData(streamID: Int32, _ bytes: ByteBuffer) {
    guard let session = self.session else { return }
    let count = bytes.readableBytes
    session.consumeConnection(bytes: count)
    guard var stream = self.streams[streamID], let sink = stream.sink else {
      // Data for a call that already ended: nobody reads it, release its credit at once.
      session.consumeStream(streamID: streamID, bytes: count)
      return
    }
    let credit = stream.inbound.admit(count)
    if credit > 0 { session.consumeStream(streamID: streamID, bytes: credit) }
    do {
      try stream.inbound.deframe(bytes, into: sink, flowControl: stream.handle)
      self.streams[streamID] = stream
    } catch {
      self.streams[streamID] = stream
      self.abort(streamID: streamID, error)
    }
  }

  func requestEnded(streamID: Int32) {
    guard var stream = self.streams[streamID], !stream.requestEnded else { return }
    stream.requestEnded = true
    self.streams[streamID] = stream
    guard let sink = stream.sink else { return }
    if stream.inbound.hasPartialMessage {
      self.abort(
        streamID: streamID,
        RPCError(code: .internal, message: "the request stream ended in the middle of a message"))
    } else {
      sink.finish(.endOfStream)
    }
  }

  private func streamClosed(streamID: Int32, errorCode: UInt32) {
    guard let stream = self.streams.removeValue(forKey: streamID) else { return }
    self.blockedStreams.remove(streamID)
    stream.deadlineTimer?.cancel()
    if !stream.finished {
      let error = RPCError(
        code: .cancelled,
        message: errorCode == 8
          ? "the client cancelled the call" : "the client reset the stream (HTTP/2 error \(errorCode))")
      stream.context.markCancelled()
      stream.handle.outbound.close(error)
      stream.sink?.finish(.failure(error))
      stream.task?.cancel()
    }
  }

  /// A trailers-only response for a call that never reaches a handler.
  private func rejectCall(streamID: Int32, _ error: RPCError) {
    guard let session = self.session else { return }
    let headers = ServerResponseHeaders.trailersOnly(
      acceptEncoding: self.acceptEncoding, status: error.status, trailers: error.metadata)
    try? session.submitResponse(streamID: streamID, headers: headers, endStream: true)
  }

  private func rejectWithHTTPStatus(streamID: Int32, _ status: Int, message: String) {
    guard let session = self.session else { return }
    let headers = ServerResponseHeaders.trailersOnly(
      httpStatus: status, acceptEncoding: nil, status: Status(code: .internal, message: message))
    try? session.submitResponse(streamID: streamID, headers: headers, endStream: true)
  }
}
