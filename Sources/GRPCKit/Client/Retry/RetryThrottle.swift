import GRPCLocking

/// A client's retry throttling token bucket (gRFC A6): a failed attempt takes one token, an OK
/// call returns `tokenRatio`; while the tokens are at or below half the bucket, calls are not
/// retried and no further hedged attempts start. Tokens are counted in thousandths, so the
/// ratio keeps three decimal places, as in grpc-go and grpc-swift 2.
package final class RetryThrottle: Sendable {
  private let scaledTokens: Mutex<Int>
  private let scaledMaximum: Int
  private let scaledRatio: Int

  package init(_ settings: ServiceConfig.RetryThrottling) {
    self.scaledMaximum = settings.maxTokens * 1000
    self.scaledRatio = Int(settings.tokenRatio * 1000)
    self.scaledTokens = Mutex(self.scaledMaximum)
  }

  /// True while the bucket holds more than half its tokens.
  package var isRetryPermitted: Bool {
    self.scaledTokens.withLock { $0 > self.scaledMaximum / 2 }
  }

  /// The tokens in the bucket.
  package var tokens: Double { Double(self.scaledTokens.withLock { $0 }) / 1000 }

  package func recordSuccess() {
    self.scaledTokens.withLock { $0 = min(self.scaledMaximum, $0 + self.scaledRatio) }
  }

  package func recordFailure() {
    self.scaledTokens.withLock { $0 = max(0, $0 - 1000) }
  }
}
