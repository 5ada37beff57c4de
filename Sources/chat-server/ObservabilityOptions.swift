import ArgumentParser
import Foundation
import Logging

/// `--log-level`: swift-log's levels by name.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
  case trace, debug, info, notice, warning, error, critical

  /// The swift-log level.
  var level: Logger.Level { Logger.Level(rawValue: self.rawValue) ?? .info }
}

/// `chat-server`'s logging and metrics flags.
struct ObservabilityOptions: ParsableArguments {
  @Option(
    help: "The lowest log level written: trace, debug, info, notice, warning, error, critical."
  )
  var logLevel = LogLevel.info

  @Flag(
    inversion: .prefixedNo,
    help: "Log one line per call at info: method, status code, duration, peer, messages in and out."
  )
  var accessLog = false

  @Option(
    help: ArgumentHelp(
      """
      The Google Cloud project of logging.googleapis.com/trace in log lines of traced calls \
      (projects/ID/traces/TRACE). (default: $GOOGLE_CLOUD_PROJECT, else the trace id alone)
      """,
      valueName: "id"
    )
  )
  var gcpProject: String?

  @Option(
    help: ArgumentHelp(
      "Serve Prometheus metrics (text format) on GET /metrics on this port, apart from the gRPC port; 0 takes a free port.",
      valueName: "port"
    )
  )
  var metricsPort: Int?

  @Option(
    help: ArgumentHelp(
      """
      Export a span per call over OTLP/HTTP to this collector (http[s]://host:port; /v1/traces is \
      appended). Spans continue the caller's W3C traceparent; log lines then carry the server span.
      """,
      valueName: "url"
    )
  )
  var otlpEndpoint: String?

  func validate() throws {
    if let endpoint = self.otlpEndpoint {
      let scheme = endpoint.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() }
      let rest = endpoint.drop { $0 != ":" }
      guard scheme == "http" || scheme == "https", rest.hasPrefix("://"), rest.count > 3,
        URL(string: endpoint)?.host?.isEmpty == false
      else {
        throw ValidationError(
          "--otlp-endpoint \(endpoint) is not an http:// or https:// URL with a host"
        )
      }
      #if GRPCKIT_TSAN
      throw ValidationError(
        "--otlp-endpoint is not available in a ThreadSanitizer build (swift-otel does not compile"
          + " with -sanitize=thread); use an ordinary build"
      )
      #endif
    }
    if let port = self.metricsPort, !(0 ... 65535).contains(port) {
      throw ValidationError("--metrics-port \(port) is not in 0...65535")
    }
  }

  /// `--gcp-project`, else `$GOOGLE_CLOUD_PROJECT`; `nil` when neither is set.
  var project: String? {
    if let project = self.gcpProject, !project.isEmpty { return project }
    guard let variable = ProcessInfo.processInfo.environment["GOOGLE_CLOUD_PROJECT"],
      !variable.isEmpty
    else {
      return nil
    }
    return variable
  }
}
