import ChatAPI
import GRPCKitNGHTTP2
import GRPCLocking
import struct Synchronization.Atomic

/// A room's messages that survive reconnects: the events of
/// ``ChatClient/subscribe(room:user:after:metadata:backoff:)``.
///
/// The subscription (a `chat.v1.RoomEvents/Subscribe` stream) starts at once. When its stream
/// ends with `UNAVAILABLE` (the server restarted or is draining, a GOAWAY, a lost connection,
/// a proxy's cut) it subscribes again by itself after the id of the last message it delivered,
/// waiting for a ready connection, with exponential backoff and jitter between attempts that
/// fail. The server's retained history fills the time away, so no message is lost and none
/// repeats; only when the history no longer reaches back that far does it yield
/// ``ChatRoomEvent/gap(_:)`` and go on from the oldest retained message. It ends when the
/// reader stops iterating or calls ``cancel()``, when the client is closed, or with the error
/// of a stream that ended for another reason (`INVALID_ARGUMENT` for a bad room or id, ...).
///
/// ```swift
/// let subscription = client.subscribe(room: "ops", user: "ada", after: savedID)
/// for try await event in subscription {
///   switch event {
///   case .message(let message, let id):
///     print("\(message.user): \(message.message)")
///     savedID = id
///   case .gap(let gap):
///     print("missed messages after \(gap.lastEventID ?? "the start")")
///   }
/// }
/// ```
///
/// ``send(_:)`` publishes into the room.
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

  /// Publishes `text` as ``user`` (`chat.v1.RoomEvents/Publish`); its copy also arrives as a
  /// message event. Waits until the subscription has joined the room (so a live subscription
  /// receives its own first message), and for a connection while the server cannot be reached.
  ///
  /// - Parameter text: The message text.
  /// - Returns: The id the message was stored under.
  /// - Throws: `RPCError`: `INVALID_ARGUMENT` for a message the server rejects, `UNAVAILABLE`
  ///   when the server could not store it, `CANCELLED` once the subscription has ended.
  @discardableResult
  public func send(_ text: String) async throws -> String {
    try await self.core.publish(ChatMessage(user: self.user, message: text)).id
  }

  /// Stops the subscription: iteration ends, the stream is cancelled.
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

  /// The running subscription: the task that subscribes and resumes. Cancels the task when the
  /// last reference goes.
  final class Core: Sendable {
    let events = ChatEventChannel()
    let client: Chat_V1_RoomEvents.Client
    let room: String
    let user: String
    let options: CallOptions
    private let ended = Atomic(false)
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// Sends wait until the first stream joined the room (or the subscription ended): published
    /// earlier, a message would precede a live subscription's start and never reach it.
    private let joined = Mutex(JoinState())

    private struct JoinState {
      var isOpen = false
      var waiters: [Int: UnsafeContinuation<Void, Never>] = [:]
      var nextWaiter = 0
    }

    init(client: Chat_V1_RoomEvents.Client, room: String, user: String, options: CallOptions) {
      self.client = client
      self.room = room
      self.user = user
      self.options = options
    }

    func start(_ body: @escaping @Sendable (Core) async -> Void) {
      self.task.withLock {
        $0 = Task {
          await body(self)
          self.markJoined()
        }
      }
    }

    /// The first stream joined the room (its first event arrived), or the subscription ended:
    /// releases the sends waiting for it.
    func markJoined() {
      let waiters = self.joined.withLock { state in
        state.isOpen = true
        defer { state.waiters = [:] }
        return Array(state.waiters.values)
      }
      for waiter in waiters { waiter.resume() }
    }

    /// Returns once ``markJoined()`` was called, or when the task is cancelled.
    private func waitUntilJoined() async {
      let id = self.joined.withLock { state in
        defer { state.nextWaiter += 1 }
        return state.nextWaiter
      }
      await withTaskCancellationHandler {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
          let ready = self.joined.withLock { state -> Bool in
            if state.isOpen || Task.isCancelled { return true }
            state.waiters[id] = continuation
            return false
          }
          if ready { continuation.resume() }
        }
      } onCancel: {
        self.joined.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
      }
    }

    func publish(_ message: ChatMessage) async throws -> Chat_V1_RoomEvent {
      await self.waitUntilJoined()
      guard !self.ended.load(ordering: .relaxed) else {
        throw RPCError(code: .cancelled, message: "the subscription has ended")
      }
      return try await self.client.publish(
        Chat_V1_PublishRequest(room: self.room, message: message), options: self.options)
    }

    func cancel() {
      self.ended.store(true, ordering: .relaxed)
      self.markJoined()
      self.events.finish(nil)
      self.task.withLock { $0?.cancel() }
    }

    deinit {
      self.task.withLock { $0?.cancel() }
    }
  }
}
