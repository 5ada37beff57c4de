public import GRPCKit
import GRPCLocking
public import Logging

/// The server side of an ``InProcessTransport``: hands the calls its client makes to the
/// ``ServerStreamHandler`` (a ``GRPCServer``) it listens with. No socket, no HTTP/2: a call is
/// two in-memory message queues with the nghttp2 transport's semantics.
///
/// ```swift
/// let transport = InProcessTransport()
/// let server = GRPCServer(transport: transport.server, services: [EchoService()])
/// Task { try await server.serve() }
/// let client = GRPCClient(transport: transport.client)
/// ```
///
/// Calls made before ``listen(streamHandler:logger:)`` wait for it (up to their deadline), as a
/// client waits for its connection; calls made after ``beginGracefulShutdown()`` fail with
/// `UNAVAILABLE`.
public final class InProcessServerTransport: ServerTransport {
  private enum Phase {
    case idle
    case listening(any ServerStreamHandler)
    case draining
    case stopped
  }

  private struct State {
    var phase = Phase.idle
    /// Calls waiting for ``listen(streamHandler:logger:)``.
    var waiters: [Int: UnsafeContinuation<any ServerStreamHandler, any Error>] = [:]
    /// Calls whose task has not returned yet.
    var active: [Int: InProcessCall] = [:]
    var nextID = 0
    /// ``listen(streamHandler:logger:)`` waiting for the open calls to end.
    var drained: UnsafeContinuation<Void, Never>?
  }

  /// The largest request message the server accepts; a larger one ends the call with
  /// `RESOURCE_EXHAUSTED`.
  public let maximumReceiveMessageSize: Int
  /// The largest response message sent; `nil` for no limit. Writing a larger one throws
  /// `RESOURCE_EXHAUSTED` to the handler and sends nothing.
  public let maximumSendMessageSize: Int?
  private let state = Mutex(State())

  /// Creates the server side.
  ///
  /// - Parameters:
  ///   - maximumReceiveMessageSize: The request size limit (4 MiB, as the nghttp2 transport's
  ///     default).
  ///   - maximumSendMessageSize: The response size limit (none by default, as over nghttp2).
  public init(maximumReceiveMessageSize: Int = 4 << 20, maximumSendMessageSize: Int? = nil) {
    self.maximumReceiveMessageSize = maximumReceiveMessageSize
    self.maximumSendMessageSize = maximumSendMessageSize
  }

