/// Times one operation: runs it in batches until `duration` has passed and reports operations per second.
struct CodecBenchmark {
  var name: String
  var duration: Duration

  /// Runs `operation` repeatedly; it returns a number that is folded into a checksum so the work
  /// cannot be optimised away.
  func run(_ operation: () -> Int) -> (operationsPerSecond: Double, checksum: Int) {
    let clock = ContinuousClock()
    var checksum = 0
    // Warm up.
    for _ in 0..<1_000 { checksum &+= operation() }
    var operations = 0
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < duration {
      for _ in 0..<1_000 { checksum &+= operation() }
      operations += 1_000
      elapsed = clock.now - start
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(operations) / seconds, checksum)
  }
}
