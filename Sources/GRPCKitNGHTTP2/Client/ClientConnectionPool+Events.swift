import GRPCKit
import NIOCore
import NIOPosix

// Resolution, connection attempts and their outcomes.
extension ClientConnectionPool {
  /// Replaces the subchannel list with one per address, keeping those whose address stayed.
  func apply(_ addresses: [SocketAddress], to state: inout State, effects: inout [Effect]) {
    state.resolution = .resolved
    state.resolutionError = nil
    state.resolveBackoff.reset()
    var kept: [Subchannel] = []
    for address in addresses {
      if let existing = state.subchannels.first(where: { $0.address == address }) {
        kept.append(existing)
      } else {
        state.nextSubchannelID += 1
        kept.append(Subchannel(id: state.nextSubchannelID, address: address, machine: SubchannelStateMachine(backoff: self.configuration.backoff)))
      }
    }
    for var removed in state.subchannels where !kept.contains(where: { $0.id == removed.id }) {
      removed.machine.shutDown()
      removed.retryTimer?.cancel()
      if let connection = removed.connection { effects.append(.close(connection.channel)) }
    }
    state.subchannels = kept
  }

  /// What a subchannel state-machine action means for the pool.
  func effects(of action: SubchannelStateMachine.Action, subchannel index: Int, state: inout State) -> [Effect] {
    let subchannel = state.subchannels[index]
    switch action {
    case .none, .becameReady, .closeConnection:
      return []
    case .connect(let attempt, let timeout):
      return [.connect(subchannelID: subchannel.id, address: subchannel.address, attempt: attempt, timeout: timeout)]
    case .scheduleRetry(let delay):
      let id = subchannel.id
      state.subchannels[index].retryTimer = self.group.next().scheduleTask(in: .nanoseconds(delay.saturatingNanoseconds)) {
        self.retryTimerFired(subchannelID: id)
      }
      return []
    }
  }

  func resolve(host: String, port: Int) async {
    let result: Result<[SocketAddress], RPCError>
    do {
      result = .success(try await AddressResolver.resolve(host: host, port: port))
    } catch {
      result = .failure(error)
    }
    let effects = self.state.withLock { state -> [Effect] in
      guard !state.closed else { return [] }
      var effects: [Effect] = []
      switch result {
      case .success(let addresses):
        self.apply(addresses, to: &state, effects: &effects)
        if !state.waiters.isEmpty { effects += self.requestConnections(&state) }
        return effects + self.serveWaiters(&state)
      case .failure(let error):
        state.resolution = .needed
        state.resolutionError = error
        state.lastError = error.message
        effects = self.serveWaiters(&state)
        guard !state.waiters.isEmpty else { return effects }
        // Calls that wait for ready keep waiting: resolve again after a backoff.
        state.resolution = .backingOff
        let delay = state.resolveBackoff.nextDelay(using: &state.random)
        state.resolveTimer = self.group.next().scheduleTask(in: .nanoseconds(delay.saturatingNanoseconds)) {
          let resolve = self.state.withLock { state -> Bool in
            guard !state.closed, state.resolution == .backingOff else { return false }
            state.resolution = .resolving
            return true
          }
          if resolve { Task { await self.resolve(host: host, port: port) } }
        }
        return effects
      }
    }
    self.perform(effects)
  }

  func connect(subchannelID: Int, address: SocketAddress, attempt: Int, timeout: Duration) {
    let mailbox = ConnectionMailbox<ClientStreamAction>(eventLoop: self.group.next())
    let configuration = self.configuration
    let serverHostname = self.target.serverHostname
    let keepaliveInterval = self.keepaliveInterval
    var bootstrap = ClientBootstrap(group: mailbox.eventLoop)
      .connectTimeout(.nanoseconds(timeout.saturatingNanoseconds))
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let handler = ClientConnectionHandler(
            configuration: configuration, mailbox: mailbox, keepaliveInterval: keepaliveInterval
          ) { [weak self] in
            self?.connectionLost(subchannelID: subchannelID, attempt: attempt)
          }
          try TLSPipeline.addClientHandlers(
            to: channel.pipeline.syncOperations, configuration: configuration, serverHostname: serverHostname)
          try channel.pipeline.syncOperations.addHandler(handler)
        }
      }
    if address.protocol != .unix {
      bootstrap = bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1)
    }
    bootstrap.connect(to: address).whenComplete { result in
      self.connectCompleted(
        subchannelID: subchannelID, attempt: attempt,
        result.map { ClientConnection(channel: $0, mailbox: mailbox, subchannelID: subchannelID) })
    }
  }

  private func connectCompleted(subchannelID: Int, attempt: Int, _ result: Result<ClientConnection, any Error>) {
    let effects = self.state.withLock { state -> [Effect] in
      guard let index = state.subchannels.firstIndex(where: { $0.id == subchannelID }) else {
        if case .success(let connection) = result { return [.close(connection.channel)] }
        return []
      }
      switch result {
      case .success(let connection):
        guard state.subchannels[index].machine.connectSucceeded(attempt: attempt) == .becameReady else {
          return [.close(connection.channel)]
        }
        state.subchannels[index].connection = connection
      case .failure(let error):
        state.lastError = "\(Self.describe(state.subchannels[index].address)): \(error)"
        let action = state.subchannels[index].machine.connectFailed(attempt: attempt, error: "\(error)", using: &state.random)
        var effects = self.effects(of: action, subchannel: index, state: &state)
        if case .name = self.target.endpoint, self.allFailed(state) { state.resolution = .needed }
        if state.loadBalancing == .pickFirst, !state.waiters.isEmpty { effects += self.requestConnections(&state) }
        effects += self.serveWaiters(&state)
        return effects
      }
      return self.serveWaiters(&state)
    }
    self.perform(effects)
  }

  private func allFailed(_ state: State) -> Bool {
    state.subchannels.allSatisfy {
      if case .transientFailure = $0.machine.state { return true }
      return false
    }
  }

  private func retryTimerFired(subchannelID: Int) {
    let effects = self.state.withLock { state -> [Effect] in
      guard !state.closed, let index = state.subchannels.firstIndex(where: { $0.id == subchannelID }) else { return [] }
      state.subchannels[index].retryTimer = nil
      let wanted = !state.waiters.isEmpty
      var effects = self.effects(of: state.subchannels[index].machine.retryTimerFired(wanted: wanted), subchannel: index, state: &state)
      if wanted, state.resolution == .needed { effects += self.requestConnections(&state) }
      return effects
    }
    self.perform(effects)
  }

  /// A connection stopped taking new calls (GOAWAY or closed); its calls finish on it. The next
  /// call connects anew, after resolving the name again.
  private func connectionLost(subchannelID: Int, attempt: Int) {
    let effects = self.state.withLock { state -> [Effect] in
      guard let index = state.subchannels.firstIndex(where: { $0.id == subchannelID }),
        state.subchannels[index].machine.connectionLost(attempt: attempt)
      else { return [] }
      state.subchannels[index].connection = nil
      if case .name = self.target.endpoint, state.resolution == .resolved { state.resolution = .needed }
      return state.waiters.isEmpty ? [] : self.requestConnections(&state)
    }
    self.perform(effects)
  }

  static func describe(_ address: SocketAddress) -> String {
    switch address {
    case .unixDomainSocket: return "unix:\(address.pathname ?? "")"
    case .v4, .v6: return ClientTarget.HostAndPort(host: address.ipAddress ?? "?", port: address.port ?? 0).description
    }
  }
}
