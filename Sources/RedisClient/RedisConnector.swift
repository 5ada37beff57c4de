internal import NIOCore
internal import NIOPosix
internal import NIOSSL

/// Opens connections to one Redis server: TCP (and TLS for `rediss://`), then `AUTH` when the
/// configuration has credentials and `SELECT` when its database is not 0, all within the
/// connect timeout.
struct RedisConnector: Sendable {
  let configuration: RedisConfiguration

  /// Connects on `eventLoop`.
  ///
  /// - Returns: The ready connection; fails with a ``RedisFailure``: `.authenticationFailed`
  ///   when `AUTH` or `SELECT` is refused, `.connectionFailed` for everything else.
  func connect(on eventLoop: any EventLoop) -> EventLoopFuture<RedisConnection> {
    let promise = eventLoop.makePromise(of: RedisConnection.self)
    let attempt = NIOLoopBoundBox.makeBoxSendingValue(ConnectAttempt(), eventLoop: eventLoop)
    let configuration = self.configuration
    let timeout = eventLoop.scheduleTask(in: configuration.connectTimeout.timeAmount) {
      let detail =
        "connect timed out after \(configuration.connectTimeout.redisText) (connectTimeout)"
      attempt.value.finish(.failure(RedisFailure(.connectionFailed, detail)), promise)
    }
    self.makeTLSContext(on: eventLoop).flatMap { context in
      self.bootstrap(on: eventLoop, tls: context).connect(
        host: configuration.host,
        port: configuration.port
      )
    }.flatMapError { error in
      eventLoop.makeFailedFuture(RedisFailure(.connectionFailed, RedisErrorText.describe(error)))
    }.flatMap { channel in
      attempt.value.channel = channel
      return self.handshake(channel)
    }.whenComplete { result in
      timeout.cancel()
      attempt.value.finish(result, promise)
    }
    return promise.futureResult
  }

  /// One connect's outcome, decided once: by the connection (or its failure), or by the timeout.
  private struct ConnectAttempt: Sendable {
    var channel: (any Channel)?
    var finished = false

    mutating func finish(
      _ result: Result<RedisConnection, any Error>,
      _ promise: EventLoopPromise<RedisConnection>
    ) {
      guard !self.finished else {
        // Timed out already: the connection that came late is not wanted.
        if case .success(let connection) = result {
          connection.close(RedisFailure(.connectionFailed, "connect timed out"))
        }
        return
      }
      self.finished = true
      switch result {
      case .success(let connection):
        promise.succeed(connection)
      case .failure(let error):
        let failure =
          error as? RedisFailure ?? RedisFailure(.connectionFailed, RedisErrorText.describe(error))
        if let channel = self.channel { RedisConnector.close(channel, failure) }
        promise.fail(failure)
      }
    }
  }

