public import GRPCKit
public import Tracing

/// Reads trace headers (`traceparent`, `tracestate`, or whatever the tracer propagates) from
/// request metadata, for `Instrument.extract`.
public struct MetadataExtractor: Extractor {
  public init() {}

  public func extract(key: String, from carrier: Metadata) -> String? {
    carrier.first(key)
  }
}

/// Writes trace headers into request metadata, for `Instrument.inject`; a header the metadata
/// already had is replaced, so a call never carries two parents.
public struct MetadataInjector: Injector {
  public init() {}

  public func inject(_ value: String, forKey key: String, into carrier: inout Metadata) {
    carrier.removeAll(key)
    carrier.add(key, value)
  }
}
