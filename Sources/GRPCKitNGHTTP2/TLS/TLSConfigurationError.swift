/// A TLS certificate, key or trust-root file that cannot be used, with the file and the problem.
///
/// ``NGHTTP2ServerTransport`` throws it from `listen` and from
/// ``NGHTTP2ServerTransport/reloadTLSCertificates()``; client calls that cannot load their files
/// fail with `UNAVAILABLE` whose message is this error's.
public struct TLSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong, naming the file: `TLS private key /etc/tls/tls.key: no PEM private key in the file`.
  public var message: String

  /// Creates an error.
  ///
  /// - Parameter message: What is wrong, naming the file.
  public init(_ message: String) {
    self.message = message
  }

  public var description: String { self.message }
}
