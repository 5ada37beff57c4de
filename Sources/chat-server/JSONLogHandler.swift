import Foundation
import Logging

/// A `LogHandler` that writes one JSON object per line:
/// `{"ts":"…","level":"info","severity":"INFO","event":"<message>", …metadata}`.
///
/// `severity` is what Cloud Logging reads as the level. Metadata keys keep their dotted names
/// (`chat.room`); integer, floating-point and Boolean values become JSON numbers and Booleans.
struct JSONLogHandler: LogHandler {
  var logLevel: Logger.Level
  var metadata: Logger.Metadata = [:]
  var metadataProvider: Logger.MetadataProvider?
  private let output: JSONLogOutput
  private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

  init(output: JSONLogOutput, logLevel: Logger.Level) {
    self.output = output
    self.logLevel = logLevel
  }

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { self.metadata[key] }
    set { self.metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    var merged = self.metadata
    if let provided = self.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
    if let metadata = event.metadata { merged.merge(metadata) { _, new in new } }

    var object = JSONObject()
    object.add("ts", string: Date.now.formatted(Self.timestampStyle))
    object.add("level", string: event.level.rawValue)
    object.add("severity", string: Self.severity(event.level))
    object.add("event", string: event.message.description)
    for key in merged.keys.sorted() { object.add(key, value: merged[key]!) }
    self.output.write(object.text)
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
