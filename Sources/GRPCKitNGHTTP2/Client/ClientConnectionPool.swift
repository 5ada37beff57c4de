import GRPCKit
import GRPCLocking
import NIOCore
import NIOPosix

/// The connections of one client transport: a subchannel per address of the target, each
/// connecting lazily (when a call needs it) and reconnecting with backoff; calls are spread
/// round-robin over the ready ones, or, with pick_first, the addresses are tried in order and
/// every call uses the first that connected.
///
/// A call that finds no ready connection waits for one; it fails with `UNAVAILABLE` once every
/// address failed (fail fast), unless it asked to wait for ready, in which case only its
/// deadline, cancellation or ``close()`` end the wait.
final class ClientConnectionPool: Sendable {
  let target: ClientTarget
  let configuration: NGHTTP2ClientConfiguration
  let group: any EventLoopGroup
  /// The keepalive interval connections use; doubled after GOAWAY "too_many_pings".
  let keepaliveInterval: KeepaliveInterval?
  let state: Mutex<State>

  struct Subchannel {
    let id: Int
    let address: SocketAddress
    var machine: SubchannelStateMachine
    var connection: ClientConnection?
    var retryTimer: Scheduled<Void>?
  }

  struct Waiter {
    let continuation: CheckedContinuation<ClientConnection, any Error>
    let waitForReady: Bool
    let excluding: Int?
    var timer: Scheduled<Void>?
  }

  enum Resolution { case needed, resolving, backingOff, resolved }

  struct State {
    var subchannels: [Subchannel] = []
    var nextSubchannelID = 0
    var resolution = Resolution.needed
    var resolutionError: RPCError?
    var resolveTimer: Scheduled<Void>?
    var resolveBackoff: ConnectionBackoffSchedule
    var picker = RoundRobinPicker()
    var loadBalancing: ServiceConfig.LoadBalancingPolicy
    var waiters: [Int: Waiter] = [:]
    var nextWaiterID = 0
    var lastError: String?
    var closed = false
    var random = SystemRandomNumberGenerator()
  }

  /// Work decided under the lock and done after it.
  enum Effect {
    case resume(CheckedContinuation<ClientConnection, any Error>, Result<ClientConnection, RPCError>)
    case connect(subchannelID: Int, address: SocketAddress, attempt: Int, timeout: Duration)
    case resolve(host: String, port: Int)
    case close(any Channel)
  }

  init(target: ClientTarget, configuration: NGHTTP2ClientConfiguration, group: any EventLoopGroup) {
    self.target = target
    self.configuration = configuration
    self.group = group
    self.keepaliveInterval = configuration.keepalive.interval.map(KeepaliveInterval.init)
    self.state = Mutex(
      State(
        resolveBackoff: ConnectionBackoffSchedule(policy: configuration.backoff),
        loadBalancing: configuration.loadBalancing))
  }

