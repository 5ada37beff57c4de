import BenchmarkClock
import ChatClient
import GRPCLocking

/// The soak's users, each with its own `ChatClient` (so its own connection through one proxy),
/// writing what they send and receive to the ``SoakRecorder``.
struct SoakTraffic: Sendable {
  let recorder: SoakRecorder
  /// When traffic started and when senders stop (monotonic nanoseconds).
  let start: UInt64
  let stop: UInt64

  /// Publishes numbered messages (`chat.v1.RoomEvents/Publish`) at `rate` a second until the
  /// stop time; each reply (with its id) is an acknowledgement, each error a failed send (the
  /// next message gets the next number: nothing is sent twice).
  func publish(target: String, room: String, sender: String, rate: Double, length: Int) async {
    guard let client = try? ChatClient(target: target) else { return }
    defer { client.close() }
    var sequence = 0
    var next = MonotonicClock.now()
    while MonotonicClock.now() < self.stop {
      sequence += 1
      let key = MessageKey(sender: sender, sequence: sequence)
      let index = self.recorder.send(key, room: room)
      do {
        let event = try await client.publish(
          MessageKey.text(sequence: sequence, length: length), as: sender, room: room,
          timeout: .seconds(10))
        self.recorder.finish(index, .acknowledged(id: SoakEventID(event.id), at: MonotonicClock.now()))
      } catch let error as RPCError {
        self.recorder.finish(index, .failed("\(error.code)"))
      } catch {
        self.recorder.finish(index, .failed("\(error)"))
      }
      await Self.pace(&next, rate: rate)
    }
  }

  /// A ChatStream member that sends numbered messages at `rate` a second and waits for each
  /// echo (its acknowledgement), reading the room meanwhile. Each call is a reader of its own
  /// (ChatStream has no resume); when a call fails it joins again a second later.
  func chat(target: String, room: String, sender: String, rate: Double, length: Int) async {
    guard let client = try? ChatClient(target: target) else { return }
    defer { client.close() }
    var sequence = 0
    var call = 0
    var next = MonotonicClock.now()
    while MonotonicClock.now() < self.stop {
      call += 1
      let reader = self.recorder.addReader(
        SoakLedger.Reader(name: "\(sender) call \(call)", room: room, kind: .session))
      let echoed = LockedValue(0)
      var pending: Int?
      do {
        try await client.withRoom(room, user: sender) { session in
          try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
              for try await message in session.messages {
                let key = MessageKey(user: message.user, text: message.message)
                self.recorder.receive(reader, Self.received(id: "", key: key, message: message))
                if let key, key.sender == sender { echoed.update { $0 = max($0, key.sequence) } }
              }
            }
            while MonotonicClock.now() < self.stop {
              sequence += 1
              let index = self.recorder.send(MessageKey(sender: sender, sequence: sequence), room: room)
              pending = index
              try await session.send(MessageKey.text(sequence: sequence, length: length))
              let awaited = sequence
              guard await MonotonicClock.wait(upTo: 10, until: { echoed.value >= awaited }) else {
                throw SoakError("no echo within 10 s")
              }
              self.recorder.finish(index, .acknowledged(id: nil, at: MonotonicClock.now()))
              pending = nil
              await Self.pace(&next, rate: rate)
            }
            session.leave()
            try await group.waitForAll()
          }
        }
      } catch {
        if let pending { self.recorder.finish(pending, .failed("\(error)")) }
        try? await Task.sleep(for: .seconds(1))
      }
    }
  }

  /// A RoomEvents subscription through the SDK, from `start`, until cancelled; a slow one stops
  /// reading for `stall` seconds of every `stall + 20` while traffic runs (offset by `phase`),
  /// long enough to pass the server's slow-consumer bound.
  func subscribe(
    target: String, room: String, name: String, start: SoakLedger.Start, slow: (stall: Double, phase: Double)?,
    errors: LockedValue<[String]>
  ) async {
    guard let client = try? ChatClient(target: target) else { return }
    defer { client.close() }
    let reader = self.recorder.addReader(
      SoakLedger.Reader(name: name, room: room, kind: .subscriber(start), isSlow: slow != nil))
    let after: String
    switch start {
    case .oldest: after = "0"
    case .after(let id, _): after = id.description
    }
    let subscription = client.subscribe(room: room, user: name, after: after)
    do {
      for try await event in subscription {
        switch event {
        case .message(let message, let id):
          let key = MessageKey(user: message.user, text: message.message)
          self.recorder.receive(reader, Self.received(id: id, key: key, message: message))
        case .gap(let gap):
          self.recorder.receive(reader, .gap(lastID: gap.lastEventID, reason: gap.reason.message))
        }
        if let slow { await self.stall(slow) }
      }
    } catch {
      errors.update { $0.append("\(name): the subscription ended with \(error)") }
    }
  }

  /// While traffic runs, sleeps to the end of the current stall window, if in one.
  private func stall(_ slow: (stall: Double, phase: Double)) async {
    let now = MonotonicClock.now()
    guard now < self.stop else { return }
    let period = slow.stall + 20
    let elapsed = MonotonicClock.seconds(now - self.start) + slow.phase
    let inPeriod = elapsed.truncatingRemainder(dividingBy: period)
    guard inPeriod >= 20 else { return }
    let untilStop = MonotonicClock.seconds(self.stop - now)
    try? await Task.sleep(for: .seconds(min(period - inPeriod, untilStop)))
  }

  private static func received(id: String, key: MessageKey?, message: ChatMessage) -> SoakLedger.Received {
    .message(
      id: SoakEventID(id), rawID: id, key: key, label: "\(message.user): \(message.message.prefix(40))",
      at: MonotonicClock.now())
  }

  /// Sleeps until `next` moves on by one interval at `rate` a second; a sender that fell behind
  /// (a slow or failed send) goes on at once instead of catching up in a burst.
  private static func pace(_ next: inout UInt64, rate: Double) async {
    next += MonotonicClock.nanoseconds(seconds: 1 / rate)
    let now = MonotonicClock.now()
    guard next > now else {
      next = now
      return
    }
    try? await Task.sleep(for: .nanoseconds(Int64(next - now)))
  }
}

/// A value behind a lock, shared by tasks.
final class LockedValue<Value: Sendable>: Sendable {
  private let state: Mutex<Value>

  init(_ value: Value) {
    self.state = Mutex(value)
  }

  var value: Value { self.state.withLock { $0 } }

  func update(_ body: (inout Value) -> Void) {
    self.state.withLock { body(&$0) }
  }
}
