/// Times one operation: runs it for a fixed number of iterations, or in batches until `duration` has
/// passed, and reports operations per second.
struct CodecBenchmark {
  enum Length {
    case duration(Duration)
    /// A fixed count, for instruction-count profiling (`valgrind --tool=callgrind`).
    case iterations(Int)
  }

  var length: Length

  /// Runs `operation` repeatedly; it returns a number that is folded into a checksum so the work
  /// cannot be optimised away.
  func run(_ operation: () -> Int) -> (operationsPerSecond: Double, checksum: Int) {
    let clock = ContinuousClock()
    var checksum = 0
    var operations = 0
    let start = clock.now
    var elapsed = Duration.zero
    switch length {
    case .iterations(let count):
      for _ in 0..<count { checksum &+= operation() }
      operations = count
      elapsed = clock.now - start
    case .duration(let duration):
      for _ in 0..<1_000 { checksum &+= operation() }  // warm-up
      let start = clock.now
      while elapsed < duration {
        for _ in 0..<1_000 { checksum &+= operation() }
        operations += 1_000
        elapsed = clock.now - start
      }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (Double(operations) / seconds, checksum)
  }
}
