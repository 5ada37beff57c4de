/// The HTTP/2 settings and limits one ``NGHTTP2Session`` advertises and enforces.
///
/// The defaults suit gRPC: large windows so that one stream can saturate a fast link, a bounded
/// header list, and nghttp2's rapid-reset protection (CVE-2023-44487) at its own defaults.
package struct HTTP2SessionSettings: Sendable, Hashable {
  /// SETTINGS_MAX_CONCURRENT_STREAMS, advertised by a server (a client ignores it).
  package var maxConcurrentStreams: UInt32 = 4096
  /// SETTINGS_INITIAL_WINDOW_SIZE: the receive window of every stream.
  package var initialStreamWindowSize: UInt32 = 1 << 20
  /// The receive window of the whole connection (raised with a WINDOW_UPDATE at start).
  package var connectionWindowSize: Int32 = 16 << 20
  /// SETTINGS_MAX_HEADER_LIST_SIZE, also enforced on received header blocks (RFC 9113 6.5.2 sizes).
  package var maxHeaderListSize: UInt32 = 16 << 10
  /// SETTINGS_MAX_FRAME_SIZE: the largest frame payload this side accepts.
  package var maxFrameSize: UInt32 = 16384
  /// Rapid-reset protection: the token bucket size for received RST_STREAM frames.
  package var resetStreamBurst: UInt64 = 1000
  /// Rapid-reset protection: tokens regenerated per second.
  package var resetStreamRate: UInt64 = 33

  /// Creates the default settings.
  package init() {}
}
