import Foundation

/// How many times slower than a plain debug build the tests run in this process, for the
/// deadlines and timeouts tests put on work that takes real time.
///
/// Under a sanitizer every instrumented process (the test runner and the servers it starts) runs
/// several times slower, and 32 tests share two cores; a 30 s call deadline that a plain run meets
/// with room to spare is then missed although nothing is wrong. `scripts/sanitize.sh` sets
/// `GRPCKIT_TEST_SLOWDOWN` (gRPC C-core's tests do the same with their slowdown factor), and
/// tests stretch their bounds with ``Swift/Duration/slowed``. Bounds that state a rule (a
/// configured timeout, "never faster than the interval") stay as they are; only the patience
/// of a test grows.
public enum TestSlowdown {
  /// `GRPCKIT_TEST_SLOWDOWN` when it is a whole number from 1 to 100, otherwise 1.
  public static let factor: Int = {
    guard let text = ProcessInfo.processInfo.environment["GRPCKIT_TEST_SLOWDOWN"],
      let factor = Int(text), (1...100).contains(factor)
    else { return 1 }
    return factor
  }()
}

extension Duration {
  /// This duration times ``TestSlowdown/factor``: how long a test waits for work that a
  /// sanitizer slows down.
  public var slowed: Duration { self * TestSlowdown.factor }
}
