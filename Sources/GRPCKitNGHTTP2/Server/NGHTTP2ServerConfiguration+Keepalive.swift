extension NGHTTP2ServerConfiguration {
  /// Keepalive PINGs the server sends, to detect clients that are gone (and to keep idle
  /// proxies from dropping the connection).
  ///
  /// The defaults are gRPC's server defaults (grpc-go, gRPC C core): a PING after 2 hours
  /// without reading anything from the client, and 20 seconds for the client to answer; a client
  /// that does not answer in time is disconnected and its calls end.
  ///
  /// ```swift
  /// var configuration = NGHTTP2ServerConfiguration()
  /// configuration.keepalive = .init(interval: .seconds(60), timeout: .seconds(10))
  /// ```
  public struct ServerKeepalive: Sendable, Hashable {
    /// Quiet time after which the server sends a PING; `nil` turns server keepalive off.
    public var interval: Duration?
    /// How long the client has to answer a PING (any frame counts) before the connection is
    /// closed. Also bounds the wait for the ACK of the PING of a graceful close.
    public var timeout: Duration

    /// Creates keepalive settings.
    ///
    /// - Parameters:
    ///   - interval: Quiet time before a PING; `nil` for none.
    ///   - timeout: Time to answer a PING.
    public init(interval: Duration? = .seconds(7200), timeout: Duration = .seconds(20)) {
      self.interval = interval
      self.timeout = timeout
    }
  }

  /// How often clients may send PINGs, enforced as grpc-go and gRPC C core do (gRFC A8).
  ///
  /// A PING sooner than ``minimumInterval`` after the client's previous one is a strike; without
  /// open calls, unless ``permitWithoutCalls``, the minimum is 2 hours. Strikes are forgiven
  /// whenever the server sends headers or data. A client with more than ``maximumStrikes``
  /// strikes gets GOAWAY `ENHANCE_YOUR_CALM` with debug data "too_many_pings" and is
  /// disconnected; gRPC clients then double their keepalive interval.
  public struct ClientPingPolicy: Sendable, Hashable {
    /// The shortest accepted interval between client PINGs while calls are open (or always,
    /// with ``permitWithoutCalls``). Default 5 minutes, as gRPC servers.
    public var minimumInterval: Duration
    /// Whether clients may send keepalive PINGs while no call is open. Default false.
    public var permitWithoutCalls: Bool
    /// Strikes tolerated; one more closes the connection. Default 2.
    public var maximumStrikes: Int

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - minimumInterval: The shortest accepted interval between client PINGs.
    ///   - permitWithoutCalls: Whether PINGs without open calls are accepted.
    ///   - maximumStrikes: Too-early PINGs tolerated.
    public init(
      minimumInterval: Duration = .seconds(300),
      permitWithoutCalls: Bool = false,
      maximumStrikes: Int = 2
    ) {
      self.minimumInterval = minimumInterval
      self.permitWithoutCalls = permitWithoutCalls
      self.maximumStrikes = maximumStrikes
    }
  }
}
