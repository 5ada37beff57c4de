import Testing

@testable import GRPCKit

@Suite("Retry backoff, throttling and per-method defaults")
struct RetryPolicyTests {
  static let policy = ServiceConfig.RetryPolicy(
    maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), backoffMultiplier: 2,
    retryableStatusCodes: [.unavailable])

  @Test(
    "Each backoff is random between zero and min(initial × multiplier^(n-1), max)",
    arguments: [(1, 0.1), (2, 0.2), (3, 0.4), (4, 0.8), (5, 1.0), (9, 1.0)]
  )
  func backoffBounds(step: Int, bound: Double) {
    let samples = (0..<200).map { _ in RetryingClientStream.backoff(Self.policy, step: step) }
    #expect(samples.allSatisfy { $0 >= .zero && $0 <= .milliseconds(Int(bound * 1000)) })
    // Jitter: 200 draws from [0, bound] are not all equal.
    #expect(Set(samples).count > 1)
  }

  @Test("Backoffs of centuries do not trap and stay within maxBackoff")
  func hugeBackoff() {
    // The longest duration a config can give: 315,576,000,000 s (10,000 years). Backoffs were
    // converted through nanoseconds in an Int64, which traps above about 292 years.
    let longest = Duration.seconds(315_576_000_000)
    let policy = ServiceConfig.RetryPolicy(
      maxAttempts: 5, initialBackoff: longest, maxBackoff: longest, backoffMultiplier: 1e300,
      retryableStatusCodes: [.unavailable])
    for step in 1...6 {
      for _ in 0..<100 {
        let backoff = RetryingClientStream.backoff(policy, step: step)
        #expect(backoff >= .zero && backoff <= longest)
      }
    }
  }

  @Test("The throttle refuses retries at or below half its tokens and recovers with successes")
  func throttle() {
    let throttle = RetryThrottle(ServiceConfig.RetryThrottling(maxTokens: 10, tokenRatio: 0.5))
    for _ in 0..<4 { throttle.recordFailure() }
    #expect(throttle.isRetryPermitted)
    throttle.recordFailure()
    #expect(throttle.tokens == 5)
    #expect(!throttle.isRetryPermitted)
    throttle.recordSuccess()
    #expect(throttle.tokens == 5.5)
    #expect(throttle.isRetryPermitted)
    for _ in 0..<20 { throttle.recordSuccess() }
    #expect(throttle.tokens == 10)
  }

  @Test("A method config fills the options the call leaves unset and keeps the ones it sets")
  func methodDefaults() {
    let config = ServiceConfig.MethodConfig(
      names: [.init(service: "echo.Echo")], timeout: .seconds(3), waitForReady: true, maxRequestMessageBytes: 10,
      maxResponseMessageBytes: 20)
    var unset = CallOptions()
    GRPCClient.apply(config, to: &unset)
    #expect(unset.timeout == .seconds(3))
    #expect(unset.waitForReady)
    #expect(unset.maximumSendMessageSize == 10)
    #expect(unset.maximumReceiveMessageSize == 20)
    var set = CallOptions(timeout: .seconds(1), maximumReceiveMessageSize: 5, maximumSendMessageSize: 6)
    GRPCClient.apply(config, to: &set)
    #expect(set.timeout == .seconds(1))
    #expect(set.maximumSendMessageSize == 6)
    #expect(set.maximumReceiveMessageSize == 5)
  }
}
