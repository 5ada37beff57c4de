import GRPCKit

/// Runs the interop client test cases against a server.
///
/// Each case gets a new channel, closed afterwards (`channel_soak` makes one per call). A case
/// passes when `run` returns; it throws ``InteropFailure`` naming the assertion that failed, or
/// the ``RPCError`` of a call that should have succeeded.
///
/// ```swift
/// let client = InteropClient(channel: InteropChannel(host: "127.0.0.1", port: 8080))
/// try await client.run(.largeUnary)
/// ```
public struct InteropClient: Sendable {
  /// The server and how to reach it.
  public var channel: InteropChannel
  /// The settings of `rpc_soak` and `channel_soak`.
  public var soak: SoakConfiguration

  /// Creates a client.
  ///
  /// - Parameters:
  ///   - channel: The server and how to reach it.
  ///   - soak: The soak cases' settings.
  public init(channel: InteropChannel, soak: SoakConfiguration = SoakConfiguration()) {
    self.channel = channel
    self.soak = soak
  }

  /// Runs one case.
  ///
  /// - Parameters:
  ///   - testCase: The case.
  ///   - log: Receives progress lines (the soak cases log each call).
  /// - Throws: ``InteropFailure`` or ``RPCError`` when the case fails.
  public func run(_ testCase: InteropTestCase, log: @Sendable (String) -> Void = { _ in }) async throws {
    if testCase == .channelSoak {
      try await self.runSoak(testCase, newChannelPerCall: true, log: log)
      return
    }
    if testCase == .rpcSoak {
      try await self.runSoak(testCase, newChannelPerCall: false, log: log)
      return
    }
    let transport = self.channel.makeTransport()
    defer { transport.close() }
    let calls = InteropCalls(client: GRPCClient(transport: transport))
    switch testCase {
    case .emptyUnary: try await calls.emptyUnary()
    case .largeUnary: try await calls.largeUnary()
    case .clientCompressedUnary: try await calls.clientCompressedUnary()
    case .serverCompressedUnary: try await calls.serverCompressedUnary()
    case .clientStreaming: try await calls.clientStreaming()
    case .clientCompressedStreaming: try await calls.clientCompressedStreaming()
    case .serverStreaming: try await calls.serverStreaming()
    case .serverCompressedStreaming: try await calls.serverCompressedStreaming()
    case .pingPong: try await calls.pingPong()
    case .emptyStream: try await calls.emptyStream()
    case .customMetadata: try await calls.customMetadata()
    case .statusCodeAndMessage: try await calls.statusCodeAndMessage()
    case .specialStatusMessage: try await calls.specialStatusMessage()
    case .unimplementedMethod: try await calls.unimplementedMethod()
    case .unimplementedService: try await calls.unimplementedService()
    case .cancelAfterBegin: try await calls.cancelAfterBegin()
    case .cancelAfterFirstResponse: try await calls.cancelAfterFirstResponse()
    case .timeoutOnSleepingServer: try await calls.timeoutOnSleepingServer()
    case .rpcSoak, .channelSoak: break
    }
  }
}
