extension Google_Protobuf_Duration {
  /// The largest number of seconds either way: about 10,000 years.
  public static let maximumSeconds: Int64 = 315_576_000_000
  /// One more than the largest `nanos` either way.
  public static let nanosPerSecond: Int64 = 1_000_000_000

  /// The protobuf duration of `duration`, truncated to whole nanoseconds towards zero.
  ///
  /// ```swift
  /// let timeout = try Google_Protobuf_Duration(.milliseconds(1500))
  /// // timeout.seconds == 1, timeout.nanos == 500_000_000
  /// ```
  ///
  /// - Throws: ``WellKnownTypeError/Code/outOfRange`` when `duration` is beyond
  ///   ±315,576,000,000.999999999 s.
  public init(_ duration: Swift.Duration) throws(WellKnownTypeError) {
    try self.init(totalNanoseconds: duration.attoseconds / 1_000_000_000)
  }

  /// The duration of `seconds` plus `nanos`, with `nanos` of any size or sign carried into the
  /// seconds so that the result's nanos are in `-999_999_999...999_999_999` with the sign of the
  /// seconds.
  ///
  /// ```swift
  /// let d = try Google_Protobuf_Duration(normalizingSeconds: 1, nanos: -1)
  /// // d.seconds == 0, d.nanos == 999_999_999
  /// ```
  ///
  /// - Throws: ``WellKnownTypeError/Code/outOfRange`` when the result is beyond
  ///   ±315,576,000,000.999999999 s.
  public init(normalizingSeconds seconds: Int64, nanos: Int64) throws(WellKnownTypeError) {
    try self.init(totalNanoseconds: Int128(seconds) * Int128(Self.nanosPerSecond) + Int128(nanos))
  }

  private init(totalNanoseconds total: Int128) throws(WellKnownTypeError) {
    // Truncating division gives the remainder the sign of the dividend: nanos match the seconds.
    let seconds = total / Int128(Self.nanosPerSecond)
    let nanos = total % Int128(Self.nanosPerSecond)
    guard seconds.magnitude <= UInt128(Self.maximumSeconds) else {
      throw WellKnownTypeError(
        .outOfRange,
        "duration of \(seconds) s is out of range; " + Self.rangeRule
      )
    }
    self.init(seconds: Int64(seconds), nanos: Int32(nanos))
  }

  /// Checks the rules of `google.protobuf.Duration`, for a value decoded from untrusted bytes.
  ///
  /// - Throws: ``WellKnownTypeError/Code/outOfRange`` naming the broken rule: seconds within
  ///   ±315,576,000,000, nanos within ±999,999,999, and nanos of the same sign as the seconds
  ///   when both are non-zero.
  public func validate() throws(WellKnownTypeError) {
    guard seconds.magnitude <= UInt64(Self.maximumSeconds) else {
      throw WellKnownTypeError(
        .outOfRange,
        "duration of \(seconds) s is out of range; " + Self.rangeRule
      )
    }
    guard Int64(nanos).magnitude < UInt64(Self.nanosPerSecond) else {
      throw WellKnownTypeError(
        .outOfRange,
        "duration nanos is \(nanos); nanos must be in -999999999...999999999"
      )
    }
    guard seconds == 0 || nanos == 0 || (seconds < 0) == (nanos < 0) else {
      throw WellKnownTypeError(
        .outOfRange,
        "duration has \(seconds) s and \(nanos) nanos; nanos must have the sign of the seconds"
      )
    }
  }

  private static let rangeRule =
    "durations must lie in -315576000000.999999999...315576000000.999999999 s"
}

extension Swift.Duration {
  /// The Swift duration of a protobuf duration: its seconds plus its nanos.
  ///
  /// ```swift
  /// let proto = try Google_Protobuf_Duration(normalizingSeconds: 2, nanos: 0)
  /// let timeout = Duration(proto)  // .seconds(2)
  /// ```
  public init(_ duration: Google_Protobuf_Duration) {
    self = .seconds(duration.seconds) + .nanoseconds(duration.nanos)
  }
}
