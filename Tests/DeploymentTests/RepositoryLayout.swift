import Foundation
import GRPCTestSupport

/// Paths of the repository the tests run in.
enum RepositoryLayout {
  /// The repository root (this file is `Tests/DeploymentTests/RepositoryLayout.swift`).
  static let root: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The deployment files.
  static let k8s: URL = root.appendingPathComponent("k8s")

  /// `Protos/`, for grpcurl calls that must not depend on the server's reflection.
  static let protos: URL = root.appendingPathComponent("Protos")

  /// The `.yaml` files directly under `k8s/`, sorted by name.
  static func k8sYAMLFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: k8s.path)
      .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
      .filter { !$0.hasPrefix(".") }
      .sorted()
  }

  /// `chat-server` next to the test bundle (both are build products), or `$CHAT_SERVER_BINARY`.
  static func chatServerBinary() throws(DeploymentTestError) -> String {
    do {
      return try builtProduct("chat-server")
    } catch {
      throw DeploymentTestError("\(error)")
    }
  }
}
