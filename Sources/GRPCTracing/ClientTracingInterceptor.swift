public import GRPCKit
import Synchronization
import Tracing

/// Traces every client call it intercepts: starts a client span whose parent is the task's
/// `InstrumentationContext.current` (inside a server handler traced by
/// ``ServerTracingInterceptor``: the server call's span), and sends its context in the request
/// metadata (W3C `traceparent` and `tracestate`, through the bootstrapped tracer's
/// `Instrument`), so the server it calls continues the trace.
///
/// The span ends when the caller's reading of the responses ends (with the call's status as
/// `rpc.grpc.status_code`; any code but `OK` has error status), or when the call fails to start.
/// A caller that stops reading before the end leaves its span unended. Install it first so its
/// span covers the other interceptors.
///
/// ```swift
/// let client = GRPCClient(transport: transport, interceptors: [ClientTracingInterceptor()])
/// ```
public struct ClientTracingInterceptor: ClientInterceptor {
  /// Creates the interceptor.
  public init() {}

  public func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    let method = context.method
    let span = startSpan(
      "\(method.serviceName)/\(method.name)",
      context: InstrumentationContext.current ?? .topLevel,
      ofKind: .client
    )
    span.updateAttributes { attributes in
      attributes["rpc.system"] = "grpc"
      attributes["rpc.service"] = method.serviceName
      attributes["rpc.method"] = method.name
    }
    var options = options
    InstrumentationSystem.instrument.inject(
      span.context,
      into: &options.metadata,
      using: MetadataInjector()
    )
    let ending = SpanEnding(span)
    let streams: ClientCallStreams<Request, Response>
    do {
      streams = try await next(options, context)
    } catch {
      ending.end(error)
      throw error
    }
    return ClientCallStreams(
      requests: streams.requests,
      responses: ResponseStream(
        TracedResponses(base: streams.responses, ending: ending),
        replacing: streams.responses
      )
    )
  }
}

/// Ends a client span once, with the call's outcome.
private final class SpanEnding: Sendable {
  private let span: any Span
  private let ended = Atomic(false)

  init(_ span: any Span) {
    self.span = span
  }

  /// Ends the span: `OK` when `error` is `nil`.
  func end(_ error: (any Error)?) {
    guard !self.ended.exchange(true, ordering: .relaxed) else { return }
    let code = error.map { ($0 as? RPCError)?.code ?? .unknown } ?? .ok
    self.span.attributes["rpc.grpc.status_code"] = code.rawValue
    if let error {
      self.span.recordError(error)
      self.span.setStatus(SpanStatus(code: .error, message: code.name))
    }
    self.span.end()
  }
}

/// The responses of a call; the end of iteration ends the span.
private struct TracedResponses<Message: ProtobufMessage>: AsyncSequence, Sendable {
  typealias Element = Message
  let base: ResponseStream<Message>
  let ending: SpanEnding

  func makeAsyncIterator() -> Iterator {
    Iterator(base: self.base.makeAsyncIterator(), ending: self.ending)
  }

  struct Iterator: AsyncIteratorProtocol {
    var base: ResponseStream<Message>.AsyncIterator
    let ending: SpanEnding

    mutating func next() async throws -> Message? {
      do {
        guard let message = try await self.base.next() else {
          self.ending.end(nil)
          return nil
        }
        return message
      } catch {
        self.ending.end(error)
        throw error
      }
    }
  }
}
