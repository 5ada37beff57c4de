import NIOCore

/// The reply to a command written with ``RedisClient/submit(_:)``, to wait for later.
public struct RedisPendingReply: Sendable {
  private let future: EventLoopFuture<[RedisReply]>
  private let command: String
  private let address: String

  init(future: EventLoopFuture<[RedisReply]>, command: String, address: String) {
    self.future = future
    self.command = command
    self.address = address
  }

  /// Waits for the reply.
  ///
  /// - Returns: The reply.
  /// - Throws: ``RedisError`` as ``RedisClient/send(_:)`` does: `.serverError` for an error
  ///   reply, the connection's failure otherwise.
  public func reply() async throws(RedisError) -> RedisReply {
    let replies: [RedisReply]
    do {
      replies = try await self.future.get()
    } catch let error as RedisError {
      throw error
    } catch {
      let failure =
        error as? RedisFailure ?? RedisFailure(.connectionClosed, RedisErrorText.describe(error))
      throw failure.error(address: self.address, command: self.command)
    }
    guard let reply = replies.first else {
      throw RedisFailure(.protocolError, "no reply").error(address: self.address, command: self.command)
    }
    if case .error(let text) = reply {
      throw RedisFailure(.serverError, text, serverMessage: text).error(address: self.address, command: self.command)
    }
    return reply
  }
}
