/// How a client calls a service: per-method timeouts, wait-for-ready, message size limits,
/// retry or hedging policies (gRFC A6), retry throttling and the load-balancing policy.
///
/// Build it as a value or parse the JSON of `grpc/service_config.proto` (proto3 JSON: durations
/// as `"0.1s"`, status codes as names or numbers) with ``init(json:)``, then give it to
/// ``GRPCClient``. Invalid configurations throw a ``ServiceConfigError`` naming the JSON path.
///
/// ```swift
/// let config = try ServiceConfig(json: """
///   {"methodConfig": [{
///     "name": [{"service": "echo.Echo"}],
///     "retryPolicy": {
///       "maxAttempts": 3, "initialBackoff": "0.1s", "maxBackoff": "1s",
///       "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
///   """)
/// let client = try GRPCClient(transport: transport, serviceConfig: config)
/// ```
public struct ServiceConfig: Sendable, Hashable {
  /// Settings per method, service, or for every method (the default).
  public var methodConfig: [MethodConfig]
  /// The token bucket that stops retries and hedging when too many calls fail.
  public var retryThrottling: RetryThrottling?
  /// The load-balancing policies in order of preference; the transport uses the first it
  /// supports. Empty: the transport's own choice.
  public var loadBalancingConfig: [LoadBalancingPolicy]

  /// Creates a configuration.
  ///
  /// - Parameters:
  ///   - methodConfig: Settings per method or service.
  ///   - retryThrottling: Retry throttling, if any.
  ///   - loadBalancingConfig: Load-balancing policies in order of preference.
  public init(
    methodConfig: [MethodConfig] = [],
    retryThrottling: RetryThrottling? = nil,
    loadBalancingConfig: [LoadBalancingPolicy] = []
  ) {
    self.methodConfig = methodConfig
    self.retryThrottling = retryThrottling
    self.loadBalancingConfig = loadBalancingConfig
  }

  /// The configuration of `method`: the entry naming the method, else the one naming its
  /// service, else the default (a name without service), as gRFC A6 resolves names.
  ///
  /// - Parameter method: The method called.
  /// - Returns: The settings, or `nil` when no entry applies.
  public func methodConfig(for method: ProtobufMethodDescriptor) -> MethodConfig? {
    var serviceMatch: MethodConfig?
    var defaultMatch: MethodConfig?
    for config in self.methodConfig {
      for name in config.names {
        if name.service == method.serviceName && name.method == method.name { return config }
        if name.service == method.serviceName && name.method.isEmpty {
          serviceMatch = serviceMatch ?? config
        }
        if name.service.isEmpty && name.method.isEmpty { defaultMatch = defaultMatch ?? config }
      }
    }
    return serviceMatch ?? defaultMatch
  }
}

extension ServiceConfig {
  /// The settings of the methods an entry names.
  public struct MethodConfig: Sendable, Hashable {
    /// A method (`service` and `method`), every method of a service (empty `method`), or every
    /// method (both empty).
    public struct Name: Sendable, Hashable {
      /// The full service name, `package.Service`.
      public var service: String
      /// The method name; empty for every method of the service.
      public var method: String

      /// Creates a name.
      ///
      /// - Parameters:
      ///   - service: The full service name; empty with an empty `method` for the default.
      ///   - method: The method, or empty for the whole service.
      public init(service: String, method: String = "") {
        self.service = service
        self.method = method
      }
    }

    /// What happens when an attempt fails: nothing, retries, or hedging.
    public enum ExecutionPolicy: Sendable, Hashable {
      /// Retry failed attempts.
      case retry(RetryPolicy)
      /// Send several attempts, staggered; the first committed response wins.
      case hedge(HedgingPolicy)
    }

    /// The methods these settings apply to.
    public var names: [Name]
    /// The call's timeout when its ``CallOptions/timeout`` is not set; covers every attempt.
    public var timeout: Duration?
    /// The call's wait-for-ready when its options do not set it.
    public var waitForReady: Bool?
    /// The largest request message sent, when the call's options do not set one.
    public var maxRequestMessageBytes: Int?
    /// The largest response message accepted, when the call's options do not set one.
    public var maxResponseMessageBytes: Int?
    /// Retries or hedging, if any.
    public var executionPolicy: ExecutionPolicy?

