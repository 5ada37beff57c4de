/// A grpcio (Python, gRPC C-core) client, the other client family that must see Nginx's errors
/// as gRPC statuses. Needs the interop peers of `Sources/GRPCTestSupport/Python/requirements.txt`.
enum GRPCIOClient {
  /// Opens `/ChatService/ChatStream` over TLS, sends one empty message, half-closes, and prints
  /// `OK` and the number of replies, or the status code name and details on two lines.
  private static let script = """
    import sys
    try:
        import grpc
    except ImportError:
        sys.exit("grpcio is missing; install it: "
                 "python3 -m pip install -r Sources/GRPCTestSupport/Python/requirements.txt")
    address, certificate = sys.argv[1], sys.argv[2]
    credentials = grpc.ssl_channel_credentials(root_certificates=open(certificate, "rb").read())
    options = [("grpc.ssl_target_name_override", "localhost")]
    with grpc.secure_channel(address, credentials, options=options) as channel:
        call = channel.stream_stream("/ChatService/ChatStream",
                                     request_serializer=lambda b: b,
                                     response_deserializer=lambda b: b)
        try:
            replies = list(call(iter([b""]), timeout=20))
            print("OK")
            print(len(replies))
        except grpc.RpcError as error:
            print(error.code().name)
            print(error.details())
    """

  /// Runs one ChatStream call against `address`, trusting `certificate`.
  ///
  /// - Returns: The run; its output's first line is the status code name, the second the
  ///   details (or the reply count after `OK`).
  static func chatStream(address: String, certificate: String) async throws -> CommandResult {
    try await CommandResult.run(
      .python3,
      ["-c", script, address, certificate],
      timeout: .seconds(40)
    )
  }
}
