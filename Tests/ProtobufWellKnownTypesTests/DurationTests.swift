import ProtobufWellKnownTypes
import Testing

@Suite("Duration conveniences")
struct DurationTests {
  static let maximum = Google_Protobuf_Duration.maximumSeconds
  static let rangeRule = "durations must lie in -315576000000.999999999...315576000000.999999999 s"

  @Test(
    "A Swift.Duration becomes seconds and nanos of one sign, truncated towards zero",
    arguments: [
      (Duration.zero, Int64(0), Int32(0)),
      (.milliseconds(1500), 1, 500_000_000),
      (.milliseconds(-1500), -1, -500_000_000),
      (.nanoseconds(-1), 0, -1),
      (Duration(secondsComponent: 0, attosecondsComponent: 1_999_999_999), 0, 1),
      (Duration(secondsComponent: 0, attosecondsComponent: -1_999_999_999), 0, -1),
      (.seconds(maximum) + .nanoseconds(999_999_999), maximum, 999_999_999),
      (.seconds(-maximum) - .nanoseconds(999_999_999), -maximum, -999_999_999),
    ] as [(Duration, Int64, Int32)]
  )
  func fromSwiftDuration(duration: Duration, seconds: Int64, nanos: Int32) throws {
    let proto = try Google_Protobuf_Duration(duration)
    #expect(proto == Google_Protobuf_Duration(seconds: seconds, nanos: nanos))
  }

  @Test(
    "Swift.Durations beyond ±315,576,000,000 s are refused, naming the rule",
    arguments: [
      Duration.seconds(maximum + 1), .seconds(-maximum - 1), .seconds(Int64.max),
      .seconds(Int64.min), .seconds(maximum) + .nanoseconds(1_000_000_000),
    ]
  )
  func swiftDurationOutOfRange(duration: Duration) {
    #expect {
      try Google_Protobuf_Duration(duration)
    } throws: { error in
      let error = error as? WellKnownTypeError
      return error?.code == .outOfRange && error?.message.contains(Self.rangeRule) == true
    }
  }

  @Test(
    "Seconds and nanos are normalised so that the nanos take the sign of the seconds",
    arguments: [
      (Int64(1), Int64(-1), Int64(0), Int32(999_999_999)),
      (-1, 1, 0, -999_999_999),
      (0, 2_500_000_000, 2, 500_000_000),
      (0, -2_500_000_000, -2, -500_000_000),
      (3, 0, 3, 0),
      (maximum, 999_999_999, maximum, 999_999_999),
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
    let proto = try Google_Protobuf_Duration(normalizingSeconds: seconds, nanos: nanos)
    #expect(proto == Google_Protobuf_Duration(seconds: expectedSeconds, nanos: expectedNanos))
  }

  @Test(
    "Normalised durations beyond the range are refused",
    arguments: [(maximum, 1_000_000_000), (-maximum - 1, 0), (Int64.max, Int64.max)]
      as [(Int64, Int64)]
  )
  func normalisedOutOfRange(seconds: Int64, nanos: Int64) {
    #expect {
      try Google_Protobuf_Duration(normalizingSeconds: seconds, nanos: nanos)
    } throws: { error in
      (error as? WellKnownTypeError)?.code == .outOfRange
    }
  }

  @Test(
    "A protobuf duration becomes the Swift.Duration of its seconds plus nanos",
    arguments: [
      (Int64(1), Int32(500_000_000), Duration.milliseconds(1500)),
      (-1, -500_000_000, .milliseconds(-1500)),
      (0, -1, .nanoseconds(-1)),
    ] as [(Int64, Int32, Duration)]
  )
  func toSwiftDuration(seconds: Int64, nanos: Int32, duration: Duration) {
    #expect(Duration(Google_Protobuf_Duration(seconds: seconds, nanos: nanos)) == duration)
  }

  @Test(
    "validate() names the rule a decoded duration breaks",
    arguments: [
      (Int64(1), Int32(-1), "nanos must have the sign of the seconds"),
      (-1, 1, "nanos must have the sign of the seconds"),
      (0, 1_000_000_000, "nanos must be in -999999999...999999999"),
      (0, -1_000_000_000, "nanos must be in -999999999...999999999"),
      (maximum + 1, 0, rangeRule),
      (Int64.min, 0, rangeRule),
    ] as [(Int64, Int32, String)]
  )
  func validateBrokenRules(seconds: Int64, nanos: Int32, rule: String) {
    #expect {
      try Google_Protobuf_Duration(seconds: seconds, nanos: nanos).validate()
    } throws: { error in
      let error = error as? WellKnownTypeError
      return error?.code == .outOfRange && error?.message.contains(rule) == true
    }
  }

  @Test(
    "validate() accepts durations of one sign and the edges of the range",
    arguments: [(0, -5), (-1, -5), (maximum, 999_999_999), (-maximum, -999_999_999)]
      as [(Int64, Int32)]
  )
  func validateAccepts(seconds: Int64, nanos: Int32) throws {
    try Google_Protobuf_Duration(seconds: seconds, nanos: nanos).validate()
  }
}
