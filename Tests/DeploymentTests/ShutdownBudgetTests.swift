import Foundation
import Testing

/// Each Deployment's shutdown timings fit together: the kubelet must not SIGKILL chat-server
/// while it drains.
@Suite("Deployment shutdown budget")
struct ShutdownBudgetTests {
  /// After `--grace-period`, chat-server's transport ends what is left one second later and
  /// waits at most twice its 5 s close timeout for connections to close.
  static let drainMargin = 1.0 + 2 * 5.0

  @Test(
    "terminationGracePeriodSeconds covers the preStop pause, --grace-period and the final close",
    arguments: DeploymentFiles.deployments
  )
  func terminationGraceCoversDrain(file: String) async throws {
    let manifests = try await K8sManifests.load()
    let pod = try manifests.document(file).podSpec
    let server = pod.container("chat-server")
    let termination = try #require(pod["terminationGracePeriodSeconds"].int, "\(file)")
    let grace = try #require(
      server.argument("--grace-period").flatMap { Double($0) },
      "\(file): chat-server has no --grace-period"
    )
    let preStop = try #require(
      server["lifecycle"]["preStop"]["sleep"]["seconds"].int,
      "\(file): no preStop sleep"
    )
    #expect(Double(preStop) + grace + Self.drainMargin <= Double(termination), "\(file)")
  }
}
