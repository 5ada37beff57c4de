import GRPCKit
import NIOCore

/// The gRPC rules of one client call's response, as a value: each input (a header block, DATA,
/// END_STREAM, RST_STREAM) updates the state and returns what the connection must do. It performs
/// nothing itself; the connection handler turns the actions into nghttp2 calls and deliveries to
/// the call, and tests drive it without sockets.
///
/// The rules it holds (gRPC over HTTP/2, "Responses"): `1xx` headers are skipped; a non-200
/// `:status` without `grpc-status` maps to a code by HTTP status; a header block that ends the
/// stream is a trailers-only response and must carry `grpc-status`; a 200 response needs a gRPC
/// `content-type` and an accepted `grpc-encoding`; trailers need `grpc-status` and must not cut a
/// message; DATA that ends the stream without trailers is `INTERNAL`; a reset maps to a code by
/// its HTTP/2 error, and `REFUSED_STREAM` before any response may be replayed elsewhere.
struct ClientStreamStateMachine {
  enum Phase: Equatable {
    /// The request is out; no response headers yet.
    case awaitingHeaders
    /// Response headers arrived; messages may follow.
    case receivingMessages
    /// The call has its outcome.
    case finished
  }

  /// What to do with a header block.
  enum HeadersAction: Equatable {
    /// Nothing: informational headers, or the call is already over.
    case none
    /// Give the call its response headers; messages follow.
    case receiveHeaders(Metadata)
    /// The call ends with the server's status.
    case complete(Status, trailers: Metadata)
    /// The response breaks a rule: the call ends with the error; with `reset`, the stream is
    /// still open and is reset (CANCEL).
    case fail(RPCError, reset: Bool)
  }

  /// What to do with a DATA chunk.
  enum DataAction: Equatable {
    /// Give `credit` bytes of stream flow-control credit back now (0 while the reader is behind).
    case credit(Int)
    /// The bytes break a rule: end the call with the error and reset the stream, after giving
    /// `credit` bytes back.
    case fail(RPCError, credit: Int)
  }

  /// What to do when the stream closes.
  enum ClosedAction: Equatable {
    /// The call already had its outcome.
    case none
    /// The server did not process the request (`REFUSED_STREAM` before any response): replay it
    /// on another connection if the call allows, else end it with the error.
    case retryOrFail(RPCError)
    /// End the call with the error.
    case fail(RPCError)
  }

  private(set) var phase = Phase.awaitingHeaders
  /// Message bytes handed to the session so far, to tell how many it has sent.
  private(set) var enqueuedBytes = 0
  private var inbound: InboundStreamFlow
  private let enabledCompression: [CompressionAlgorithm]

  /// - Parameters:
  ///   - maximumReceiveMessageSize: The limit for a response message, as sent and decompressed.
  ///   - enabledCompression: The response encodings this client accepts.
  init(maximumReceiveMessageSize: Int, enabledCompression: [CompressionAlgorithm]) {
    self.inbound = InboundStreamFlow(maximumMessageSize: maximumReceiveMessageSize)
    self.enabledCompression = enabledCompression
  }

  /// True once the call has its outcome.
  var isFinished: Bool { self.phase == .finished }

  // MARK: Request side

  /// The call wrote a framed message of `size` bytes.
  /// - Returns: false if the call is over and the message is dropped.
  mutating func sendMessage(size: Int) -> Bool {
    guard self.phase != .finished else { return false }
    self.enqueuedBytes += size
    return true
  }

  /// The call ended with an outcome of its own (cancelled, failed, deadline, or the server's
  /// status, once delivered).
  /// - Returns: false if it already had one.
  mutating func finish() -> Bool {
    guard self.phase != .finished else { return false }
    self.phase = .finished
    return true
  }

  // MARK: Response side

  /// A header block that is not the stream's trailers.
  mutating func receiveHeaders(_ fields: [HTTP2HeaderField], endStream: Bool) -> HeadersAction {
    guard self.phase == .awaitingHeaders else {
      guard self.phase == .receivingMessages else { return .none }
      // A second block is the trailers; nghttp2 reports it as such, so this is unreachable
      // unless it sent headers twice.
      return self.receiveTrailers(fields)
    }
    var httpStatus = 0
    var contentType: String?
    var grpcStatus: String?
    var grpcMessage = ""
    var encoding: String?
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
    if (100..<200).contains(httpStatus) { return .none }  // informational; the real headers follow
    var metadata = GRPCHeaders.metadata(from: fields.lazy.map { ($0.name, $0.value) })
    if endStream {
      GRPCHeaders.addRetryMetadata(from: fields.lazy.map { ($0.name, $0.value) }, to: &metadata)
    }
    guard httpStatus == 200 else {
      if let grpcStatus {
        return self.complete(
          Status(code: GRPCHeaders.statusCode(grpcStatus), message: grpcMessage), metadata)
      }
      let code = GRPCHeaders.statusCode(forHTTPStatus: httpStatus)
      return self.fail(
        RPCError(
          code: code, message: "HTTP status \(httpStatus) without grpc-status", metadata: metadata),
        reset: !endStream)
    }
    if endStream {
      // A trailers-only response.
      guard let grpcStatus else {
        return self.fail(
          RPCError(code: .internal, message: "the HTTP 200 response ended without grpc-status"),
          reset: false)
      }
      return self.complete(
        Status(code: GRPCHeaders.statusCode(grpcStatus), message: grpcMessage), metadata)
    }
    guard let contentType, GRPCHeaders.isGRPCContentType(contentType) else {
      return self.fail(
        RPCError(
          code: .unknown,
          message: "HTTP 200 response content-type '\(contentType ?? "")' is not application/grpc"),
        reset: true)
    }
    if let encoding, encoding != CompressionAlgorithm.identity.name {
      guard let algorithm = CompressionAlgorithm(named: encoding),
        self.enabledCompression.contains(algorithm)
      else {
        let accepted = CompressionAlgorithm.acceptEncoding(self.enabledCompression)
        return self.fail(
          RPCError(
            code: .internal,
            message:
              "response grpc-encoding '\(encoding)' is not one this client accepts (\(accepted))"
          ),
          reset: true)
      }
      self.inbound.setEncoding(algorithm)
    }
    self.phase = .receivingMessages
    return .receiveHeaders(metadata)
  }

