import ProtobufRuntime

@testable import GRPCKit

// libFuzzer target: a client's service config (gRFC A6 JSON) from parsing to the decisions a
// call takes with it.
//
// The input is the JSON text (invalid UTF-8 is replaced, as `String(decoding:)` does). Rules
// checked for every input:
// - `ServiceConfig(json:)` returns a configuration or throws a `ServiceConfigError` that names a
//   rule; it never traps, and parsing the same text again gives the same outcome;
// - for a configuration that parsed, every method it names resolves to a method config, and for
//   every retry policy each backoff step (up to `maxAttempts`, and one past) lies between zero and
//   `maxBackoff`, never trapping however large the durations and the multiplier are.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServiceConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let json = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let first = parse(json)
  let second = parse(json)
  precondition(first == second, "the same text parsed twice: \(first) and then \(second)")

  guard case .success(let config) = first else {
    if case .failure(let error) = first {
      precondition(!error.reason.isEmpty, "an error without a reason at '\(error.path)'")
    }
    return 0
  }
  for methodConfig in config.methodConfig {
    for name in methodConfig.names where !name.service.isEmpty {
      let method = ProtobufMethodDescriptor(
        name: name.method.isEmpty ? "Any" : name.method, serviceName: name.service,
        kind: .unary, inputType: "In",
        outputType: "Out")
      precondition(config.methodConfig(for: method) != nil, "\(name) resolves to nothing")
    }
    guard case .retry(let policy) = methodConfig.executionPolicy else { continue }
    for step in 1...(policy.effectiveMaxAttempts + 1) {
      let backoff = RetryingClientStream.backoff(policy, step: step)
      precondition(
        backoff >= .zero && backoff <= policy.maxBackoff,
        "backoff \(backoff) at step \(step) is outside 0...\(policy.maxBackoff)")
    }
  }
  return 0
}

func parse(_ json: String) -> Result<ServiceConfig, ServiceConfigError> {
  Result { () throws(ServiceConfigError) in try ServiceConfig(json: json) }
}
