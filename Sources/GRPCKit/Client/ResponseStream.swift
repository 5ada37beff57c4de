/// The response messages of a call on the client.
///
/// Iteration ends when the server ends the call with `OK`, and throws ``RPCError`` with the
/// server's status otherwise (or for a deadline, a cancellation, a lost connection).
///
/// A client interceptor can give the caller other messages: a stream over any `AsyncSequence`
/// of messages that keeps the call's headers and trailers.
///
/// ```swift
/// let streams = try await next(options, context)
/// let logged = ResponseStream(
///   streams.responses.map { response in logger.debug("response \(response)"); return response },
///   replacing: streams.responses)
/// return ClientCallStreams(requests: streams.requests, responses: logged)
/// ```
public struct ResponseStream<Message: ProtobufMessage>: AsyncSequence, Sendable {
  public typealias Element = Message
  let source: MessageSource<Message>
  /// The call whose headers and trailers a stream that replaced its messages reports.
  private let replacedCall: InboundMessageBuffer<Message>?

  package init(buffer: InboundMessageBuffer<Message>) {
    self.source = .transport(buffer)
    self.replacedCall = nil
  }

  /// A response stream whose messages are those of `messages`, with the headers and trailers
  /// of `original` (none when `original` is `nil`).
  ///
  /// - Parameters:
  ///   - messages: The messages the stream yields, and how it ends (a thrown error ends the
  ///     caller's iteration with that error).
  ///   - original: The stream whose call's headers and trailers this one reports.
  public init<Messages: AsyncSequence & Sendable>(
    _ messages: Messages,
    replacing original: ResponseStream<Message>? = nil
  ) where Messages.Element == Message {
    self.source = .wrapping(messages)
    self.replacedCall = original?.call
  }

  /// The transport's buffer for the call: headers and trailers come from it.
  private var call: InboundMessageBuffer<Message>? {
    if case .transport(let buffer) = self.source { return buffer }
    return self.replacedCall
  }

  /// The response headers (initial metadata); waits until they arrive. Empty for a
  /// trailers-only response.
  public func headers() async throws -> Metadata {
    guard let call = self.call else { return [:] }
    return try await call.headers()
  }

  /// The trailing metadata, once iteration has finished (also on failure).
  public var trailers: Metadata? { self.call?.trailers }

  /// Whether the message that iteration returned last arrived compressed: its gRPC message
  /// prefix had the compressed flag set. `false` before the first message, and for a stream
  /// whose messages an interceptor replaced.
  public var lastMessageWasCompressed: Bool {
    guard case .transport(let buffer) = self.source else { return false }
    return buffer.lastTakenWasCompressed
  }

  /// Iterates the response messages; the same iterator as a request stream's.
  public typealias AsyncIterator = RequestStream<Message>.AsyncIterator

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(base: self.source.makeIterator())
  }
}
