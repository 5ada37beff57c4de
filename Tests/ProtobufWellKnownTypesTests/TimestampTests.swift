import Foundation
import ProtobufWellKnownTypes
import Testing

@Suite("Timestamp conveniences")
struct TimestampTests {
  static let minimum = Google_Protobuf_Timestamp.minimumSeconds
  static let maximum = Google_Protobuf_Timestamp.maximumSeconds
  static let rangeRule =
    "timestamps must lie in 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z"

  @Test(
    "Seconds and nanos are normalised to nanos in 0..<1e9",
    arguments: [
      (Int64(5), Int64(0), Int64(5), Int32(0)),
      (10, -1, 9, 999_999_999),
      (0, 1_500_000_000, 1, 500_000_000),
      (-1, -1, -2, 999_999_999),
      (0, -1_000_000_000, -1, 0),
      (minimum, 0, minimum, 0),
      (maximum, 999_999_999, maximum, 999_999_999),
      (maximum + 1, -1, maximum, 999_999_999),
    ] as [(Int64, Int64, Int64, Int32)]
  )
  func normalisation(
    seconds: Int64,
    nanos: Int64,
    expectedSeconds: Int64,
    expectedNanos: Int32
  )
    throws
  {
    let timestamp = try Google_Protobuf_Timestamp(normalizingSeconds: seconds, nanos: nanos)
    #expect(timestamp == Google_Protobuf_Timestamp(seconds: expectedSeconds, nanos: expectedNanos))
  }

  @Test(
    "Timestamps outside 0001-01-01..9999-12-31 are refused, naming the rule",
    arguments: [
      (maximum + 1, Int64(0)), (maximum, 1_000_000_000), (minimum, -1), (minimum - 1, 0),
      (Int64.max, Int64.max), (Int64.min, Int64.min),
    ] as [(Int64, Int64)]
  )
  func outOfRange(seconds: Int64, nanos: Int64) {
    #expect {
      try Google_Protobuf_Timestamp(normalizingSeconds: seconds, nanos: nanos)
    } throws: { error in
      let error = error as? WellKnownTypeError
      return error?.code == .outOfRange && error?.message.contains(Self.rangeRule) == true
    }
  }

  @Test(
    "A Date becomes seconds and nanos since 1970 and back",
    arguments: [
      (0.0, Int64(0), Int32(0)),
      (1.5, 1, 500_000_000),
      (-1.5, -2, 500_000_000),
      (1_700_000_000.25, 1_700_000_000, 250_000_000),
      (-62_135_596_800, -62_135_596_800, 0),
      (253_402_300_799.5, 253_402_300_799, 500_000_000),
    ] as [(Double, Int64, Int32)]
  )
  func dateConversion(sinceEpoch: Double, seconds: Int64, nanos: Int32) throws {
    let date = Date(timeIntervalSince1970: sinceEpoch)
    let timestamp = try Google_Protobuf_Timestamp(date: date)
    #expect(timestamp == Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos))
    #expect(timestamp.date == date)
  }

  // Seconds since 1970 rather than dates: Date's description, which test arguments get, traps
  // on infinite and NaN dates.
  @Test(
    "Dates outside the range, infinite or NaN, are refused",
    arguments: [253_402_300_800, -62_135_596_800.5, .infinity, -.infinity, .nan]
  )
  func dateOutOfRange(sinceEpoch: Double) {
    #expect {
      try Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: sinceEpoch))
    } throws: { error in
      let error = error as? WellKnownTypeError
      return error?.code == .outOfRange && error?.message.contains(Self.rangeRule) == true
    }
  }

  @Test(
    "A date of this century survives a round trip through a Timestamp exactly",
    arguments: [7.2e8 + 0.123_456, 7.2e8 - 0.000_001, 1e-7, 3.5e9 + 0.999_999_9]
  )
  func dateRoundTrip(sinceReferenceDate: Double) throws {
    let date = Date(timeIntervalSinceReferenceDate: sinceReferenceDate)
    #expect(try Google_Protobuf_Timestamp(date: date).date == date)
  }

  @Test(
    "A Swift.Duration since the epoch is truncated towards the past",
    arguments: [
      (Duration.milliseconds(1500), Int64(1), Int32(500_000_000)),
      (.milliseconds(-1500), -2, 500_000_000),
      (Duration(secondsComponent: 0, attosecondsComponent: -1), -1, 999_999_999),
      (Duration(secondsComponent: 0, attosecondsComponent: 1_999_999_999), 0, 1),
    ] as [(Duration, Int64, Int32)]
  )
  func sinceEpoch(duration: Duration, seconds: Int64, nanos: Int32) throws {
    let timestamp = try Google_Protobuf_Timestamp(sinceEpoch: duration)
    #expect(timestamp == Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos))
    #expect(timestamp.sinceEpoch == .seconds(seconds) + .nanoseconds(nanos))
  }

  @Test(
    "validate() names the rule a decoded timestamp breaks",
    arguments: [
      (Int64(0), Int32(-1), "nanos must be in 0..<1000000000"),
      (0, 1_000_000_000, "nanos must be in 0..<1000000000"),
      (maximum + 1, 0, rangeRule),
      (minimum - 1, 999_999_999, rangeRule),
    ] as [(Int64, Int32, String)]
  )
  func validateBrokenRules(seconds: Int64, nanos: Int32, rule: String) {
    #expect {
      try Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos).validate()
    } throws: { error in
      let error = error as? WellKnownTypeError
      return error?.code == .outOfRange && error?.message.contains(rule) == true
    }
  }

  @Test(
    "validate() accepts the edges of the range",
    arguments: [(minimum, 0), (maximum, 999_999_999), (0, 0)] as [(Int64, Int32)]
  )
  func validateEdges(seconds: Int64, nanos: Int32) throws {
    try Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos).validate()
  }
}
