/// A service configuration that cannot be used: malformed JSON, an unknown field or status
/// code, or a value that breaks a rule of gRFC A6. The message names the JSON path and the
/// rule, for example `methodConfig[0].retryPolicy.maxAttempts: must be at least 2 (is 1)`.
///
/// ```swift
/// do {
///   _ = try ServiceConfig(json: #"{"methodConfig": [{"nmae": []}]}"#)
/// } catch {
///   print(error)  // methodConfig[0].nmae: unknown field
/// }
/// ```
public struct ServiceConfigError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Where in the configuration the problem is, as a JSON path (`methodConfig[0].timeout`);
  /// empty for the document itself.
  public var path: String
  /// The rule that was broken.
  public var reason: String

  /// Creates an error.
  ///
  /// - Parameters:
  ///   - path: The JSON path of the offending value.
  ///   - reason: The rule it breaks.
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String {
    self.path.isEmpty ? "service config: \(self.reason)" : "\(self.path): \(self.reason)"
  }
}
