import InMemoryTracing
import Synchronization
import Tracing

/// swift-distributed-tracing's in-memory tracer (spans kept for inspection) with W3C trace
/// context propagation: it injects `traceparent` and extracts a well-formed one, as an
/// OpenTelemetry tracer does, so the tests see real headers on the wire.
struct W3CInMemoryTracer: Tracer {
  typealias Span = InMemorySpan
  private let inner = InMemoryTracer(
    idGenerator: InMemoryTracer.IDGenerator(
      nextTraceID: { Self.randomHex(bytes: 16) },
      nextSpanID: { Self.randomHex(bytes: 8) }
    )
  )

  /// The tracer every test uses: `InstrumentationSystem` is bootstrapped once per process.
  static let shared: W3CInMemoryTracer = {
    let tracer = W3CInMemoryTracer()
    InstrumentationSystem.bootstrap(tracer)
    return tracer
  }()

  func startSpan<Instant: TracerInstant>(
    _ operationName: String,
    context: @autoclosure () -> InstrumentationContext,
    ofKind kind: SpanKind,
    at instant: @autoclosure () -> Instant,
    function: String,
    file fileID: String,
    line: UInt
  ) -> InMemorySpan {
    self.inner.startSpan(
      operationName,
      context: context(),
      ofKind: kind,
      at: instant(),
      function: function,
      file: fileID,
      line: line
    )
  }

  func forceFlush() {}

  func inject<Carrier, Inject: Injector>(
    _ context: InstrumentationContext,
    into carrier: inout Carrier,
    using injector: Inject
  ) where Carrier == Inject.Carrier {
    guard let span = context.inMemorySpanContext else { return }
    injector.inject("00-\(span.traceID)-\(span.spanID)-01", forKey: "traceparent", into: &carrier)
  }

  func extract<Carrier, Extract: Extractor>(
    _ carrier: Carrier,
    into context: inout InstrumentationContext,
    using extractor: Extract
  ) where Carrier == Extract.Carrier {
    guard let header = extractor.extract(key: "traceparent", from: carrier),
      let (traceID, spanID) = Self.parse(traceparent: header)
    else { return }
    context.inMemorySpanContext = InMemorySpanContext(
      traceID: traceID,
      spanID: spanID,
      parentSpanID: nil
    )
  }

  /// The finished spans of one trace.
  func finishedSpans(ofTrace traceID: String) -> [FinishedInMemorySpan] {
    self.inner.finishedSpans.filter { $0.traceID == traceID }
  }

  /// Every finished span.
  var finishedSpans: [FinishedInMemorySpan] { self.inner.finishedSpans }

  /// The trace and parent span of a version-00 `traceparent`; `nil` when malformed.
  static func parse(traceparent: String) -> (traceID: String, spanID: String)? {
    let fields = traceparent.split(separator: "-", omittingEmptySubsequences: false).map(
      String.init
    )
    let hex = Set("0123456789abcdef")
    guard fields.count == 4, fields[0] == "00", fields[1].count == 32, fields[2].count == 16,
      fields[3].count == 2,
      fields.allSatisfy({ $0.allSatisfy(hex.contains) }), fields[1].contains(where: { $0 != "0" }),
      fields[2].contains(where: { $0 != "0" })
    else { return nil }
    return (fields[1], fields[2])
  }

  private static func randomHex(bytes: Int) -> String {
    (0 ..< bytes).map { _ in
      let byte = UInt8.random(in: 0 ... 255)
      return (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }.joined()
  }
}
