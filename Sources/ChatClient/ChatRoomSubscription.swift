import GRPCKitNGHTTP2
import Synchronization

/// Membership of a room that survives reconnects: the events of ``ChatClient/subscribe(room:user:metadata:backoff:)``.
///
/// The subscription joins at once. When its stream ends with `UNAVAILABLE` (the server
/// restarted or is draining, a GOAWAY, a lost connection) it joins again by itself, waiting
/// for a ready connection, with exponential backoff and jitter between attempts, and then
/// yields ``ChatRoomEvent/reconnected(_:)``: messages sent between leaving and re-joining were
/// not received (the server keeps no history). It ends when the reader stops iterating or calls
/// ``cancel()``, when the client is closed, or with the error of a stream that ended for
/// another reason (`INVALID_ARGUMENT` for a bad room, `RESOURCE_EXHAUSTED` for a reader too
/// slow to keep up, ...).
///
/// ```swift
/// let subscription = client.subscribe(room: "ops", user: "ada")
/// for try await event in subscription {
///   switch event {
///   case .message(let message):
///     print("\(message.user): \(message.message)")
///   case .reconnected(let gap):
///     print("re-joined after \(gap.reason.message); messages may be missing")
///   }
/// }
/// ```
///
/// ``send(_:)`` sends into the room over the current stream.
public struct ChatRoomSubscription: AsyncSequence, Sendable {
  public typealias Element = ChatRoomEvent

  /// The room.
  public let room: String
  /// The name sent messages carry.
  public let user: String
  private let core: Core

  init(room: String, user: String, core: Core) {
    self.room = room
    self.user = user
    self.core = core
  }

  public func makeAsyncIterator() -> AsyncIterator {
    AsyncIterator(core: self.core)
  }

  /// Sends `text` as ``user`` over the current stream; its copy arrives as a message event.
  /// Between streams (while joining or re-joining) it waits for the next one.
  ///
  /// A message is sent over one stream only and never repeated on the next: when the stream
  /// ends right after, the message may or may not have reached the room (its copy tells).
  ///
  /// - Parameter text: The message text.
  /// - Throws: `RPCError`: the stream's error when it ended while sending, `CANCELLED` once the
  ///   subscription has ended.
  public func send(_ text: String) async throws {
    try await self.core.send(ChatMessage(user: self.user, message: text))
  }

  /// Leaves the room: iteration ends, the stream is cancelled.
  public func cancel() {
    self.core.cancel()
  }

  /// Yields the subscription's events.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let core: Core

    /// The next event; nil after ``ChatRoomSubscription/cancel()`` or a close.
    ///
    /// - Throws: `RPCError` of a stream that ended other than with `UNAVAILABLE`.
    public mutating func next() async throws -> ChatRoomEvent? {
      let core = self.core
      return try await withTaskCancellationHandler {
        try await core.events.next()
      } onCancel: {
        core.cancel()
      }
    }
  }

  /// The running subscription: the task that joins and re-joins, and the current stream's
  /// writer. Cancels the task when the last reference goes.
  final class Core: Sendable {
    private struct Sending {
      var writer: RequestWriter<ChatMessage>?
      var ended = false
      var waiters: [CheckedContinuation<RequestWriter<ChatMessage>?, Never>] = []
    }

    let events = ChatEventChannel()
    private let sending = Mutex(Sending())
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ body: @escaping @Sendable (Core) async -> Void) {
      self.task.withLock { $0 = Task { await body(self) } }
    }

    /// The current stream's writer (nil between streams); `ended` when the subscription is over.
    func setWriter(_ writer: RequestWriter<ChatMessage>?, ended: Bool = false) {
      let waiters = self.sending.withLock { sending in
        sending.writer = writer
        sending.ended = sending.ended || ended
        guard writer != nil || sending.ended else { return [CheckedContinuation<RequestWriter<ChatMessage>?, Never>]() }
        defer { sending.waiters = [] }
        return sending.waiters
      }
      for waiter in waiters { waiter.resume(returning: writer) }
    }

    func send(_ message: ChatMessage) async throws {
      let writer = await withCheckedContinuation { (continuation: CheckedContinuation<RequestWriter<ChatMessage>?, Never>) in
        let ready = self.sending.withLock { sending -> RequestWriter<ChatMessage>?? in
          if sending.ended { return .some(nil) }
          if let writer = sending.writer { return writer }
          sending.waiters.append(continuation)
          return nil
        }
        if let ready { continuation.resume(returning: ready) }
      }
      guard let writer else {
        throw RPCError(code: .cancelled, message: "the subscription has ended")
      }
      try await writer.write(message)
    }

    func cancel() {
      self.events.finish(nil)
      self.setWriter(nil, ended: true)
      self.task.withLock { $0?.cancel() }
    }

    deinit {
      self.task.withLock { $0?.cancel() }
    }
  }
}
