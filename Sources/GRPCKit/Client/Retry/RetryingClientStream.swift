import GRPCLocking

/// One call under a retry or hedging policy (gRFC A6), which ``GRPCClient`` uses in place of
/// the transport's stream: the caller writes to it and reads the call's response buffer as
/// usual, while it runs attempts on the transport underneath.
///
/// - Requests are kept (up to the client's retry buffer size) and replayed on every attempt;
///   once they exceed it the call is committed to its current attempt.
/// - The first attempt to deliver response headers or a message commits the call: the others
///   are cancelled, and from then on its responses go straight to the caller's buffer.
/// - An attempt that ends uncommitted is retried (retry policy: after a jittered exponential
///   backoff or the server's `grpc-retry-pushback-ms`) or replaced at once (hedging, for a
///   non-fatal code), while attempts remain, the throttle permits and the deadline allows;
///   otherwise its end is the call's.
final class RetryingClientStream: ClientStreamOutbound {
  typealias OpenAttempt =
    @Sendable (CallOptions, any InboundMessageSink) async throws(RPCError) ->
    any ClientStreamOutbound

  enum Policy: Sendable, Hashable {
    case retry(ServiceConfig.RetryPolicy)
    case hedge(ServiceConfig.HedgingPolicy)

    var maxAttempts: Int {
      switch self {
      case .retry(let policy): policy.effectiveMaxAttempts
      case .hedge(let policy): policy.effectiveMaxAttempts
      }
    }

    /// The codes that let another attempt run (retryable, or non-fatal for hedging).
    func allowsAnotherAttempt(after code: Status.Code) -> Bool {
      switch self {
      case .retry(let policy): policy.retryableStatusCodes.contains(code)
      case .hedge(let policy): policy.nonFatalStatusCodes.contains(code)
      }
    }
  }

  private struct Entry {
    let bytes: [UInt8]
    let compress: Bool
  }

  private struct Attempt {
    var outbound: (any ClientStreamOutbound)?
    /// The log index of the next request to write to it.
    var sent: Int
    var halfClosed = false
    let writes = AsyncSerialLock()
  }

  private struct State {
    /// The requests from index `logBase` on: all of them until the call commits, then those
    /// the committed attempt has not written yet.
    var log: [Entry] = []
    var logBase = 0
    var logBytes = 0
    var requestsFinished = false
    /// The attempts running (or being opened), by number (1 is the first).
    var attempts: [Int: Attempt] = [:]
    var started = 0
    var committed: Int?
    /// The caller's buffer has its end (forwarded from an attempt, or a cancellation).
    var finished = false
    var endError: RPCError?
    /// The requests outgrew the buffer: no further attempt starts.
    var overflowed = false
    /// The server's pushback said stop, or the throttle did: no further attempt starts.
    var stopped = false
    var backoffStep = 0
    /// The pending backoff or hedging delay, and its number (a timer that fires clears it).
    var timer: Task<Void, Never>?
    var timerNumber = 0
  }

  private enum Pushback: Equatable {
    case none
    case delay(Duration)
    case stop
  }

  private enum WriteStep {
    case write(any ClientStreamOutbound, Entry, index: Int)
    case halfClose(any ClientStreamOutbound)
    case done
  }

  private let state = Mutex(State())
  private let policy: Policy
  private let throttle: RetryThrottle?
  private let bufferLimit: Int
  private let options: CallOptions
  private let deadline: ContinuousClock.Instant?
  /// The caller's response buffer.
  let responses: any InboundMessageSink
  private let open: OpenAttempt

  private init(
    policy: Policy,
    throttle: RetryThrottle?,
    bufferLimit: Int,
    options: CallOptions,
    responses: any InboundMessageSink,
    open: @escaping OpenAttempt
  ) {
    self.policy = policy
    self.throttle = throttle
    self.bufferLimit = bufferLimit
    self.options = options
    self.deadline = options.timeout.map { .now + $0 }
    self.responses = responses
    self.open = open
  }

  /// Starts a call: opens its first attempt (in the caller's task) and returns.
  ///
  /// - Parameters:
  ///   - policy: Retries or hedging.
  ///   - throttle: The client's token bucket, if it has one.
  ///   - bufferLimit: The request bytes kept for replay.
  ///   - options: The call's options; its timeout covers every attempt.
  ///   - responses: The caller's response buffer.
  ///   - open: Opens one attempt on the transport.
  static func start(
    policy: Policy,
    throttle: RetryThrottle?,
    bufferLimit: Int,
    options: CallOptions,
    responses: any InboundMessageSink,
    open: @escaping OpenAttempt
  ) async -> RetryingClientStream {
    let stream = RetryingClientStream(
      policy: policy,
      throttle: throttle,
      bufferLimit: bufferLimit,
      options: options,
      responses: responses,
      open: open
    )
    await stream.startAttempt()
    return stream
  }