  /// Serves the calls of this transport's client until ``beginGracefulShutdown()``, then
  /// returns once the open calls have ended. Cancelling the task that listens ends the open
  /// calls (`UNAVAILABLE`) and returns at once.
  ///
  /// - Parameters:
  ///   - streamHandler: Receives every call; its errors end the call with a trailers-only
  ///     response.
  ///   - logger: Unused: an in-process server has no connections to report.
  /// - Throws: ``RPCError`` `FAILED_PRECONDITION` when the transport is already listening or
  ///   has been shut down.
  public func listen(streamHandler: any ServerStreamHandler, logger: Logger) async throws {
    let waiters = try self.state.withLock {
      (
        state: inout State
      ) throws(RPCError) -> [Int: UnsafeContinuation<any ServerStreamHandler, any Error>] in
      guard case .idle = state.phase else {
        throw RPCError(
          code: .failedPrecondition,
          message: "an in-process server transport listens once; this one already did"
        )
      }
      state.phase = .listening(streamHandler)
      defer { state.waiters = [:] }
      return state.waiters
    }
    for waiter in waiters.values { waiter.resume(returning: streamHandler) }
    await withTaskCancellationHandler {
      await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
        let done = self.state.withLock { state -> Bool in
          if case .stopped = state.phase { return true }
          if case .draining = state.phase, state.active.isEmpty { return true }
          state.drained = continuation
          return false
        }
        if done { continuation.resume() }
      }
    } onCancel: {
      self.stop(RPCError(code: .unavailable, message: "the in-process server stopped"))
    }
  }

  /// Stops accepting calls; ``listen(streamHandler:logger:)`` returns once the open ones end.
  public func beginGracefulShutdown() {
    let (waiters, drained) = self.state.withLock { state in
      switch state.phase {
      case .idle, .listening: state.phase = .draining
      case .draining, .stopped: break
      }
      let waiters = state.waiters
      state.waiters = [:]
      return (waiters, Self.takeDrained(&state))
    }
    let error = RPCError(code: .unavailable, message: "the in-process server is shutting down")
    for waiter in waiters.values { waiter.resume(throwing: error) }
    drained?.resume()
  }

  /// Ends every open call with `error` and stops.
  private func stop(_ error: RPCError) {
    let (waiters, active, drained) = self.state.withLock { state in
      state.phase = .stopped
      defer {
        state.waiters = [:]
        state.active = [:]
        state.drained = nil
      }
      return (state.waiters, state.active, state.drained)
    }
    for waiter in waiters.values { waiter.resume(throwing: error) }
    for call in active.values { call.abort(error) }
    drained?.resume()
  }

  private static func takeDrained(_ state: inout State) -> UnsafeContinuation<Void, Never>? {
    guard case .draining = state.phase, state.active.isEmpty else { return nil }
    defer { state.drained = nil }
    return state.drained
  }

  // MARK: Client side

  /// The stream handler, once the server listens.
  ///
  /// - Parameter deadline: When the waiting call's deadline passes, if it has one.
  /// - Throws: ``RPCError`` `UNAVAILABLE` once the server is shutting down,
  ///   `DEADLINE_EXCEEDED` or `CANCELLED` while waiting.
  func streamHandler(
    waitingUntil deadline: ContinuousClock.Instant?
  ) async throws(RPCError)
    -> any ServerStreamHandler
  {
    let id = self.state.withLock { state in
      state.nextID += 1
      return state.nextID
    }
    do {
      return try await withTaskCancellationHandler {
        try await withUnsafeThrowingContinuation {
          (continuation: UnsafeContinuation<any ServerStreamHandler, any Error>) in
          let ready = self.state.withLock { state -> Result<any ServerStreamHandler, RPCError>? in
            switch state.phase {
            case .listening(let handler): return .success(handler)
            case .draining, .stopped:
              return .failure(
                RPCError(code: .unavailable, message: "the in-process server is shutting down")
              )
            case .idle:
              if Task.isCancelled {
                return .failure(RPCError(code: .cancelled, message: "the call was cancelled"))
              }
              state.waiters[id] = continuation
              return nil
            }
          }
          switch ready {
          case .success(let handler)?: continuation.resume(returning: handler)
          case .failure(let error)?: continuation.resume(throwing: error)
          case nil:
            guard let deadline else { return }
            Task.detached {
              try? await Task.sleep(until: deadline, clock: .continuous)
              self.endWait(
                id,
                RPCError(
                  code: .deadlineExceeded,
                  message: "the deadline passed while waiting for the in-process server to listen"
                )
              )
            }
          }
        }
      } onCancel: {
        self.endWait(id, RPCError(code: .cancelled, message: "the call was cancelled"))
      }
    } catch let error as RPCError {
      throw error
    } catch {
      throw RPCError(code: .unavailable, message: "\(error)", cause: error)
    }
  }

  private func endWait(_ id: Int, _ error: RPCError) {
    let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
    waiter?.resume(throwing: error)
  }

  /// Counts `call` open until its task returns.
  ///
  /// - Returns: The function to call when it has, or `nil` when the server stopped meanwhile.
  func register(_ call: InProcessCall) -> (@Sendable () -> Void)? {
    let id = self.state.withLock { state -> Int? in
      if case .stopped = state.phase { return nil }
      state.nextID += 1
      state.active[state.nextID] = call
      return state.nextID
    }
    guard let id else { return nil }
    return {
      let drained = self.state.withLock { state in
        state.active.removeValue(forKey: id)
        return Self.takeDrained(&state)
      }
      drained?.resume()
    }
  }
}
