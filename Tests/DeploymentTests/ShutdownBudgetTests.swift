import Foundation
import Testing

/// The Deployment's shutdown timings fit together: the kubelet must not SIGKILL chat-server
/// while it drains.
@Suite("Deployment shutdown budget")
struct ShutdownBudgetTests {
  /// After `--grace-period`, chat-server's transport ends what is left one second later and
  /// waits at most twice its 5 s close timeout for connections to close.
  static let drainMargin = 1.0 + 2 * 5.0

  @Test(
    "terminationGracePeriodSeconds covers the preStop pause, --grace-period and the final close"
  )
  func terminationGraceCoversDrain() throws {
    let text = try String(
      contentsOf: RepositoryLayout.k8s.appendingPathComponent("deployment.yaml"),
      encoding: .utf8
    )
    let termination = try #require(Self.number(after: "terminationGracePeriodSeconds: ", in: text))
    let grace = try #require(
      Self.number(after: "--grace-period=", in: text),
      "chat-server has no --grace-period"
    )
    let preStop = try #require(Self.number(after: "sleep:\n                seconds: ", in: text))
    #expect(preStop + grace + Self.drainMargin <= termination)
  }

  /// The number that follows the first occurrence of `prefix`.
  private static func number(after prefix: String, in text: String) -> Double? {
    guard let range = text.range(of: prefix) else { return nil }
    return Double(text[range.upperBound...].prefix { $0.isNumber || $0 == "." })
  }
}
