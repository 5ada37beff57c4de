import GRPCKitNGHTTP2

extension ChatServerCommand {
  /// The margin by which the transport's grace period outlasts the chat service's: at the end of
  /// `--grace-period` the service ends its calls after writing what they have queued, and the
  /// transport ends whatever is still open (health watches, other services) a moment later.
  static let transportGraceMargin: Duration = .seconds(1)

  /// Applies the keepalive, ping policy, connection age and idle, and grace period flags.
  func configureLifecycle(_ configuration: inout NGHTTP2ServerConfiguration) {
    configuration.shutdownGracePeriod = .seconds(self.gracePeriod) + Self.transportGraceMargin
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
  }
}
