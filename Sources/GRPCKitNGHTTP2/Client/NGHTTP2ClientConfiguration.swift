public import GRPCKit

/// Settings of the HTTP/2 client transport.
public struct NGHTTP2ClientConfiguration: Sendable, Hashable {
  /// The largest response message accepted (default 4 MiB), unless a call sets its own.
  public var maximumReceiveMessageSize: Int = 4 << 20
  /// The largest request message sent (default: no limit), unless a call sets its own
  /// (``CallOptions/maximumSendMessageSize``); a larger one fails its call with
  /// `RESOURCE_EXHAUSTED` and is not sent.
  public var maximumSendMessageSize: Int?
  /// SETTINGS_INITIAL_WINDOW_SIZE for response streams.
  public var streamWindowSize: Int = 1 << 20
  /// The connection-level receive window.
  public var connectionWindowSize: Int = 16 << 20
  /// SETTINGS_MAX_HEADER_LIST_SIZE for responses.
  public var maximumHeaderListSize: Int = 16 << 10
  /// Unsent request bytes per stream above which `RequestWriter.write` suspends.
  public var outboundHighWatermark: Int = 256 << 10
  /// Unsent request bytes per stream at which a suspended writer resumes.
  public var outboundLowWatermark: Int = 64 << 10
  /// How long one connection attempt may take at least (gRPC's minimum connect timeout, 20 s
  /// by default); the same as `backoff.minimumConnectTimeout`.
  public var connectTimeout: Duration {
    get { self.backoff.minimumConnectTimeout }
    set { self.backoff.minimumConnectTimeout = newValue }
  }
  /// The waits between attempts to connect to one address (gRPC's connection backoff).
  public var backoff = ConnectionBackoff()
  /// Request bytes a call keeps until the server answers, so that a stream the server refused
  /// unprocessed (REFUSED_STREAM, or above a GOAWAY's last stream id) can be replayed once on
  /// another connection; a call that sent more is not retried.
  public var transparentRetryBufferSize: Int = 64 << 10
  /// How calls are spread over the target's addresses: `.roundRobin` (the default: a
  /// connection per address, calls in turn) or `.pickFirst` (the addresses in order, every call
  /// on the first that connects). A service config's `loadBalancingConfig` given to
  /// ``GRPCClient`` overrides it.
  public var loadBalancing: ServiceConfig.LoadBalancingPolicy = .roundRobin
  /// The `user-agent` header.
  public var userAgent = "grpc-swift-nghttp2/0.1"
  /// TLS with ALPN `h2`; `nil` for cleartext HTTP/2 (h2c with prior knowledge).
  public var tls: ClientTLSConfiguration?
  /// Keepalive PINGs (off by default).
  public var keepalive = ClientKeepalive()
  /// The message encodings the client accepts in responses, advertised in every request's
  /// `grpc-accept-encoding` (default gzip and deflate). A response in any other encoding fails
  /// with `INTERNAL`. Requests are compressed per call with ``CallOptions/compression``.
  public var enabledCompression: [CompressionAlgorithm] = [.gzip, .deflate]

  /// The defaults above.
  public init() {}

  var sessionSettings: HTTP2SessionSettings {
    var settings = HTTP2SessionSettings()
    settings.initialStreamWindowSize = UInt32(clamping: self.streamWindowSize)
    settings.connectionWindowSize = Int32(clamping: self.connectionWindowSize)
    settings.maxHeaderListSize = UInt32(clamping: self.maximumHeaderListSize)
    return settings
  }
}
