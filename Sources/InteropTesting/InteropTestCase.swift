/// The client test cases of the gRPC interop test descriptions
/// (`doc/interop-test-descriptions.md`) that run over a plaintext or TLS channel, by the name
/// `--test_case` takes.
///
/// Not here, because they need something no local test server has: `cacheable_unary` (a caching
/// proxy in front of the server), the credential cases `compute_engine_creds`,
/// `jwt_token_creds`, `oauth2_auth_token`, `per_rpc_creds`, `google_default_credentials` and
/// `compute_engine_channel_credentials` (Google's production endpoints and accounts),
/// `orca_per_rpc` and `orca_oob` (a custom load-balancing policy fed by ORCA reports), and the
/// xDS and ALTS cases.
public enum InteropTestCase: String, CaseIterable, Sendable {
  case emptyUnary = "empty_unary"
  case largeUnary = "large_unary"
  case clientCompressedUnary = "client_compressed_unary"
  case serverCompressedUnary = "server_compressed_unary"
  case clientStreaming = "client_streaming"
  case clientCompressedStreaming = "client_compressed_streaming"
  case serverStreaming = "server_streaming"
  case serverCompressedStreaming = "server_compressed_streaming"
  case pingPong = "ping_pong"
  case emptyStream = "empty_stream"
  case customMetadata = "custom_metadata"
  case statusCodeAndMessage = "status_code_and_message"
  case specialStatusMessage = "special_status_message"
  case unimplementedMethod = "unimplemented_method"
  case unimplementedService = "unimplemented_service"
  case cancelAfterBegin = "cancel_after_begin"
  case cancelAfterFirstResponse = "cancel_after_first_response"
  case timeoutOnSleepingServer = "timeout_on_sleeping_server"
  case rpcSoak = "rpc_soak"
  case channelSoak = "channel_soak"

  /// The name `--test_case` takes, for example `large_unary`.
  public var name: String { self.rawValue }

  /// Whether the case needs the server features CompressedRequest and CompressedResponse
  /// (`expect_compressed`, `response_compressed`), which not every implementation's interop
  /// server has (grpc's own runner skips these cases for such servers).
  public var needsCompressionFeatures: Bool {
    switch self {
    case .clientCompressedUnary, .serverCompressedUnary, .clientCompressedStreaming, .serverCompressedStreaming:
      return true
    default:
      return false
    }
  }
}
