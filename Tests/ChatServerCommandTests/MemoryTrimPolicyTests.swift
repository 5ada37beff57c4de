import Testing

@testable import chat_server

@Suite("chat-server gives memory back after calls end (--trim-memory-after)")
struct MemoryTrimPolicyTests {
  @Test(
    "A trim comes once the open calls fell by the threshold from their peak, and the peak restarts there",
    arguments: [
      // (threshold, samples of the open calls (the peak since the last sample = the count), which samples trim)
      (1000, [0, 4000, 10_000, 9_500, 9_001, 9_000, 8_500, 8_000, 0], [5, 7, 8]),
      (1000, [10_000, 9_500, 10_000, 9_200], []),
      (1000, [10_000, 20_000, 19_500, 18_999, 19_999], [3]),
      (1, [3, 2, 2, 1, 5], [1, 3]),
      (0, [3, 2], [1]),  // a threshold below 1 counts as 1
    ])
  func trimsAfterALargeDrop(threshold: Int, samples: [Int], trims: [Int]) {
    var policy = MemoryTrimPolicy(minimumDrop: threshold)
    let trimmed = samples.indices.filter { policy.observe(peak: samples[$0], open: samples[$0]) }
    #expect(trimmed == trims)
  }

  @Test("Calls that opened and ended between two samples count through their peak")
  func burstBetweenSamples() {
    var policy = MemoryTrimPolicy(minimumDrop: 1000)
    let samples = [(0, 0), (10_000, 0), (500, 0), (1_200, 100)]
    // 10,000 calls came and went unsampled; then the peak restarted from 0.
    let trims = samples.map { policy.observe(peak: $0.0, open: $0.1) }
    #expect(trims == [false, true, false, true])
  }
}
