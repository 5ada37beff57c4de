/// The limits and clock of a ``ChatRoomService``.
///
/// ```swift
/// var configuration = ChatServiceConfiguration()
/// configuration.maximumMessageBytes = 16 << 10
/// let service = ChatRoomService(configuration: configuration)
/// ```
public struct ChatServiceConfiguration: Sendable {
  /// The largest `message` text accepted, in UTF-8 bytes (default 4 KiB).
  public var maximumMessageBytes = 4096
  /// The largest `user` name accepted, in UTF-8 bytes (default 64).
  public var maximumUserBytes = 64
  /// How many messages one member may have waiting to be written before it is ended with
  /// `RESOURCE_EXHAUSTED` as a slow consumer (default 10 000).
  public var maximumQueuedMessages = 10_000
  /// How many encoded bytes one member may have waiting to be written before it is ended with
  /// `RESOURCE_EXHAUSTED` as a slow consumer (default 8 MiB).
  public var maximumQueuedBytes = 8 << 20
  /// How many messages each room retains for subscribers that resume from an event id or from
  /// the oldest (default 1,000; 0 keeps none). Exactly this many: the oldest is dropped when a
  /// new one arrives.
  public var historySize = 1000
  /// How often a RoomEvents subscription of a quiet room receives a heartbeat (an empty
  /// `RoomEvent`), so that proxies do not end it for inactivity (default 20 s).
  public var heartbeatInterval: Duration = .seconds(20)
  /// How many rooms without members an in-process server keeps with their history (default
  /// 10,000); beyond that the least recently used are dropped, and their ids are no longer
  /// resumable (`OUT_OF_RANGE`). A shared store keeps rooms itself.
  public var maximumIdleRooms = 10_000
  /// The server's time in milliseconds since the Unix epoch, stamped on messages that arrive
  /// with `timestamp` 0. Tests may replace it with a fixed clock.
  public var currentTimeMilliseconds: @Sendable () -> Int64 = WallClock.millisecondsSinceEpoch

  /// The defaults above.
  public init() {}
}
