/// The two streams of a started client call: where the caller writes requests and where it
/// reads responses. Client interceptors return them, wrapped or replaced.
public struct ClientCallStreams<Request: ProtobufMessage, Response: ProtobufMessage>: Sendable {
  /// Where the caller writes request messages.
  public var requests: RequestWriter<Request>
  /// Where the caller reads response messages, headers and trailers.
  public var responses: ResponseStream<Response>

  /// Pairs two streams.
  ///
  /// - Parameters:
  ///   - requests: The request writer.
  ///   - responses: The response stream.
  public init(requests: RequestWriter<Request>, responses: ResponseStream<Response>) {
    self.requests = requests
    self.responses = responses
  }
}