  /// The trailers that end a response with messages.
  mutating func receiveTrailers(_ fields: [HTTP2HeaderField]) -> HeadersAction {
    guard self.phase != .finished else { return .none }
    var grpcStatus: String?
    var grpcMessage = ""
    for field in fields {
      if field.name == "grpc-status" { grpcStatus = field.value }
      if field.name == "grpc-message" { grpcMessage = StatusMessageEncoding.decode(field.value) }
    }
    var metadata = GRPCHeaders.metadata(from: fields.lazy.map { ($0.name, $0.value) })
    GRPCHeaders.addRetryMetadata(from: fields.lazy.map { ($0.name, $0.value) }, to: &metadata)
    guard let grpcStatus else {
      return self.fail(
        RPCError(code: .internal, message: "the trailers have no grpc-status", metadata: metadata),
        reset: false)
    }
    guard !self.inbound.hasPartialMessage else {
      return self.fail(
        RPCError(code: .internal, message: "the response stream ended in the middle of a message"),
        reset: false)
    }
    return self.complete(
      Status(code: GRPCHeaders.statusCode(grpcStatus), message: grpcMessage), metadata)
  }

  /// A DATA chunk arrived: its messages go to `sink` while the call is open.
  mutating func receiveData(
    _ bytes: ByteBuffer,
    into sink: any InboundMessageSink,
    flowControl: any InboundFlowControl
  ) -> DataAction {
    guard self.phase != .finished else { return .credit(bytes.readableBytes) }
    let credit = self.inbound.admit(bytes.readableBytes)
    guard self.phase == .receivingMessages else {
      self.phase = .finished
      return .fail(
        RPCError(code: .internal, message: "the server sent DATA before the response headers"),
        credit: credit)
    }
    do {
      try self.inbound.deframe(bytes, into: sink, flowControl: flowControl)
      return .credit(credit)
    } catch {
      self.phase = .finished
      return .fail(error, credit: credit)
    }
  }

  /// END_STREAM on DATA: the server never sent trailers.
  mutating func receiveEndOfStream() -> HeadersAction {
    guard self.phase != .finished else { return .none }
    return self.fail(
      RPCError(
        code: .internal, message: "the server ended the stream without trailers (no grpc-status)"),
      reset: false)
  }

  /// The reader caught up: the credit withheld while it was behind, to give back now.
  mutating func resumeInbound() -> Int {
    self.inbound.release()
  }

  /// The stream closed with `errorCode`; `goAwayError` describes a GOAWAY with an error that
  /// came before, if any.
  mutating func streamClosed(errorCode: HTTP2ErrorCode, goAwayError: String?) -> ClosedAction {
    let phase = self.phase
    guard phase != .finished else { return .none }
    self.phase = .finished
    if errorCode == .refusedStream {
      let error =
        goAwayError.map {
          RPCError(code: .unavailable, message: "the server refused the stream after \($0)")
        } ?? RPCError(code: .unavailable, message: "the server refused the stream (REFUSED_STREAM)")
      return phase == .awaitingHeaders ? .retryOrFail(error) : .fail(error)
    }
    return .fail(Self.resetError(errorCode))
  }

  private static func resetError(_ errorCode: HTTP2ErrorCode) -> RPCError {
    switch errorCode {
    case .noError:
      RPCError(code: .internal, message: "the server closed the stream without a status")
    case .cancel:
      RPCError(code: .cancelled, message: "the server cancelled the stream")
    case .enhanceYourCalm:
      RPCError(code: .resourceExhausted, message: "the server reset the stream: ENHANCE_YOUR_CALM")
    case .inadequateSecurity:
      RPCError(code: .permissionDenied, message: "the server reset the stream: INADEQUATE_SECURITY")
    default:
      RPCError(code: .internal, message: "the server reset the stream (HTTP/2 error \(errorCode))")
    }
  }

  private mutating func complete(_ status: Status, _ trailers: Metadata) -> HeadersAction {
    self.phase = .finished
    return .complete(status, trailers: trailers)
  }

  private mutating func fail(_ error: RPCError, reset: Bool) -> HeadersAction {
    self.phase = .finished
    return .fail(error, reset: reset)
  }
}
