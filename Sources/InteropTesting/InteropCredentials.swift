import Foundation

/// The gRPC project's public interop test credentials (`src/core/tsi/test_creds` in the grpc
/// repository, also shipped with its Python interop tests), bundled with this module: every
/// implementation's interop server presents `server1.pem`, and clients trust `ca.pem` and check
/// the name ``serverHostOverride``. Test keys: never use them for anything else.
public enum InteropCredentials {
  /// The name clients pass as `--server_host_override`: `server1.pem` is issued for
  /// `*.test.google.fr`.
  public static let serverHostOverride = "foo.test.google.fr"

  /// The path of the test CA certificate (`ca.pem`) that signed `server1.pem`.
  public static var certificateAuthorityPath: String { Self.path("ca.pem") }

  /// The path of the server certificate (`server1.pem`).
  public static var serverCertificatePath: String { Self.path("server1.pem") }

  /// The path of the server's private key (`server1.key`).
  public static var serverKeyPath: String { Self.path("server1.key") }

  private static func path(_ file: String) -> String {
    Bundle.module.bundleURL.appendingPathComponent("Credentials").appendingPathComponent(file).path
  }
}