  // MARK: Requests

  func write(
    size: Int,
    compress: Bool,
    encode: (UnsafeMutableRawBufferPointer) -> Void
  ) async throws(RPCError) {
    var bytes = [UInt8](repeating: 0, count: size)
    bytes.withUnsafeMutableBytes { encode($0) }
    let (targets, losers, failure) = self.state.withLock {
      state -> ([Int], [any ClientStreamOutbound], RPCError?) in
      if state.requestsFinished {
        return (
          [], [],
          RPCError(
            code: .internal,
            message: "a request was written after the request stream was closed"
          )
        )
      }
      if state.finished, let error = state.endError { return ([], [], error) }
      state.log.append(Entry(bytes: bytes, compress: compress))
      var losers: [any ClientStreamOutbound] = []
      if state.committed == nil {
        state.logBytes += size
        if state.logBytes > self.bufferLimit {
          // gRFC A6: a call whose requests outgrow the buffer commits to its current attempt
          // (or, between attempts, to the next one).
          state.overflowed = true
          if let oldest = state.attempts.keys.min() { losers = Self.commit(oldest, &state) }
        }
      }
      return (state.committed.map { [$0] } ?? state.attempts.keys.sorted(), losers, nil)
    }
    if let failure { throw failure }
    for loser in losers { loser.cancel() }
    for number in targets {
      if let error = await self.catchUp(number), self.state.withLock({ $0.committed == number }) {
        throw error
      }
    }
  }

  func halfClose() {
    let targets = self.state.withLock { state -> [Int] in
      guard !state.requestsFinished else { return [] }
      state.requestsFinished = true
      return state.committed.map { [$0] } ?? state.attempts.keys.sorted()
    }
    for number in targets {
      Task { _ = await self.catchUp(number) }
    }
  }

  func cancel() {
    let (outbounds, finish) = self.state.withLock { state -> ([any ClientStreamOutbound], Bool) in
      state.timer?.cancel()
      state.timer = nil
      let outbounds = state.attempts.values.compactMap(\.outbound)
      state.attempts = [:]
      guard !state.finished else { return (outbounds, false) }
      state.finished = true
      state.endError = RPCError(code: .cancelled, message: "the call was cancelled")
      return (outbounds, true)
    }
    for outbound in outbounds { outbound.cancel() }
    if finish {
      self.responses.finish(.failure(RPCError(code: .cancelled, message: "the call was cancelled")))
    }
  }

  /// Writes the requests attempt `number` has not had yet, then its half-close if the caller
  /// half-closed; one task at a time per attempt, so replay and new writes keep their order.
  ///
  /// - Returns: The error a write failed with, if one did.
  private func catchUp(_ number: Int) async -> RPCError? {
    guard let writes = self.state.withLock({ $0.attempts[number]?.writes }) else { return nil }
    return await writes.withLock { () async -> RPCError? in
      while true {
        let step = self.state.withLock { state -> WriteStep in
          guard let attempt = state.attempts[number], let outbound = attempt.outbound else {
            return .done
          }
          if attempt.sent < state.logBase + state.log.count {
            return .write(outbound, state.log[attempt.sent - state.logBase], index: attempt.sent)
          }
          if state.requestsFinished && !attempt.halfClosed {
            state.attempts[number]?.halfClosed = true
            return .halfClose(outbound)
          }
          return .done
        }
        switch step {
        case .done:
          return nil
        case .halfClose(let outbound):
          outbound.halfClose()
          return nil
        case .write(let outbound, let entry, let index):
          do throws(RPCError) {
            try await outbound.write(size: entry.bytes.count, compress: entry.compress) { buffer in
              entry.bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            }
          } catch {
            return error
          }
          self.state.withLock { state in
            state.attempts[number]?.sent = index + 1
            if state.committed == number { Self.trimLog(upTo: index + 1, &state) }
          }
        }
      }
    }
  }

  private static func trimLog(upTo index: Int, _ state: inout State) {
    let count = index - state.logBase
    guard count > 0 else { return }
    state.log.removeFirst(min(count, state.log.count))
    state.logBase = index
  }

  // MARK: Attempts

