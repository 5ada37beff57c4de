import ChatAPI
import GRPCKitNGHTTP2

extension ChatClient {
  /// Subscribes to `room` and stays subscribed across reconnects, resuming after the last
  /// message it delivered: see ``ChatRoomSubscription``.
  ///
  /// ```swift
  /// let subscription = client.subscribe(room: "ops", user: "ada")
  /// try await subscription.send("back online")
  /// for try await case .message(let message, let id) in subscription {
  ///   print("\(id) \(message.user): \(message.message)")
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - room: The room: 1 to 64 characters of `A-Z a-z 0-9 . _ -`.
  ///   - user: The name ``ChatRoomSubscription/send(_:)`` gives messages.
  ///   - after: Where to start: `nil` for messages from now on, `"0"` for the oldest message the
  ///     room retains, or the id of a message received before (for example by an earlier run
  ///     of the program) to continue right after it.
  ///   - metadata: More request metadata, sent on every call.
  ///   - backoff: The waits between attempts while the server cannot be reached (gRPC's
  ///     connection backoff by default: 1 s growing by 1.6 up to 120 s, ±20% jitter); the
  ///     first attempt after a stream that worked is immediate.
  /// - Returns: The subscription; it subscribes at once.
  public func subscribe(
    room: String = "lobby",
    user: String,
    after: String? = nil,
    metadata: Metadata = [:],
    backoff: ConnectionBackoff = ConnectionBackoff()
  ) -> ChatRoomSubscription {
    // Wait for a ready connection instead of failing while the server is away.
    let options = CallOptions(metadata: metadata, waitForReady: true)
    let core = ChatRoomSubscription.Core(
      client: Chat_V1_RoomEvents.Client(wrapping: GRPCClient(transport: self.transport)),
      room: room, user: user, options: options)
    let transport = self.transport
    core.start { core in
      await Self.run(core, transport: transport, after: after ?? "", backoff: backoff)
    }
    return ChatRoomSubscription(room: room, user: user, core: core)
  }

  /// Subscribes, forwards messages, and resumes after `UNAVAILABLE` (or a cut stream) until
  /// cancelled or closed.
  private static func run(
    _ core: ChatRoomSubscription.Core,
    transport: NGHTTP2ClientTransport,
    after initial: String,
    backoff policy: ConnectionBackoff
  ) async {
    var backoff = ConnectionBackoffSchedule(policy: policy)
    var random = SystemRandomNumberGenerator()
    var after = initial
    // The last message delivered, for a gap report.
    var lastDelivered: String? = initial.isEmpty || initial == "0" ? nil : initial
    while !Task.isCancelled {
      var delivered = false
      do {
        let request = Chat_V1_SubscribeRequest(room: core.room, afterId: after)
        try await core.client.subscribe(request, options: core.options) { responses in
          for try await event in responses {
            core.markJoined()  // the server queues every message from here on for this stream
            if after.isEmpty, let start = try await responses.headers().first(RoomEventsHeaders.lastID) {
              after = start  // a live subscription resumes after the point it started at
            }
            backoff.reset()
            guard !event.id.isEmpty, let message = event.message else { continue }  // a heartbeat
            after = event.id
            lastDelivered = event.id
            delivered = true
            await core.events.send(.message(message, id: event.id))
          }
        }
        core.events.finish(nil)  // the server ended the stream with OK
        return
      } catch where Task.isCancelled || transport.isClosed {
        break  // the reader left, or the client was closed
      } catch let error as RPCError where error.code == .outOfRange && after != "0" && !after.isEmpty {
        // The history no longer reaches back to `after`: say so, and go on from the oldest.
        let oldest = error.metadata.first(RoomEventsHeaders.oldestID) ?? ""
        await core.events.send(.gap(ChatRoomGap(lastEventID: lastDelivered, oldestRetainedID: oldest, reason: error)))
        after = "0"
      } catch let error as RPCError where Self.isTransient(error) {
        if delivered { continue }  // the stream worked: resume at once
        do {
          try await Task.sleep(for: backoff.nextDelay(using: &random))
        } catch {
          break
        }
      } catch let error as RPCError {
        core.events.finish(error)
        return
      } catch {
        break
      }
    }
    core.events.finish(nil)
  }

  /// Failures a resume can outlast: the server went away, drained or was cut off, or the
  /// reader fell behind.
  private static func isTransient(_ error: RPCError) -> Bool {
    switch error.code {
    // RESOURCE_EXHAUSTED: the reader fell behind; resuming from its last id catches up.
    case .unavailable, .resourceExhausted: return true
    default: return false
    }
  }
}

/// The RoomEvents metadata keys the SDK reads.
enum RoomEventsHeaders {
  /// Response header: the room's last event id when the subscription started.
  static let lastID = "chat-last-id"
  /// Trailer of an `OUT_OF_RANGE`: the oldest id the room retains.
  static let oldestID = "chat-oldest-id"
}
