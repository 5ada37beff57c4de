extension NGHTTP2ClientConfiguration {
  /// Keepalive PINGs the client sends, to detect a server (or a path) that stopped answering
  /// while calls wait, and to keep idle proxies from dropping the connection.
  ///
  /// Off by default, as in gRPC clients. When a server answers too frequent PINGs with GOAWAY
  /// `ENHANCE_YOUR_CALM` "too_many_pings", the transport doubles its interval for its later
  /// connections (as grpc-go does). Servers accept client PINGs no more often than every 5
  /// minutes by default.
  ///
  /// ```swift
  /// var configuration = NGHTTP2ClientConfiguration()
  /// configuration.keepalive = .init(interval: .seconds(300), timeout: .seconds(20))
  /// ```
  public struct ClientKeepalive: Sendable, Hashable {
    /// Quiet time after which the client sends a PING; `nil` (the default) turns it off.
    public var interval: Duration?
    /// How long the server has to answer (any frame counts); then the connection is closed and
    /// its calls fail with `UNAVAILABLE`. Default 20 seconds.
    public var timeout: Duration
    /// Whether PINGs are sent while no call is open. Default false.
    public var permitWithoutCalls: Bool

    /// Creates keepalive settings.
    ///
    /// - Parameters:
    ///   - interval: Quiet time before a PING; `nil` for none.
    ///   - timeout: Time for the server to answer.
    ///   - permitWithoutCalls: Whether to ping while no call is open.
    public init(
      interval: Duration? = nil,
      timeout: Duration = .seconds(20),
      permitWithoutCalls: Bool = false
    ) {
      self.interval = interval
      self.timeout = timeout
      self.permitWithoutCalls = permitWithoutCalls
    }
  }
}
