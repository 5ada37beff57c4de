import ChatAPI
import GRPCKitNGHTTP2

extension ChatClient {
  /// Joins `room` as `user` and stays in it across reconnects: see ``ChatRoomSubscription``.
  ///
  /// ```swift
  /// let subscription = client.subscribe(room: "ops", user: "ada")
  /// try await subscription.send("back online")
  /// for try await case .message(let message) in subscription { print(message.message) }
  /// ```
  ///
  /// - Parameters:
  ///   - room: The room: 1 to 64 characters of `A-Z a-z 0-9 . _ -`.
  ///   - user: The name sent messages carry.
  ///   - metadata: More request metadata, sent on every join.
  ///   - backoff: The waits between re-join attempts (gRPC's connection backoff by default:
  ///     1 s growing by 1.6 up to 120 s, ±20% jitter); it restarts once a join succeeded.
  /// - Returns: The subscription; it joins at once.
  public func subscribe(
    room: String = "lobby",
    user: String,
    metadata: Metadata = [:],
    backoff: ConnectionBackoff = ConnectionBackoff()
  ) -> ChatRoomSubscription {
    var requestMetadata = metadata
    requestMetadata.removeAll(ChatRoomSession.roomMetadataKey)
    requestMetadata.add(ChatRoomSession.roomMetadataKey, room)
    // Wait for a ready connection instead of failing while the server is away.
    let options = CallOptions(metadata: requestMetadata, waitForReady: true)
    let core = ChatRoomSubscription.Core()
    let transport = self.transport
    core.start { core in
      await Self.run(core, transport: transport, options: options, backoff: backoff)
    }
    return ChatRoomSubscription(room: room, user: user, core: core)
  }

  /// Joins, forwards messages, and re-joins after `UNAVAILABLE` until cancelled or closed.
  private static func run(
    _ core: ChatRoomSubscription.Core,
    transport: NGHTTP2ClientTransport,
    options: CallOptions,
    backoff policy: ConnectionBackoff
  ) async {
    let client = ChatAPI.ChatService.Client(wrapping: GRPCClient(transport: transport))
    var backoff = ConnectionBackoffSchedule(policy: policy)
    var random = SystemRandomNumberGenerator()
    var gap: ChatRoomGap?
    var lastTimestamp: Int64?
    var joined = false
    while !Task.isCancelled {
      do {
        try await client.chatStream(options: options) { writer, responses in
          core.setWriter(writer)
          defer { core.setWriter(nil) }
          joined = true
          backoff.reset()
          if let pending = gap {
            gap = nil
            await core.events.send(.reconnected(pending))
          }
          for try await message in responses {
            lastTimestamp = message.timestamp
            await core.events.send(.message(message))
          }
        }
        core.events.finish(nil)  // the server ended the call with OK
        core.setWriter(nil, ended: true)
        return
      } catch where Task.isCancelled || transport.isClosed {
        break  // the reader left, or the client was closed
      } catch let error as RPCError where error.code == .unavailable {
        if joined {  // a first join that failed leaves no gap behind
          let attempts = (gap?.attempts ?? 0) + 1
          gap = ChatRoomGap(reason: gap?.reason ?? error, lastMessageTimestamp: lastTimestamp, attempts: attempts)
        }
        do {
          try await Task.sleep(for: backoff.nextDelay(using: &random))
        } catch {
          break
        }
      } catch let error as RPCError {
        core.events.finish(error)
        core.setWriter(nil, ended: true)
        return
      } catch {
        break
      }
    }
    core.events.finish(nil)
    core.setWriter(nil, ended: true)
  }
}
