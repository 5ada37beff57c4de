/// The version of this package, which `chat-server --version` and `chat-client --version` print.
package enum ProjectVersion {
  /// Semantic version of the release these sources are.
  package static let current = "0.11.0"
}