  private func startAttempt() async {
    let started = self.state.withLock { state -> Int? in
      guard !state.finished, state.committed == nil else { return nil }
      state.started += 1
      let number = state.started
      state.attempts[number] = Attempt(sent: state.logBase)
      if state.overflowed {
        _ = Self.commit(number, &state)
      } else if case .hedge(let policy) = self.policy, number < self.policy.maxAttempts,
        !state.stopped
      {
        self.schedule(after: policy.hedgingDelay, &state)
      }
      return number
    }
    guard let number = started else { return }
    var options = self.options
    if number > 1 {
      options.metadata.removeAll(GRPCHeaders.previousRPCAttempts)
      options.metadata.add(GRPCHeaders.previousRPCAttempts, String(number - 1))
    }
    if let deadline = self.deadline {
      let left = deadline - .now
      guard left > .zero else {
        let timeout = GRPCTimeout.encode(self.options.timeout ?? .zero)
        self.attemptEnded(
          number,
          .failure(
            RPCError(
              code: .deadlineExceeded,
              message: "the deadline of \(timeout) was exceeded after \(number - 1) attempts"
            )
          )
        )
        return
      }
      options.timeout = left
    }
    let outbound: any ClientStreamOutbound
    do {
      outbound = try await self.open(options, AttemptSink(stream: self, number: number))
    } catch {
      self.attemptEnded(number, .failure(error))
      return
    }
    let kept = self.state.withLock { state -> Bool in
      guard state.attempts[number] != nil else { return false }
      state.attempts[number]?.outbound = outbound
      return true
    }
    guard kept else {
      outbound.cancel()
      return
    }
    _ = await self.catchUp(number)
  }

  /// Commits the call to attempt `number`; returns the other attempts' streams to cancel.
  private static func commit(_ number: Int, _ state: inout State) -> [any ClientStreamOutbound] {
    state.committed = number
    state.timer?.cancel()
    state.timer = nil
    var losers: [any ClientStreamOutbound] = []
    for (other, attempt) in state.attempts where other != number {
      if let outbound = attempt.outbound { losers.append(outbound) }
      state.attempts[other] = nil
    }
    Self.trimLog(upTo: state.attempts[number]?.sent ?? state.logBase, &state)
    return losers
  }

  /// Runs `startAttempt` after `delay` (capped at the deadline), replacing a pending timer.
  private func schedule(after delay: Duration, _ state: inout State) {
    var delay = delay
    if let deadline = self.deadline { delay = max(.zero, min(delay, deadline - .now)) }
    state.timer?.cancel()
    state.timerNumber += 1
    let number = state.timerNumber
    state.timer = Task {
      do {
        try await Task.sleep(for: delay)
      } catch {
        return
      }
      // The attempt runs in this task: it must not be cancelled as a pending timer.
      let current = self.state.withLock { state -> Bool in
        guard state.timerNumber == number else { return false }
        state.timer = nil
        return true
      }
      if current { await self.startAttempt() }
    }
  }

  /// Response headers or a message arrived on attempt `number`: commits the call to it if no
  /// other attempt committed it.
  ///
  /// - Returns: Whether the attempt's responses go to the caller.
  fileprivate func commitForResponse(_ number: Int) -> Bool {
    let (winner, losers) = self.state.withLock { state -> (Bool, [any ClientStreamOutbound]) in
      guard !state.finished else { return (false, []) }
      if state.committed == number { return (true, []) }
      guard state.committed == nil, state.attempts[number] != nil else { return (false, []) }
      return (true, Self.commit(number, &state))
    }
    for loser in losers { loser.cancel() }
    return winner
  }

