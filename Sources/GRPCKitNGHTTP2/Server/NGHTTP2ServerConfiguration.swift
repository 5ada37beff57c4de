public import GRPCKit

/// Settings of the HTTP/2 server transport.
public struct NGHTTP2ServerConfiguration: Sendable, Hashable {
  /// The largest request message accepted (default 4 MiB); larger ones end the call with
  /// `RESOURCE_EXHAUSTED` before they are buffered.
  public var maximumReceiveMessageSize: Int = 4 << 20
  /// The largest response message a handler may write (default: no limit); a larger one is not
  /// sent, and the write throws `RESOURCE_EXHAUSTED` naming both sizes (which ends the call
  /// with that status unless the handler catches it).
  public var maximumSendMessageSize: Int?
  /// The most connections open at once (`nil`, the default: no limit but the process's file
  /// descriptors). A connection beyond it is accepted and turned away at once: the server sends
  /// its SETTINGS and GOAWAY `ENHANCE_YOUR_CALM` with last stream id 0 and debug data
  /// "too many connections: limit N (maximumConnections)", opens no stream on it and closes
  /// it; clients see `UNAVAILABLE` and reconnect with backoff. A warning is logged, at most one
  /// line per 10 seconds (`grpc.rejected` counts the connections it stands for). Connections
  /// that are draining (after GOAWAY) still count until they close.
  public var maximumConnections: Int?
  /// SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients: the most calls one connection may
  /// have open. A client that honours SETTINGS (ours: nghttp2 holds further requests until a
  /// stream closes) never exceeds it; a stream opened beyond it is reset with RST_STREAM
  /// `REFUSED_STREAM` (nghttp2, before the client acknowledged the SETTINGS) or closes the
  /// connection with GOAWAY `PROTOCOL_ERROR` (after), logged at debug level.
  public var maximumConcurrentStreams: Int = 4096
  /// SETTINGS_INITIAL_WINDOW_SIZE: how many request bytes one stream may have in flight
  /// before its handler takes messages.
  public var streamWindowSize: Int = 1 << 20
  /// The connection-level receive window.
  public var connectionWindowSize: Int = 16 << 20
  /// SETTINGS_MAX_HEADER_LIST_SIZE: the largest request header block accepted.
  public var maximumHeaderListSize: Int = 16 << 10
  /// Unsent response bytes per stream above which `ResponseWriter.write` suspends.
  public var outboundHighWatermark: Int = 256 << 10
  /// Unsent response bytes per stream at which a suspended writer resumes.
  public var outboundLowWatermark: Int = 64 << 10
  /// Rapid-reset protection: RST_STREAM frames a client may send in a burst, and per second
  /// after it; beyond that the connection is closed with GOAWAY.
  public var resetStreamBurst: Int = 1000
  public var resetStreamRatePerSecond: Int = 33

  /// After ``NGHTTP2ServerTransport/beginGracefulShutdown()`` sends GOAWAY, how long open calls
  /// may take to finish. Then each is ended with `UNAVAILABLE` "the server is shutting down",
  /// sent as trailers after the messages its handler already wrote, and the connection closes.
  public var shutdownGracePeriod: Duration = .seconds(30)

  /// Server keepalive PINGs (default: every 2 hours without reads, 20 seconds to answer).
  public var keepalive = ServerKeepalive()
  /// How often clients may send PINGs before the connection is closed with GOAWAY
  /// `ENHANCE_YOUR_CALM` "too_many_pings".
  public var clientPingPolicy = ClientPingPolicy()
  /// A connection without open calls for this long is closed gracefully (GOAWAY); `nil` (the
  /// default) never closes idle connections.
  public var maximumConnectionIdle: Duration?
  /// A connection older than this (±10% jitter) is closed gracefully with GOAWAY, so that
  /// long-lived clients reconnect and spread over replicas behind L4 proxies; `nil` (the
  /// default) for no limit.
  public var maximumConnectionAge: Duration?
  /// How long calls may continue after ``maximumConnectionAge`` sent GOAWAY before they are
  /// ended with `UNAVAILABLE`; `nil` (the default) lets them run to completion.
  public var maximumConnectionAgeGrace: Duration?

  /// TLS with ALPN `h2`; `nil` for cleartext HTTP/2 (h2c with prior knowledge).
  public var tls: ServerTLSConfiguration?

  /// The message encodings the server accepts in requests (`grpc-encoding`) and may compress
  /// responses with, advertised in `grpc-accept-encoding` (default gzip and deflate). A request
  /// in any other encoding ends with `UNIMPLEMENTED`; an empty list turns compression off.
  public var enabledCompression: [CompressionAlgorithm] = [.gzip, .deflate]
  /// How responses are compressed (default: in the request's encoding, when the client accepts
  /// it).
  public var responseCompression: ResponseCompression = .matchRequest

  /// Where handler tasks run.
  public var handlerExecution: HandlerExecution = .eventLoop

  /// Where server handler tasks run.
  public enum HandlerExecution: Sendable, Hashable {
    /// On the event loop of the handler's connection (the default): no thread hop between the
    /// socket and the handler. Handlers must not block or run long computations; a handler that
    /// does holds up every connection on that loop.
    case eventLoop
    /// On Swift's global concurrent executor: handlers may compute for long, at the cost of two
    /// thread hops per message.
    case globalExecutor
  }

  /// The defaults above.
  public init() {}

  var lifecycle: ServerConnectionLifecycle.Configuration {
    var lifecycle = ServerConnectionLifecycle.Configuration()
    lifecycle.keepaliveInterval = self.keepalive.interval
    lifecycle.keepaliveTimeout = self.keepalive.timeout
    lifecycle.minimumPingInterval = self.clientPingPolicy.minimumInterval
    lifecycle.permitKeepaliveWithoutCalls = self.clientPingPolicy.permitWithoutCalls
    lifecycle.maximumPingStrikes = self.clientPingPolicy.maximumStrikes
    lifecycle.maximumIdle = self.maximumConnectionIdle
    lifecycle.maximumAge = self.maximumConnectionAge
    lifecycle.maximumAgeGrace = self.maximumConnectionAgeGrace
    return lifecycle
  }

  var sessionSettings: HTTP2SessionSettings {
    var settings = HTTP2SessionSettings()
    settings.maxConcurrentStreams = UInt32(clamping: self.maximumConcurrentStreams)
    settings.initialStreamWindowSize = UInt32(clamping: self.streamWindowSize)
    settings.connectionWindowSize = Int32(clamping: self.connectionWindowSize)
    settings.maxHeaderListSize = UInt32(clamping: self.maximumHeaderListSize)
    settings.resetStreamBurst = UInt64(self.resetStreamBurst)
    settings.resetStreamRate = UInt64(self.resetStreamRatePerSecond)
    return settings
  }
}
