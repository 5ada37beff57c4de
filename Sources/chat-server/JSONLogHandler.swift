import Foundation
import Logging

/// A `LogHandler` that writes one JSON object per line, in the structured format Cloud Logging
/// reads from standard output:
///
/// ```json
/// {"time":"2026-01-01T12:00:00.123Z","severity":"INFO","message":"member joined",
///  "event":"member joined","level":"info",
///  "logging.googleapis.com/trace":"projects/ID/traces/4bf92f3577b34da6a3ce929d0e0e4736",
///  "logging.googleapis.com/spanId":"00f067aa0ba902b7","logging.googleapis.com/trace_sampled":true,
///  "chat.room":"lobby"}
/// ```
///
/// `time` is RFC 3339 in UTC, `severity` Cloud Logging's level, `message` the log message
/// (`event` and `level` repeat the message and swift-log's level, as before). The trace fields
/// appear when the line is written while a call with a trace context is served (``CallTrace``);
/// the trace is `projects/ID/traces/TRACE` when a project is known, else the trace id alone.
/// Metadata keys keep their dotted names (`chat.room`); integer, floating-point and Boolean
/// values become JSON numbers and Booleans. A metadata key equal to one of the fixed keys is
/// written as `metadata.KEY`, so no key appears twice.
struct JSONLogHandler: LogHandler {
  var logLevel: Logger.Level
  var metadata: Logger.Metadata = [:]
  var metadataProvider: Logger.MetadataProvider?
  private let output: JSONLogOutput
  private let project: String?
  private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
  static let fixedKeys: Set<String> = [
    "time", "severity", "message", "event", "level", "logging.googleapis.com/trace",
    "logging.googleapis.com/spanId", "logging.googleapis.com/trace_sampled",
  ]

  init(output: JSONLogOutput, logLevel: Logger.Level, project: String? = nil) {
    self.output = output
    self.logLevel = logLevel
    self.project = project
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { self.metadata[key] }
    set { self.metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var merged = self.metadata
    if let provided = self.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
    if let metadata = event.metadata { merged.merge(metadata) { _, new in new } }
    self.output.write(
      self.line(level: event.level, message: event.message.description, metadata: merged)
    )
  }

  /// The JSON line of one event, with the trace of the call the current task serves.
  func line(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
    var object = JSONObject()
    object.add("time", string: Date.now.formatted(Self.timestampStyle))
    object.add("severity", string: Self.severity(level))
    object.add("message", string: message)
    object.add("event", string: message)
    object.add("level", string: level.rawValue)
    if let trace = CallTrace.current {
      object.add(
        "logging.googleapis.com/trace",
        string: self.project.map { "projects/\($0)/traces/\(trace.traceID)" } ?? trace.traceID
      )
      if let span = trace.spanID { object.add("logging.googleapis.com/spanId", string: span) }
      object.add("logging.googleapis.com/trace_sampled", value: .stringConvertible(trace.sampled))
    }
    for key in metadata.keys.sorted() {
      let name = Self.fixedKeys.contains(key) ? "metadata.\(key)" : key
      // A key named like a renamed one ("metadata.event" beside "event") keeps the first.
      if name != key, metadata[name] != nil { continue }
      object.add(name, value: metadata[key]!)
    }
    return object.text
  }

  private static func severity(_ level: Logger.Level) -> String {
    switch level {
    case .trace, .debug: return "DEBUG"
    case .info: return "INFO"
    case .notice: return "NOTICE"
    case .warning: return "WARNING"
    case .error: return "ERROR"
    case .critical: return "CRITICAL"
    }
  }
}
