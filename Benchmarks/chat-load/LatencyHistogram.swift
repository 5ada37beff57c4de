/// The log-linear latency histogram of bench-peers' `histogram.h`, bucket for bucket, so that
/// percentiles compare with chatload's: exact below 128 ns, then 64 buckets per power of two
/// (reported within 1.6%: the upper edge of a value's bucket, capped at the exact maximum).
struct LatencyHistogram: Sendable {
  private static let subBits = 7
  private static let sub = 1 << subBits
  private static let half = sub / 2
  private static let bucketCount = sub + 48 * half

  private var counts = [UInt64](repeating: 0, count: LatencyHistogram.bucketCount)
  /// How many values were recorded.
  private(set) var total: UInt64 = 0
  /// The largest value recorded (ns).
  private(set) var max: UInt64 = 0

  /// Records one latency in nanoseconds.
  mutating func record(_ value: UInt64) {
    self.counts[Self.index(of: value)] &+= 1
    self.total &+= 1
    if value > self.max { self.max = value }
  }

  /// Adds the counts of `other`.
  mutating func merge(_ other: LatencyHistogram) {
    for index in 0..<Self.bucketCount { self.counts[index] &+= other.counts[index] }
    self.total &+= other.total
    if other.max > self.max { self.max = other.max }
  }

  /// The value at quantile `q` (0 < q <= 1) in nanoseconds; 0 when empty.
  func quantile(_ q: Double) -> UInt64 {
    guard self.total > 0 else { return 0 }
    let rank = Swift.max(1, UInt64(q * Double(self.total) + 0.5))
    var seen: UInt64 = 0
    for index in 0..<Self.bucketCount {
      seen &+= self.counts[index]
      if seen >= rank { return Swift.min(Self.upperBound(ofBucket: index), self.max) }
    }
    return self.max
  }

  static func index(of value: UInt64) -> Int {
    if value < UInt64(sub) { return Int(value) }
    let shift = (63 - value.leadingZeroBitCount) - (subBits - 1)  // value >> shift is in [64, 128)
    let index = sub + (shift - 1) * half + Int((value >> UInt64(shift)) - UInt64(half))
    return Swift.min(index, bucketCount - 1)
  }

  /// The largest value that falls into bucket `index`.
  static func upperBound(ofBucket index: Int) -> UInt64 {
    if index < sub { return UInt64(index) }
    let k = index - sub
    let shift = k / half + 1
    let mantissa = UInt64(k % half + half)
    return ((mantissa + 1) << UInt64(shift)) - 1
  }
}
