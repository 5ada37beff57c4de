/// The settings of the soak cases, `rpc_soak` and `channel_soak`, with the interop
/// descriptions' flag names and defaults.
public struct SoakConfiguration: Sendable, Hashable {
  /// `--soak_iterations`: how many calls to make (default 10).
  public var iterations: Int
  /// `--soak_max_failures`: how many calls may fail or be too slow, inclusive (default 0).
  public var maximumFailures: Int
  /// `--soak_per_iteration_max_acceptable_latency_ms`: a slower call counts as a failure
  /// (default 1000 ms).
  public var maximumAcceptableLatency: Duration
  /// `--soak_overall_timeout_seconds`: the case stops making calls after this, and fails if
  /// not all were made (default: the acceptable latency times the iterations).
  public var overallTimeout: Duration
  /// `--soak_min_time_ms_between_rpcs`: the least time from one call's start to the next's
  /// (default 0).
  public var minimumTimeBetweenCalls: Duration

  /// Creates settings.
  ///
  /// - Parameters:
  ///   - iterations: How many calls to make.
  ///   - maximumFailures: How many may fail.
  ///   - maximumAcceptableLatency: The slowest a call may be.
  ///   - overallTimeout: When to stop; `nil` for `maximumAcceptableLatency * iterations`.
  ///   - minimumTimeBetweenCalls: The least time between call starts.
  public init(
    iterations: Int = 10,
    maximumFailures: Int = 0,
    maximumAcceptableLatency: Duration = .milliseconds(1000),
    overallTimeout: Duration? = nil,
    minimumTimeBetweenCalls: Duration = .zero
  ) {
    self.iterations = iterations
    self.maximumFailures = maximumFailures
    self.maximumAcceptableLatency = maximumAcceptableLatency
    self.overallTimeout = overallTimeout ?? maximumAcceptableLatency * iterations
    self.minimumTimeBetweenCalls = minimumTimeBetweenCalls
  }
}
