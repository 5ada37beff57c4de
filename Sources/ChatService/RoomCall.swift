import ChatAPI
import GRPCKit

/// Runs one member's call: its tasks (the writer, and the reader or heartbeats) until the
/// member's outcome is known, then removes it from its room.
enum RoomCall {
  /// Runs `tasks` beside waiting for `member`'s outcome; cancels them once it is known, and
  /// ends the member when the call is cancelled.
  ///
  /// - Returns: How the member ended.
  static func run(
    _ member: RoomMember,
    in room: ChatRoom,
    directory: RoomDirectory,
    tasks: [@Sendable () async -> Void]
  ) async -> Result<Void, RPCError> {
    let outcome = await withTaskGroup(of: Void.self) { group in
      for task in tasks { group.addTask { await task() } }
      let outcome = await withTaskCancellationHandler {
        await member.outcome()
      } onCancel: {
        member.end(.failure(RPCError(code: .cancelled, message: "the call was cancelled")))
      }
      group.cancelAll()
      return outcome
    }
    directory.endCall(room: room, member: member)
    return outcome
  }
}