  /// Attempt `number` ended: forwards its end when it is the call's, or starts another attempt.
  fileprivate func attemptEnded(_ number: Int, _ end: InboundEnd) {
    let code = Self.code(of: end)
    let (forward, losers) = self.state.withLock { state -> (Bool, [any ClientStreamOutbound]) in
      guard state.attempts.removeValue(forKey: number) != nil, !state.finished else {
        return (false, [])
      }
      if let committed = state.committed {
        guard committed == number else { return (false, []) }
        state.finished = true
        state.endError = Self.endError(of: end)
        self.recordOutcome(code)
        return (true, [])
      }
      self.recordOutcome(code)
      guard code != .ok, self.policy.allowsAnotherAttempt(after: code) else {
        state.finished = true
        state.endError = Self.endError(of: end)
        return (true, Self.commit(number, &state))
      }
      let pushback = Self.pushback(of: end)
      if pushback == .stop || self.throttle?.isRetryPermitted == false { state.stopped = true }
      let deadlinePassed = self.deadline.map { $0 <= .now } ?? false
      let another =
        !state.stopped && !state.overflowed && !deadlinePassed
        && state.started < self.policy.maxAttempts
      switch self.policy {
      case .retry(let policy):
        guard another else {
          state.finished = true
          state.endError = Self.endError(of: end)
          return (true, Self.commit(number, &state))
        }
        let delay: Duration
        if case .delay(let pushed) = pushback {
          delay = pushed
          state.backoffStep = 0
        } else {
          state.backoffStep += 1
          delay = Self.backoff(policy, step: state.backoffStep)
        }
        self.schedule(after: delay, &state)
        return (false, [])
      case .hedge:
        if another {
          if case .delay(let pushed) = pushback {
            self.schedule(after: pushed, &state)
          } else {
            self.schedule(after: .zero, &state)
          }
          return (false, [])
        }
        if !state.attempts.isEmpty {
          if state.stopped {
            state.timer?.cancel()
            state.timer = nil
          }
          return (false, [])
        }
        state.finished = true
        state.endError = Self.endError(of: end)
        return (true, Self.commit(number, &state))
      }
    }
    for loser in losers { loser.cancel() }
    if forward { self.responses.finish(end) }
  }

  /// The error later writes throw once the call ended with `end`; none after OK (writes are
  /// then dropped, as the server no longer reads them).
  private static func endError(of end: InboundEnd) -> RPCError? {
    switch end {
    case .endOfStream: nil
    case .status(let status, let trailers):
      status.code == .ok
        ? nil : RPCError(code: status.code, message: status.message, metadata: trailers)
    case .failure(let error): error
    }
  }

  private func recordOutcome(_ code: Status.Code) {
    guard let throttle = self.throttle else { return }
    if code == .ok {
      throttle.recordSuccess()
    } else if self.policy.allowsAnotherAttempt(after: code) {
      throttle.recordFailure()
    }
  }

  private static func code(of end: InboundEnd) -> Status.Code {
    switch end {
    case .endOfStream: .ok
    case .status(let status, _): status.code
    case .failure(let error): error.code
    }
  }

  /// The server's `grpc-retry-pushback-ms`: a delay, or stop for a negative or malformed value.
  private static func pushback(of end: InboundEnd) -> Pushback {
    let trailers: Metadata
    switch end {
    case .endOfStream: return .none
    case .status(_, let metadata): trailers = metadata
    case .failure(let error): trailers = error.metadata
    }
    guard let value = trailers.first(GRPCHeaders.retryPushback) else { return .none }
    guard value.allSatisfy({ $0 >= "0" && $0 <= "9" }), let milliseconds = Int(value) else {
      return .stop
    }
    return .delay(.milliseconds(milliseconds))
  }

  /// gRFC A6's backoff before retry `step` (1 for the first): random between zero and
  /// `min(initialBackoff * backoffMultiplier^(step-1), maxBackoff)`.
  static func backoff(_ policy: ServiceConfig.RetryPolicy, step: Int) -> Duration {
    var bound = policy.initialBackoff.seconds
    for _ in 1 ..< max(step, 1) { bound *= policy.backoffMultiplier }
    bound = min(bound, policy.maxBackoff.seconds)
    // Not through nanoseconds in an Int64: a maxBackoff above 292 years (a duration allows up to
    // 10,000) would trap there. The clamp undoes the double's rounding.
    return min(.seconds(Double.random(in: 0 ... max(bound, 0))), policy.maxBackoff)
  }
}

/// Where the transport delivers one attempt's responses: to the caller once the attempt has
/// committed the call, otherwise nowhere; its end goes to the retry decision.
private final class AttemptSink: InboundMessageSink {
  let stream: RetryingClientStream
  let number: Int

  init(stream: RetryingClientStream, number: Int) {
    self.stream = stream
    self.number = number
  }

  func receive(
    _ message: UnsafeRawBufferPointer,
    flowControl: any InboundFlowControl
  ) throws(RPCError) -> Bool {
    guard self.stream.commitForResponse(self.number) else { return true }
    return try self.stream.responses.receive(message, flowControl: flowControl)
  }

  func receiveHeaders(_ metadata: Metadata) {
    guard self.stream.commitForResponse(self.number) else { return }
    self.stream.responses.receiveHeaders(metadata)
  }

  func finish(_ end: InboundEnd) {
    self.stream.attemptEnded(self.number, end)
  }
}

extension Duration {
  fileprivate var seconds: Double {
    let (seconds, attoseconds) = self.components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
