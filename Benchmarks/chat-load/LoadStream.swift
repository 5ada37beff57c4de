import ChatAPI
import GRPCKit

/// Drives one ChatStream call the way chatload's `Stream` does and returns what it measured.
///
/// Echo and sender streams keep up to `window` messages in flight: each echo (they come back in
/// send order) is timed against its send time, kept on the client as chatload does, and answered
/// with the next message; the first echo at or after the end half-closes instead, and the stream
/// then reads until the server's status. Listeners only read, and half-close at the end.
struct LoadStream: Sendable {
  let plan: StreamPlan
  let client: ChatService.Client
  let message: ChatMessage
  let window: Int
  let schedule: LoadSchedule
  let diagnostics: LoadDiagnostics
  /// The `--target` text, for the connection failure line.
  let target: String

  /// Runs the call to its end and classifies how it ended.
  func run() async -> StreamTally {
    var tally = StreamTally()
    var sendTimes = SendTimes(capacity: self.window)
    var opened = false
    var halfClosed = false
    let options = CallOptions(metadata: ["chat-room": .string(self.plan.room)])
    let problem: String?
    do {
      try await self.client.chatStream(options: options) { writer, responses in
        opened = true
        if case .listener = self.plan.role {
          try await self.listen(writer: writer, responses: responses, tally: &tally)
          halfClosed = MonotonicClock.now() >= self.schedule.end
        } else {
          try await self.exchange(
            writer: writer, responses: responses, tally: &tally, sendTimes: &sendTimes, halfClosed: &halfClosed)
        }
      }
      if !halfClosed {
        problem = "server ended the stream before the client half-closed"
      } else if sendTimes.count > 0 {
        problem = "finished OK with \(sendTimes.count) messages not echoed"
      } else {
        problem = nil
      }
    } catch let error as RPCError {
      if !opened && error.code == .unavailable { LoadDiagnostics.fail("cannot connect: \(error.message)") }
      problem = "status \(error.code.rawValue) \(error.code) (\(error.message))"
    } catch {
      problem = "status \(Status.Code.cancelled.rawValue) (\(error))"
    }
    if let problem {
      tally.errors += self.diagnostics.streamFailed(
        self.plan.name, problem: problem, at: MonotonicClock.now(), schedule: self.schedule)
    }
    return tally
  }

  /// Echo and sender roles: the send-and-time loop.
  private func exchange(
    writer: RequestWriter<ChatMessage>,
    responses: ResponseStream<ChatMessage>,
    tally: inout StreamTally,
    sendTimes: inout SendTimes,
    halfClosed: inout Bool
  ) async throws {
    let counts: Bool
    if case .echo = self.plan.role { counts = true } else { counts = false }
    while !sendTimes.isFull {
      if MonotonicClock.now() >= self.schedule.end {
        writer.finish()
        halfClosed = true
        break
      }
      sendTimes.append(MonotonicClock.now())
      try await writer.write(self.message)
    }
    var iterator = responses.makeAsyncIterator()
    while try await iterator.next() != nil {
      let now = MonotonicClock.now()
      if let sentAt = sendTimes.popFirst(), self.schedule.isMeasuring(now) {
        if counts { tally.messages &+= 1 }
        tally.latency.record(now &- sentAt)
      }
      guard !halfClosed else { continue }
      if now >= self.schedule.end {
        writer.finish()
        halfClosed = true
      } else if !sendTimes.isFull {
        sendTimes.append(MonotonicClock.now())
        try await writer.write(self.message)
      }
    }
  }

  /// Listener role: counts deliveries; a child task half-closes at the end.
  private func listen(
    writer: RequestWriter<ChatMessage>,
    responses: ResponseStream<ChatMessage>,
    tally: inout StreamTally
  ) async throws {
    let end = self.schedule.end
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        await LoadSchedule.sleep(until: end)
        if !Task.isCancelled { writer.finish() }
      }
      for try await _ in responses where self.schedule.isMeasuring(MonotonicClock.now()) {
        tally.messages &+= 1
      }
      group.cancelAll()
    }
  }
}
