import GRPCKit
import GRPCTestSupport

/// Wraps both streams of every Echo call: request texts are upper-cased on their way to the
/// handler, response texts get `!` appended on their way to the client, and both are counted.
struct TransformingServerInterceptor: ServerInterceptor {
  let received = MessageCounter()
  let sent = MessageCounter()

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    requests: RequestStream<Request>,
    responses: ResponseWriter<Response>,
    context: ServerContext,
    next: @Sendable (RequestStream<Request>, ResponseWriter<Response>, ServerContext) async throws -> Void
  ) async throws {
    let received = self.received, sent = self.sent
    let upperCased = RequestStream(
      requests.map { request in
        received.increment()
        return EchoText.map(request) { $0.uppercased() }
      })
    let marked = ResponseWriter<Response> { response, compress in
      sent.increment()
      try await responses.write(EchoText.map(response) { $0 + "!" }, compress: compress)
    }
    try await next(upperCased, marked, context)
  }
}

/// Wraps both streams of every Echo call on the client: request texts are upper-cased before
/// they are sent, response texts get `?` appended before the caller reads them, and both are
/// counted.
struct TransformingClientInterceptor: ClientInterceptor {
  let written = MessageCounter()
  let read = MessageCounter()

  func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    let streams: ClientCallStreams<Request, Response> = try await next(options, context)
    let written = self.written, read = self.read
    let requests = RequestWriter<Request>(
      write: { request, compress in
        written.increment()
        try await streams.requests.write(EchoText.map(request) { $0.uppercased() }, compress: compress)
      },
      finish: { streams.requests.finish() })
    let responses = ResponseStream(
      streams.responses.map { response in
        read.increment()
        return EchoText.map(response) { $0 + "?" }
      },
      replacing: streams.responses)
    return ClientCallStreams(requests: requests, responses: responses)
  }
}

/// Changes the text of an Echo request or response seen through a generic interceptor.
enum EchoText {
  static func map<Message: ProtobufMessage>(_ message: Message, _ transform: (String) -> String) -> Message {
    if var request = message as? Echo_EchoRequest {
      request.text = transform(request.text)
      return request as! Message
    }
    if var response = message as? Echo_EchoResponse {
      response.text = transform(response.text)
      return response as! Message
    }
    return message
  }
}
