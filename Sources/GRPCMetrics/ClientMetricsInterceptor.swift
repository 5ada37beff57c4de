public import CoreMetrics
public import GRPCKit

/// Counts and times the client's calls through swift-metrics, with go-grpc-prometheus's names
/// and labels: `grpc_client_started_total`, `grpc_client_handled_total` (with `grpc_code`),
/// `grpc_client_msg_received_total`, `grpc_client_msg_sent_total` and
/// `grpc_client_handling_seconds`, each labelled `grpc_type`, `grpc_service`, `grpc_method`.
///
/// A call is started when it reaches this interceptor. It is handled when the caller's reading
/// of the responses ends: with `OK` when the response stream finishes, with the error's code
/// when it throws, or when starting the call failed. A caller that stops reading before the end
/// (a server-streaming body that returns early) leaves its call started but not handled, as in
/// go-grpc-prometheus. Install it first so that it sees what the caller sees.
///
/// ```swift
/// let client = GRPCClient(transport: transport, interceptors: [ClientMetricsInterceptor()])
/// ```
public struct ClientMetricsInterceptor: ClientInterceptor {
  private let families: RPCMetricFamilies

  /// Creates the interceptor.
  ///
  /// - Parameter factory: Makes the metrics; by default the backend bootstrapped with
  ///   `MetricsSystem.bootstrap` (read when the interceptor is created).
  public init(factory: any MetricsFactory = MetricsSystem.factory) {
    self.families = RPCMetricFamilies(side: "client", factory: factory)
  }

  public func intercept<Request: ProtobufMessage, Response: ProtobufMessage>(
    options: CallOptions,
    context: ClientContext,
    next: (CallOptions, ClientContext) async throws -> ClientCallStreams<Request, Response>
  ) async throws -> ClientCallStreams<Request, Response> {
    let metrics = self.families.metrics(for: context.method)
    metrics.started.increment()
    let start = ContinuousClock.now
    let streams: ClientCallStreams<Request, Response>
    do {
      streams = try await next(options, context)
    } catch {
      metrics.finished((error as? RPCError)?.code ?? .unknown, after: .now - start)
      throw error
    }
    let sent = metrics.sent
    let requests = streams.requests
    let countedRequests = RequestWriter<Request>(
      write: { message, compress in
        try await requests.write(message, compress: compress)
        sent.increment()
      },
      finish: { requests.finish() }
    )
    let countedResponses = ResponseStream(
      CountedResponses(base: streams.responses, metrics: metrics, start: start),
      replacing: streams.responses
    )
    return ClientCallStreams(requests: countedRequests, responses: countedResponses)
  }
}

/// The responses of a call, counted; the end of iteration records the call's outcome once.
private struct CountedResponses<Message: ProtobufMessage>: AsyncSequence, Sendable {
  typealias Element = Message
  let base: ResponseStream<Message>
  let metrics: MethodMetrics
  let start: ContinuousClock.Instant

  func makeAsyncIterator() -> Iterator {
    Iterator(base: self.base.makeAsyncIterator(), metrics: self.metrics, start: self.start)
  }

  struct Iterator: AsyncIteratorProtocol {
    var base: ResponseStream<Message>.AsyncIterator
    let metrics: MethodMetrics
    let start: ContinuousClock.Instant
    var finished = false

    mutating func next() async throws -> Message? {
      guard !self.finished else { return nil }
      do {
        if let message = try await self.base.next() {
          self.metrics.received.increment()
          return message
        }
        self.finished = true
        self.metrics.finished(.ok, after: .now - self.start)
        return nil
      } catch {
        self.finished = true
        self.metrics.finished((error as? RPCError)?.code ?? .unknown, after: .now - self.start)
        throw error
      }
    }
  }
}
