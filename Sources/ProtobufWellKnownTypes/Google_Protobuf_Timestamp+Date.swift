#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension Google_Protobuf_Timestamp {
  /// The seconds of the earliest valid timestamp, 0001-01-01T00:00:00Z.
  public static let minimumSeconds: Int64 = -62_135_596_800
  /// The seconds of the latest valid timestamp, 9999-12-31T23:59:59.999999999Z.
  public static let maximumSeconds: Int64 = 253_402_300_799
  /// One more than the largest valid `nanos`.
  public static let nanosPerSecond: Int64 = 1_000_000_000

  /// Seconds from 1970-01-01 to `Date`'s reference date, 2001-01-01.
  private static let referenceDateSeconds: Int64 = 978_307_200

  /// The timestamp of `date`, to the nearest nanosecond that `Date`'s precision allows.
  ///
  /// ```swift
  /// let sent = try Google_Protobuf_Timestamp(date: Date())
  /// ```
  ///
  /// - Parameter date: A date in 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z.
  /// - Throws: ``WellKnownTypeError/Code/outOfRange`` when `date` is outside that range.
  public init(date: Date) throws(WellKnownTypeError) {
    let interval = date.timeIntervalSinceReferenceDate
    let lowest = Double(Self.minimumSeconds - Self.referenceDateSeconds)
    let highest = Double(Self.maximumSeconds - Self.referenceDateSeconds + 1)
    guard interval.isFinite, interval >= lowest, interval < highest else {
      throw WellKnownTypeError(
        .outOfRange,
        "date \(interval) s after 2001-01-01 is outside the timestamp range; "
          + Self.rangeRule
      )
    }
    let wholeSeconds = interval.rounded(.down)
    let nanos = Int64(((interval - wholeSeconds) * Double(Self.nanosPerSecond)).rounded())
    try self.init(
      normalizingSeconds: Int64(wholeSeconds) + Self.referenceDateSeconds,
      nanos: nanos
    )
  }

  /// The timestamp `seconds` and `nanos` after 1970-01-01T00:00:00Z, with `nanos` of any size or
  /// sign carried into the seconds so that the result's nanos are in `0..<1_000_000_000`.
  ///
  /// ```swift
  /// let t = try Google_Protobuf_Timestamp(normalizingSeconds: 10, nanos: -1)
  /// // t.seconds == 9, t.nanos == 999_999_999
  /// ```
  ///
  /// - Throws: ``WellKnownTypeError/Code/outOfRange`` when the result is outside
  ///   0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z.
  public init(normalizingSeconds seconds: Int64, nanos: Int64) throws(WellKnownTypeError) {
    let total = Int128(seconds) * Int128(Self.nanosPerSecond) + Int128(nanos)
    try self.init(nanosecondsSinceEpoch: total)
  }

  /// The timestamp `duration` after 1970-01-01T00:00:00Z (before it when negative), truncated to
  /// whole nanoseconds towards the past.
  ///
  /// - Throws: ``WellKnownTypeError/Code/outOfRange`` when the result is outside
  ///   0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z.
  public init(sinceEpoch duration: Swift.Duration) throws(WellKnownTypeError) {
    let attoseconds = duration.attoseconds
    let nanos = attoseconds / 1_000_000_000
    // Truncation goes towards zero; towards the past is one less for a negative remainder.
    let floored = attoseconds % 1_000_000_000 < 0 ? nanos - 1 : nanos
    try self.init(nanosecondsSinceEpoch: floored)
  }

  private init(nanosecondsSinceEpoch total: Int128) throws(WellKnownTypeError) {
    let perSecond = Int128(Self.nanosPerSecond)
    var seconds = total / perSecond
    var nanos = total % perSecond
    if nanos < 0 {
      seconds -= 1
      nanos += perSecond
    }
    guard seconds >= Int128(Self.minimumSeconds), seconds <= Int128(Self.maximumSeconds) else {
      throw WellKnownTypeError(
        .outOfRange,
        "timestamp \(seconds) s after 1970-01-01 is outside the timestamp range; "
          + Self.rangeRule
      )
    }
    self.init(seconds: Int64(seconds), nanos: Int32(nanos))
  }

  /// The date of this timestamp, to `Date`'s precision (about 0.1 µs in this century).
  ///
  /// A timestamp that breaks the rules (see ``validate()``) still gives the date its seconds
  /// and nanos add up to.
  public var date: Date {
    Date(
      timeIntervalSinceReferenceDate: Double(seconds - Self.referenceDateSeconds) + Double(nanos)
        / Double(Self.nanosPerSecond)
    )
  }

  /// The time since 1970-01-01T00:00:00Z, negative before it.
  public var sinceEpoch: Swift.Duration {
    .seconds(seconds) + .nanoseconds(nanos)
  }

  /// Checks the rules of `google.protobuf.Timestamp`, for a value decoded from untrusted bytes.
  ///
  /// - Throws: ``WellKnownTypeError/Code/outOfRange`` naming the broken rule: `nanos` must be in
  ///   `0..<1_000_000_000`, and the timestamp in 0001-01-01..9999-12-31.
  public func validate() throws(WellKnownTypeError) {
    guard nanos >= 0, Int64(nanos) < Self.nanosPerSecond else {
      throw WellKnownTypeError(
        .outOfRange,
        "timestamp nanos is \(nanos); nanos must be in 0..<1000000000"
      )
    }
    guard seconds >= Self.minimumSeconds, seconds <= Self.maximumSeconds else {
      throw WellKnownTypeError(
        .outOfRange,
        "timestamp \(seconds) s after 1970-01-01 is outside the timestamp range; " + Self.rangeRule
      )
    }
  }

  private static let rangeRule =
    "timestamps must lie in 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z "
    + "(seconds \(minimumSeconds)...\(maximumSeconds))"
}
