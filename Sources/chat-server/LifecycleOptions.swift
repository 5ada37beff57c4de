import ArgumentParser
import GRPCKitNGHTTP2

/// `chat-server`'s connection lifecycle and shutdown flags (gRPC's server defaults; see
/// `NGHTTP2ServerConfiguration`).
struct LifecycleOptions: ParsableArguments {
  @Option(
    help: "Seconds open calls may take to finish after SIGTERM before they end with UNAVAILABLE."
  )
  var gracePeriod = 10.0

  @Option(
    help: "Seconds without reads after which the server sends a keepalive PING; 0 turns it off."
  )
  var keepaliveInterval = 7200.0

  @Option(help: "Seconds a client has to answer a keepalive PING before it is disconnected.")
  var keepaliveTimeout = 20.0

  @Option(
    help:
      "The shortest interval, in seconds, between a client's PINGs (more strikes: GOAWAY too_many_pings)."
  )
  var keepaliveMinTime = 300.0

  @Flag(help: "Accept client keepalive PINGs while the client has no open call.")
  var permitKeepaliveWithoutCalls = false

  @Option(
    help:
      "Seconds a connection may stay without open calls before it is closed with GOAWAY. (default: no limit)"
  )
  var maxConnectionIdle: Double?

  @Option(
    help:
      "Seconds after which a connection is closed with GOAWAY (±10% jitter). (default: no limit)"
  )
  var maxConnectionAge: Double?

  @Option(
    help:
      "Seconds calls may continue after --max-connection-age before they end with UNAVAILABLE. (default: no limit)"
  )
  var maxConnectionAgeGrace: Double?

  @Option(
    help:
      "The most connections open at once; more are told GOAWAY ENHANCE_YOUR_CALM and closed. (default: no limit)"
  )
  var maxConnections: Int?

  @Option(
    help:
      "The most calls open at once; more end with RESOURCE_EXHAUSTED before their handler runs. (default: no limit)"
  )
  var maxOpenCalls: Int?

  @Option(
    help:
      "Give freed heap memory back to the system (malloc_trim) once this many fewer calls are open than at their peak; 0 turns it off."
  )
  var trimMemoryAfter = 1000

  func validate() throws {
    guard self.trimMemoryAfter >= 0 else {
      throw ValidationError("--trim-memory-after \(self.trimMemoryAfter) is not a number of calls (0 or more)")
    }
    for case (let flag, let value?) in [
      ("--max-connections", self.maxConnections), ("--max-open-calls", self.maxOpenCalls),
    ] where value < 1 {
      throw ValidationError("\(flag) \(value) is not a positive number")
    }
    let durations: [(String, Double?)] = [
      ("--grace-period", self.gracePeriod), ("--keepalive-interval", self.keepaliveInterval),
      ("--keepalive-timeout", self.keepaliveTimeout),
      ("--keepalive-min-time", self.keepaliveMinTime),
      ("--max-connection-idle", self.maxConnectionIdle),
      ("--max-connection-age", self.maxConnectionAge),
      ("--max-connection-age-grace", self.maxConnectionAgeGrace),
    ]
    for case (let flag, let value?) in durations where !(value >= 0 && value <= 1e9) {
      throw ValidationError("\(flag) \(value) is not a number of seconds between 0 and 1e9")
    }
  }

  /// The shutdown grace, the one place both the chat service's drain and the transports' grace
  /// periods come from.
  var shutdownGrace: ShutdownGrace { ShutdownGrace(service: .seconds(self.gracePeriod)) }

  /// Applies the keepalive, ping policy, connection age, idle and connection-limit flags, and the
  /// shutdown grace.
  func configure(_ configuration: inout NGHTTP2ServerConfiguration) {
    configuration.shutdownGracePeriod = self.shutdownGrace.transport
    configuration.keepalive = .init(
      interval: self.keepaliveInterval > 0 ? .seconds(self.keepaliveInterval) : nil,
      timeout: .seconds(self.keepaliveTimeout)
    )
    configuration.clientPingPolicy = .init(
      minimumInterval: .seconds(self.keepaliveMinTime),
      permitWithoutCalls: self.permitKeepaliveWithoutCalls
    )
    configuration.maximumConnectionIdle = self.maxConnectionIdle.map { .seconds($0) }
    configuration.maximumConnectionAge = self.maxConnectionAge.map { .seconds($0) }
    configuration.maximumConnectionAgeGrace = self.maxConnectionAgeGrace.map { .seconds($0) }
    configuration.maximumConnections = self.maxConnections
  }
}

/// How long a shutdown lets open calls run, from `--grace-period`.
struct ShutdownGrace: Sendable {
  /// The margin by which the transports' grace period outlasts the chat service's: at the end
  /// of `--grace-period` the service ends its calls after writing what they have queued, and the
  /// transports end whatever is still open (health watches, other services) a moment later.
  static let transportMargin: Duration = .seconds(1)

  /// How long the chat service lets its calls run before it ends them with `UNAVAILABLE`.
  let service: Duration

  /// The transports' `shutdownGracePeriod` (the gRPC port's and the health port's).
  var transport: Duration { self.service + Self.transportMargin }
}
