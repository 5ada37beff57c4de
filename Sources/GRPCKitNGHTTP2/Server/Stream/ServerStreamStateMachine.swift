import GRPCKit
import NIOCore

/// The gRPC rules of one server stream after its request headers were accepted, as a value: each
/// input (DATA, END_STREAM, RST_STREAM, a message or status from the handler) updates the state
/// and returns what the connection must do. It performs nothing itself; the connection handler
/// turns the actions into nghttp2 calls and task wake-ups, and tests drive it without sockets.
///
/// The rules it holds: response headers go out once, before the first message; a status without
/// a message is a trailers-only response; nothing is sent after the status; a request that ends
/// inside a message is `INTERNAL`; a reset before the status cancels the call; request bytes
/// nobody will read give their flow-control credit back at once.
struct ServerStreamStateMachine {
  enum ResponsePhase: Equatable {
    /// No header block sent yet.
    case notStarted
    /// Headers sent; messages may follow.
    case started
    /// The status was sent (or the stream was reset): the call is over for the handler.
    case finished
  }

  /// What to do with a DATA chunk.
  enum DataAction: Equatable {
    /// Give `credit` bytes of stream flow-control credit back now (0 while the reader is behind).
    case credit(Int)
    /// The bytes break a rule (size limit, compressed flag, decompression): end the call with
    /// the error, after giving `credit` bytes back.
    case fail(RPCError, credit: Int)
  }

  /// What to do when the request stream ends (END_STREAM).
  enum RequestEndAction: Equatable {
    /// Nothing: the request had already ended, or the call is over.
    case none
    /// Tell the handler's request stream that it ended.
    case endRequestStream
    /// The request ended inside a message: end the call with the error.
    case fail(RPCError)
  }

  /// What to do with a message the handler wrote.
  enum SendAction: Equatable {
    /// The call is over: drop it.
    case drop
    /// Send the response headers, then the message.
    case sendHeadersAndMessage
    /// Send the message.
    case sendMessage
  }

  /// How to send the call's status.
  enum FinishAction: Equatable {
    /// The status was already sent.
    case none
    /// Trailers after the response's messages.
    case sendTrailers(credit: Int)
    /// Headers and status in one block: no message was sent.
    case sendTrailersOnly(credit: Int)
  }

  /// What to do when the stream closes (RST_STREAM, or both sides done).
  enum ClosedAction: Equatable {
    /// The call had already ended.
    case none
    /// The client went away before the status: cancel the handler with this error.
    case cancelCall(RPCError)
  }

  private(set) var response = ResponsePhase.notStarted
  private(set) var requestEnded = false
  /// Message bytes handed to the session so far, to tell how many it has sent.
  private(set) var enqueuedBytes = 0
  private var inbound: InboundStreamFlow

  /// - Parameters:
  ///   - maximumReceiveMessageSize: The limit for a request message, as sent and decompressed.
  ///   - requestEncoding: The request's `grpc-encoding`.
  init(maximumReceiveMessageSize: Int, requestEncoding: CompressionAlgorithm) {
    self.inbound = InboundStreamFlow(
      maximumMessageSize: maximumReceiveMessageSize, encoding: requestEncoding)
  }

  // MARK: Request side

  /// A DATA chunk arrived: its messages go to `sink` while the call is open.
  mutating func receiveData(
    _ bytes: ByteBuffer,
    into sink: (any InboundMessageSink)?,
    flowControl: any InboundFlowControl
  ) -> DataAction {
    guard self.response != .finished, let sink else { return .credit(bytes.readableBytes) }
    let credit = self.inbound.admit(bytes.readableBytes)
    do {
      try self.inbound.deframe(bytes, into: sink, flowControl: flowControl)
      return .credit(credit)
    } catch {
      return .fail(error, credit: credit)
    }
  }

  /// The client half-closed.
  mutating func receiveEndOfStream() -> RequestEndAction {
    guard !self.requestEnded else { return .none }
    self.requestEnded = true
    guard self.response != .finished else { return .none }
    guard !self.inbound.hasPartialMessage else {
      return .fail(
        RPCError(code: .internal, message: "the request stream ended in the middle of a message"))
    }
    return .endRequestStream
  }

  /// The reader caught up: the credit withheld while it was behind, to give back now.
  mutating func resumeInbound() -> Int {
    self.inbound.release()
  }

  // MARK: Response side

  /// The handler wrote a framed message of `size` bytes.
  mutating func sendMessage(size: Int) -> SendAction {
    switch self.response {
    case .finished:
      return .drop
    case .notStarted:
      self.response = .started
      self.enqueuedBytes += size
      return .sendHeadersAndMessage
    case .started:
      self.enqueuedBytes += size
      return .sendMessage
    }
  }

  /// The call ends with a status (from the handler, a deadline, or a transport failure). Request
  /// bytes that still arrive are no longer read by anyone, so withheld credit comes back.
  mutating func finish() -> FinishAction {
    let phase = self.response
    guard phase != .finished else { return .none }
    self.response = .finished
    let credit = self.inbound.release()
    return phase == .started ? .sendTrailers(credit: credit) : .sendTrailersOnly(credit: credit)
  }

  /// The stream closed with `errorCode`.
  mutating func streamClosed(errorCode: HTTP2ErrorCode) -> ClosedAction {
    guard self.response != .finished else { return .none }
    self.response = .finished
    return .cancelCall(
      RPCError(
        code: .cancelled,
        message: errorCode == .cancel
          ? "the client cancelled the call" : "the client reset the stream (\(errorCode))"))
  }
}
