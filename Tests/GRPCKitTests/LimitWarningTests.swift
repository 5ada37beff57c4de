import InMemoryLogging
import Logging
import Testing

@testable import GRPCKit

@Suite("Rate-limited limit warnings")
struct LimitWarningTests {
  @Test("The first rejection is logged at once; later ones within the interval are counted")
  func rateLimited() {
    let logs = InMemoryLogHandler()
    let logger = Logger(label: "test.limits") { _ in logs }
    let warning = LimitWarning("limit reached", interval: .seconds(10))
    let start = ContinuousClock.now
    for offset in [0, 1, 2, 9] {
      warning.record(to: logger, metadata: ["grpc.limit": "x"], now: start + .seconds(offset))
    }
    warning.record(to: logger, metadata: ["grpc.limit": "x"], now: start + .seconds(10))
    let entries = logs.entries
    #expect(entries.map(\.message) == ["limit reached", "limit reached"])
    #expect(entries.map(\.level) == [.warning, .warning])
    #expect(entries.map { $0.metadata["grpc.rejected"] } == ["1", "4"])
    #expect(entries.map { $0.metadata["grpc.limit"] } == ["x", "x"])
  }
}
