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
    case .goAway, .ping:
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

  /// Checks a new request stream's HTTP/2-level rules (``ServerRequestHead``), answers the ones
  /// that break them, and hands the others to the stream handler: its call gets the stream's
  /// messages and a task, its error a trailers-only response.
  private func startCall(streamID: Int32, fields: [HTTP2HeaderField], endStream: Bool) {
    guard let session = self.session, let eventLoop = self.context?.eventLoop,
      let allocator = self.context?.channel.allocator, let mailbox = self.mailbox
    else { return }
    let head: ServerRequestHead
    switch ServerRequestHead.parse(
      fields, enabledCompression: self.configuration.enabledCompression,
      responseCompression: self.configuration.responseCompression)
    {
    case .success(let accepted):
      head = accepted
    case .failure(let rejection):
      let headers = rejection.responseHeaders(acceptEncoding: self.acceptEncoding)
      try? session.submitResponse(streamID: streamID, headers: headers, endStream: true)
      return
    }
    let deadline = head.timeout.map { ContinuousClock.now.advanced(by: $0.duration) }
    let handle = ServerStreamHandle(
      streamID: streamID,
      outbound: StreamOutboundHandle(
        key: Int(streamID), allocator: allocator,
        highWatermark: self.configuration.outboundHighWatermark,
        lowWatermark: self.configuration.outboundLowWatermark),
      mailbox: mailbox, compression: head.compression,
      maximumSendMessageSize: self.configuration.maximumSendMessageSize)
    let call: ServerCall
    do {
      call = try self.streamHandler.handle(
        ServerStream(
          path: head.path,
          metadata: head.metadata,
          peer: self.peer,
          deadline: deadline,
          requestCompression: head.compression.requestEncoding,
          transportSecurity: self.transportSecurity,
          outbound: handle))
    } catch {
      self.rejectCall(streamID: streamID, error)
      return
    }
    var stream = Stream(
      machine: ServerStreamStateMachine(
        maximumReceiveMessageSize: self.configuration.maximumReceiveMessageSize,
        requestEncoding: head.compression.requestEncoding),
      handle: handle, context: call.context, sink: call.requests)
    if let timeout = head.timeout {
      let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
      let message = "the call's deadline of \(timeout.header) was exceeded"
      stream.deadlineTimer = eventLoop.scheduleTask(in: .nanoseconds(timeout.duration.saturatingNanoseconds)) {
        loopBound.value.abort(streamID: streamID, RPCError(code: .deadlineExceeded, message: message))
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
    session.consumeConnection(bytes: bytes.readableBytes)
    // Only the references: a copy of the whole stream would share its deframer's buffer and make
    // the machine's update below copy it.
    guard let (handle, sink) = self.streams[streamID].map({ ($0.handle, $0.sink) }) else {
      // Data for a call that already ended: nobody reads it, release its credit at once.
      session.consumeStream(streamID: streamID, bytes: bytes.readableBytes)
      return
    }
    let action = self.streams[streamID]!.machine.receiveData(bytes, into: sink, flowControl: handle)
    switch action {
    case .credit(let credit):
      if credit > 0 { session.consumeStream(streamID: streamID, bytes: credit) }
    case .fail(let error, let credit):
      if credit > 0 { session.consumeStream(streamID: streamID, bytes: credit) }
      self.abort(streamID: streamID, error)
    }
  }

  func requestEnded(streamID: Int32) {
    guard let action = self.streams[streamID]?.machine.receiveEndOfStream() else { return }
    switch action {
    case .none: break
    case .endRequestStream: self.streams[streamID]?.sink?.finish(.endOfStream)
    case .fail(let error): self.abort(streamID: streamID, error)
    }
  }

  private func streamClosed(streamID: Int32, errorCode: HTTP2ErrorCode) {
    guard var stream = self.streams.removeValue(forKey: streamID) else { return }
    stream.deadlineTimer?.cancel()
    if case .cancelCall(let error) = stream.machine.streamClosed(errorCode: errorCode) {
      stream.context.markCancelled()
      stream.handle.outbound.close(error)
      stream.sink?.finish(.failure(error))
      stream.task?.cancel()
    }
  }

  /// A trailers-only response for a call that never reaches a handler.
  private func rejectCall(streamID: Int32, _ error: RPCError) {
    guard let session = self.session else { return }
    let headers = ServerRequestHead.Rejection.status(error).responseHeaders(acceptEncoding: self.acceptEncoding)
    try? session.submitResponse(streamID: streamID, headers: headers, endStream: true)
  }

}
