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
  /// The server's time in milliseconds since the Unix epoch, stamped on messages that arrive
  /// with `timestamp` 0. Tests may replace it with a fixed clock.
  public var currentTimeMilliseconds: @Sendable () -> Int64 = WallClock.millisecondsSinceEpoch

  /// The defaults above.
  public init() {}
}