  private func bootstrap(on eventLoop: any EventLoop, tls: NIOSSLContext?) -> ClientBootstrap {
    let configuration = self.configuration
    let serverHostname = Self.sniName(configuration.serverHostnameOverride ?? configuration.host)
    return ClientBootstrap(group: eventLoop)
      .connectTimeout(configuration.connectTimeout.timeAmount)
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let tls {
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: tls, serverHostname: serverHostname)
            )
          }
          try channel.pipeline.syncOperations.addHandler(
            RedisConnectionHandler(
              commandTimeout: configuration.commandTimeout,
              maximumReplyBytes: configuration.maximumReplyBytes,
              maximumElements: configuration.maximumElements,
              waitsForTLS: tls != nil
            )
          )
        }
      }
  }

  /// Waits for TLS, then sends `AUTH` and `SELECT` as needed.
  private func handshake(_ channel: any Channel) -> EventLoopFuture<RedisConnection> {
    let handler: RedisConnectionHandler
    do {
      handler = try channel.pipeline.syncOperations.handler(type: RedisConnectionHandler.self)
    } catch {
      return channel.eventLoop.makeFailedFuture(
        RedisFailure(.connectionFailed, RedisErrorText.describe(error))
      )
    }
    let connection = RedisConnection(
      channel: channel,
      handler: NIOLoopBound(handler, eventLoop: channel.eventLoop)
    )
    let ready = handler.ready ?? channel.eventLoop.makeSucceededVoidFuture()
    let commands = self.handshakeCommands
    return ready.flatMapError { error in
      let detail = (error as? RedisFailure)?.detail ?? RedisErrorText.describe(error)
      return channel.eventLoop.makeFailedFuture(RedisFailure(.connectionFailed, detail))
    }.flatMap { () -> EventLoopFuture<RedisConnection> in
      guard !commands.isEmpty else { return channel.eventLoop.makeSucceededFuture(connection) }
      return connection.send(commands, name: commands.map(\.name).joined(separator: "+"))
        .flatMapError { error in
          let detail = (error as? RedisFailure)?.detail ?? RedisErrorText.describe(error)
          return channel.eventLoop.makeFailedFuture(RedisFailure(.connectionFailed, detail))
        }.flatMapThrowing { replies in
          for (command, reply) in zip(commands, replies) {
            guard case .error(let text) = reply else { continue }
            let shown =
              command.name == "SELECT" ? "SELECT \(self.configuration.database)" : command.name
            throw RedisFailure(
              .authenticationFailed,
              "\(shown) failed: \(text)",
              serverMessage: text
            )
          }
          return connection
        }
    }
  }

  /// `AUTH [user] password` and `SELECT db`, as the configuration asks.
  var handshakeCommands: [RedisCommand] {
    var commands: [RedisCommand] = []
    if let password = self.configuration.password {
      let user = self.configuration.username.map { [RedisArgument($0)] } ?? []
      commands.append(RedisCommand("AUTH", user + [RedisArgument(password)]))
    }
    if self.configuration.database != 0 {
      commands.append(RedisCommand("SELECT", [RedisArgument(self.configuration.database)]))
    }
    return commands
  }

  static func close(_ channel: any Channel, _ reason: RedisFailure) {
    channel.eventLoop.execute {
      if let handler = try? channel.pipeline.syncOperations.handler(
        type: RedisConnectionHandler.self
      ) {
        handler.close(reason)
      } else {
        channel.close(promise: nil)
      }
    }
  }

  // MARK: TLS

  /// The TLS context for `rediss://` (nil otherwise), made on NIO's blocking-I/O pool since it
  /// reads the trust roots file: TLS 1.2 or later, the server's certificate verified against
  /// ``RedisConfiguration/trustRootsPath`` (else the system's roots) and its host name.
  private func makeTLSContext(on eventLoop: any EventLoop) -> EventLoopFuture<NIOSSLContext?> {
    guard self.configuration.useTLS else { return eventLoop.makeSucceededFuture(nil) }
    let path = self.configuration.trustRootsPath
    return NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) {
      () throws -> NIOSSLContext? in
      var tls = TLSConfiguration.makeClientConfiguration()
      tls.minimumTLSVersion = .tlsv12
      tls.certificateVerification = .fullVerification
      if let path {
        let roots: [NIOSSLCertificate]
        do {
          roots = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
          throw RedisFailure(.connectionFailed, "cannot read the TLS trust roots \(path): \(error)")
        }
        guard !roots.isEmpty else {
          throw RedisFailure(
            .connectionFailed,
            "the TLS trust roots \(path) hold no PEM certificate"
          )
        }
        tls.trustRoots = .certificates(roots)
      } else {
        tls.trustRoots = .default
      }
      return try NIOSSLContext(configuration: tls)
    }
  }

  /// The SNI name: DNS names only (RFC 6066 section 3 forbids addresses); for an address NIOSSL
  /// checks the certificate's IP addresses against the connected one.
  static func sniName(_ host: String) -> String? {
    guard !host.isEmpty else { return nil }
    return (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
  }
}