    /// Creates settings.
    ///
    /// - Parameters:
    ///   - names: The methods they apply to.
    ///   - timeout: The default timeout.
    ///   - waitForReady: The default wait-for-ready.
    ///   - maxRequestMessageBytes: The default request size limit.
    ///   - maxResponseMessageBytes: The default response size limit.
    ///   - executionPolicy: Retries or hedging.
    public init(
      names: [Name],
      timeout: Duration? = nil,
      waitForReady: Bool? = nil,
      maxRequestMessageBytes: Int? = nil,
      maxResponseMessageBytes: Int? = nil,
      executionPolicy: ExecutionPolicy? = nil
    ) {
      self.names = names
      self.timeout = timeout
      self.waitForReady = waitForReady
      self.maxRequestMessageBytes = maxRequestMessageBytes
      self.maxResponseMessageBytes = maxResponseMessageBytes
      self.executionPolicy = executionPolicy
    }
  }

  /// Retries of failed attempts (gRFC A6): up to `maxAttempts` in all, with an exponential,
  /// jittered backoff between them, for the listed status codes.
  public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; at least 2, values above 5 are treated as 5.
    public var maxAttempts: Int
    /// The upper bound of the first backoff.
    public var initialBackoff: Duration
    /// The largest backoff.
    public var maxBackoff: Duration
    /// The growth of the backoff bound per attempt.
    public var backoffMultiplier: Double
    /// The codes that make an attempt worth retrying.
    public var retryableStatusCodes: Set<Status.Code>

    /// Creates a policy; ``ServiceConfig/validate()`` checks it.
    ///
    /// - Parameters:
    ///   - maxAttempts: Attempts in all, at least 2.
    ///   - initialBackoff: The first backoff bound, above zero.
    ///   - maxBackoff: The largest backoff, above zero.
    ///   - backoffMultiplier: The backoff growth, above zero.
    ///   - retryableStatusCodes: The codes retried; not empty.
    public init(
      maxAttempts: Int,
      initialBackoff: Duration,
      maxBackoff: Duration,
      backoffMultiplier: Double,
      retryableStatusCodes: Set<Status.Code>
    ) {
      self.maxAttempts = maxAttempts
      self.initialBackoff = initialBackoff
      self.maxBackoff = maxBackoff
      self.backoffMultiplier = backoffMultiplier
      self.retryableStatusCodes = retryableStatusCodes
    }
  }

  /// Hedging (gRFC A6): up to `maxAttempts` attempts, one more every `hedgingDelay` (or at once
  /// after a non-fatal failure), until one commits.
  public struct HedgingPolicy: Sendable, Hashable {
    /// Attempts in all, the first included; at least 2, values above 5 are treated as 5.
    public var maxAttempts: Int
    /// The wait before each further attempt.
    public var hedgingDelay: Duration
    /// Codes that start the next attempt at once instead of failing the call.
    public var nonFatalStatusCodes: Set<Status.Code>

    /// Creates a policy; ``ServiceConfig/validate()`` checks it.
    ///
    /// - Parameters:
    ///   - maxAttempts: Attempts in all, at least 2.
    ///   - hedgingDelay: The wait between attempts, zero or more.
    ///   - nonFatalStatusCodes: Codes that do not end the call while attempts remain.
    public init(
      maxAttempts: Int,
      hedgingDelay: Duration,
      nonFatalStatusCodes: Set<Status.Code> = []
    ) {
      self.maxAttempts = maxAttempts
      self.hedgingDelay = hedgingDelay
      self.nonFatalStatusCodes = nonFatalStatusCodes
    }
  }

  /// Retry throttling (gRFC A6): a client's token bucket of `maxTokens`; every failed attempt
  /// takes one token, every success gives back `tokenRatio`; at or below half the bucket, calls
  /// are not retried or hedged.
  public struct RetryThrottling: Sendable, Hashable {
    /// The bucket's size, 1 to 1000.
    public var maxTokens: Int
    /// Tokens returned per success, above zero (three decimal places are used).
    public var tokenRatio: Double

    /// Creates the throttling settings.
    ///
    /// - Parameters:
    ///   - maxTokens: The bucket's size, 1 to 1000.
    ///   - tokenRatio: Tokens returned per success, above zero.
    public init(maxTokens: Int, tokenRatio: Double) {
      self.maxTokens = maxTokens
      self.tokenRatio = tokenRatio
    }
  }

  /// A load-balancing policy the transports support.
  public enum LoadBalancingPolicy: Sendable, Hashable {
    /// Connect to the addresses in order and use the first that works.
    case pickFirst
    /// One connection per address, calls spread over the ready ones in turn.
    case roundRobin
  }
}
