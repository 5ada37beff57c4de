/// The outcome of a unary or client-streaming call: the response message or the error, with
/// the response headers (initial metadata) and trailers, as grpc-swift 2's `ClientResponse`.
///
/// ```swift
/// let reply = try await echo.get(Echo_EchoRequest(text: "hi")) { response in
///   print(response.headers, response.trailers)
///   return try response.message
/// }
/// ```
public struct ClientResponse<Message: ProtobufMessage>: Sendable {
  /// The response headers; empty for a trailers-only response or a call that never reached
  /// the server.
  public var headers: Metadata
  /// The message, or the error the call failed with.
  public var result: Result<Message, RPCError>
  /// The trailing metadata (on failure, the error's ``RPCError/metadata``).
  public var trailers: Metadata

  /// Creates a response.
  ///
  /// - Parameters:
  ///   - headers: The response headers.
  ///   - result: The message or the error.
  ///   - trailers: The trailing metadata.
  public init(headers: Metadata = [:], result: Result<Message, RPCError>, trailers: Metadata = [:])
  {
    self.headers = headers
    self.result = result
    self.trailers = trailers
  }

  /// The response message.
  ///
  /// - Throws: The ``RPCError`` the call failed with.
  public var message: Message {
    get throws(RPCError) { try self.result.get() }
  }
}