  /// A ready connection for a new call.
  ///
  /// - Parameters:
  ///   - waitForReady: Wait for a connection even when every address failed.
  ///   - timeout: How long to wait; `DEADLINE_EXCEEDED` after it.
  ///   - excluding: A subchannel to avoid when another is ready (a retry after a refusal).
  /// - Throws: ``RPCError``: `UNAVAILABLE` (fail fast, or closed), `DEADLINE_EXCEEDED`,
  ///   `CANCELLED`.
  func connection(waitForReady: Bool, timeout: Duration?, excluding: Int? = nil) async throws(RPCError)
    -> ClientConnection
  {
    let id = self.state.withLock { state in
      state.nextWaiterID += 1
      return state.nextWaiterID
    }
    do {
      return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
          let effects = self.state.withLock { state -> [Effect] in
            self.register(
              Waiter(continuation: continuation, waitForReady: waitForReady, excluding: excluding),
              id: id, timeout: timeout, state: &state)
          }
          self.perform(effects)
        }
      } onCancel: {
        self.endWait(id, RPCError(code: .cancelled, message: "the call was cancelled while waiting for a connection"))
      }
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .unavailable, message: "\(error)")
    }
  }

  /// Closes every connection; waiting calls fail with `UNAVAILABLE`, later calls at once.
  func close() {
    let effects = self.state.withLock { state -> [Effect] in
      guard !state.closed else { return [] }
      state.closed = true
      state.resolveTimer?.cancel()
      var effects: [Effect] = []
      for index in state.subchannels.indices {
        state.subchannels[index].machine.shutDown()
        state.subchannels[index].retryTimer?.cancel()
        if let connection = state.subchannels[index].connection { effects.append(.close(connection.channel)) }
        state.subchannels[index].connection = nil
      }
      let error = RPCError(code: .unavailable, message: "the client transport was closed")
      for (_, waiter) in state.waiters {
        waiter.timer?.cancel()
        effects.append(.resume(waiter.continuation, .failure(error)))
      }
      state.waiters = [:]
      return effects
    }
    self.perform(effects)
  }

  private func register(_ waiter: Waiter, id: Int, timeout: Duration?, state: inout State) -> [Effect] {
    if state.closed {
      return [.resume(waiter.continuation, .failure(RPCError(code: .unavailable, message: "the client transport was closed")))]
    }
    if Task.isCancelled {
      let error = RPCError(code: .cancelled, message: "the call was cancelled while waiting for a connection")
      return [.resume(waiter.continuation, .failure(error))]
    }
    if let connection = Self.pickReady(&state, excluding: waiter.excluding) {
      return [.resume(waiter.continuation, .success(connection))]
    }
    var waiter = waiter
    if let timeout {
      let description = max(timeout, .zero).secondsDescription
      waiter.timer = self.group.next().scheduleTask(in: .nanoseconds(timeout.saturatingNanoseconds)) {
        self.endWait(id, RPCError(code: .deadlineExceeded, message: "no connection to \(self.target) was ready within \(description)\(self.lastErrorSuffix)"))
      }
    }
    state.waiters[id] = waiter
    var effects = self.requestConnections(&state)
    if !waiter.waitForReady, let failure = self.failFastError(state) {
      state.waiters[id] = nil
      waiter.timer?.cancel()
      effects.append(.resume(waiter.continuation, .failure(failure)))
    }
    return effects
  }

  private var lastErrorSuffix: String {
    self.state.withLock { state in state.lastError.map { "; last error: \($0)" } ?? "" }
  }

  /// Ends a waiting call with `error` (deadline, cancellation); no-op once it got a connection.
  private func endWait(_ id: Int, _ error: RPCError) {
    let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
    guard let waiter else { return }
    waiter.timer?.cancel()
    waiter.continuation.resume(throwing: error)
  }

  /// Resolves the target if needed and starts connecting idle subchannels.
  func requestConnections(_ state: inout State) -> [Effect] {
    var effects: [Effect] = []
    if state.resolution == .needed {
      switch self.target.endpoint {
      case .name(let host, let port):
        state.resolution = .resolving
        effects.append(.resolve(host: host, port: port))
      case .addresses(let addresses):
        self.apply(addresses.compactMap { try? SocketAddress(ipAddress: $0.host, port: $0.port) }, to: &state, effects: &effects)
      case .unixDomainSocket(let path):
        do {
          self.apply([try SocketAddress(unixDomainSocketPath: path)], to: &state, effects: &effects)
        } catch {
          state.resolution = .resolved
          state.resolutionError = RPCError(code: .unavailable, message: "unix socket path \(path) is not usable: \(error)")
        }
      }
    }
    for index in state.subchannels.indices {
      // pick_first connects to the next address only once every earlier one has failed.
      if state.loadBalancing == .pickFirst, state.subchannels[..<index].contains(where: { !$0.hasFailed }) { break }
      let action = state.subchannels[index].machine.requestConnection()
      effects += self.effects(of: action, subchannel: index, state: &state)
    }
    return effects
  }

  /// Why a fail-fast call cannot wait: the name did not resolve, or every address failed.
  private func failFastError(_ state: State) -> RPCError? {
    guard state.resolution != .resolving else { return nil }
    if state.subchannels.isEmpty {
      let reason = state.resolutionError?.message ?? "the target has no address"
      return RPCError(code: .unavailable, message: "could not connect to \(self.target): \(reason)")
    }
    let allFailed = state.subchannels.allSatisfy {
      if case .transientFailure = $0.machine.state { return true }
      return false
    }
    guard allFailed else { return nil }
    return RPCError(
      code: .unavailable,
      message: "could not connect to \(self.target) (last error: \(state.lastError ?? "none"))")
  }

  /// Picks a ready connection round-robin (or, for pick_first, the first in address order),
  /// preferring one not on `excluding`.
  private static func pickReady(_ state: inout State, excluding: Int?) -> ClientConnection? {
    let ready = state.subchannels.compactMap { subchannel -> ClientConnection? in
      guard case .ready = subchannel.machine.state else { return nil }
      return subchannel.connection
    }
    let preferred = ready.filter { $0.subchannelID != excluding }
    let candidates = preferred.isEmpty ? ready : preferred
    if state.loadBalancing == .pickFirst { return candidates.first }
    return state.picker.pick(from: candidates)
  }

  /// Hands ready connections to waiting calls; fails the fail-fast ones if every address failed.
  func serveWaiters(_ state: inout State) -> [Effect] {
    var effects: [Effect] = []
    for id in state.waiters.keys.sorted() {
      guard let waiter = state.waiters[id] else { continue }
      if let connection = Self.pickReady(&state, excluding: waiter.excluding) {
        state.waiters[id] = nil
        waiter.timer?.cancel()
        effects.append(.resume(waiter.continuation, .success(connection)))
      } else if !waiter.waitForReady, let failure = self.failFastError(state) {
        state.waiters[id] = nil
        waiter.timer?.cancel()
        effects.append(.resume(waiter.continuation, .failure(failure)))
      }
    }
    return effects
  }

  func perform(_ effects: [Effect]) {
    for effect in effects {
      switch effect {
      case .resume(let continuation, let result): continuation.resume(with: result.mapError { $0 as any Error })
      case .connect(let id, let address, let attempt, let timeout):
        self.connect(subchannelID: id, address: address, attempt: attempt, timeout: timeout)
      case .resolve(let host, let port):
        Task { await self.resolve(host: host, port: port) }
      case .close(let channel): channel.close(promise: nil)
      }
    }
  }
}

extension ClientConnectionPool {
  /// True once ``close()`` was called.
  var isClosed: Bool { self.state.withLock { $0.closed } }

  /// Switches the load-balancing policy; connections already made stay.
  func useLoadBalancing(_ policy: ServiceConfig.LoadBalancingPolicy) {
    self.state.withLock { $0.loadBalancing = policy }
  }
}

extension ClientConnectionPool.Subchannel {
  /// True while its last connection attempt failed (it waits to retry).
  var hasFailed: Bool {
    if case .transientFailure = self.machine.state { return true }
    return false
  }
}
