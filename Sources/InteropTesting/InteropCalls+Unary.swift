import GRPCKit

extension InteropCalls {
  /// The request of `large_unary` and the calls built on it: 314159 bytes back for 271828 sent.
  static func largeRequest() -> Grpc_Testing_SimpleRequest {
    Grpc_Testing_SimpleRequest(responseType: .compressable, responseSize: 314_159, payload: Self.zeros(271_828))
  }

  /// `empty_unary`: EmptyCall with an empty message returns one.
  func emptyUnary() async throws {
    _ = try await self.testService.emptyCall(Grpc_Testing_Empty())
  }

  /// `large_unary`: UnaryCall sends 271828 bytes and gets 314159 back.
  func largeUnary() async throws {
    let response = try await self.testService.unaryCall(Self.largeRequest())
    try Self.checkPayload(response.payload, size: 314_159, "UnaryCall")
  }

  /// `client_compressed_unary`: a probe with `expect_compressed` but an uncompressed request
  /// fails with INVALID_ARGUMENT; a compressed request that expects it, and an uncompressed one
  /// that does not, succeed.
  func clientCompressedUnary() async throws {
    var request = Self.largeRequest()
    request.expectCompressed = Grpc_Testing_BoolValue(value: true)
    try await InteropFailure.expectError(.invalidArgument, "UnaryCall probe (expect_compressed, sent uncompressed)") {
      _ = try await self.testService.unaryCall(request)
    }
    let compressed = try await self.testService.unaryCall(request, options: CallOptions(compression: .gzip))
    try Self.checkPayload(compressed.payload, size: 314_159, "UnaryCall (sent compressed)")
    request.expectCompressed = Grpc_Testing_BoolValue(value: false)
    let plain = try await self.testService.unaryCall(request)
    try Self.checkPayload(plain.payload, size: 314_159, "UnaryCall (sent uncompressed)")
  }

  /// `server_compressed_unary`: the response's compressed flag follows `response_compressed`.
  func serverCompressedUnary() async throws {
    for compressed in [true, false] {
      var request = Self.largeRequest()
      request.responseCompressed = Grpc_Testing_BoolValue(value: compressed)
      let what = "UnaryCall (response_compressed \(compressed))"
      let (response, wasCompressed) = try await self.client.serverStreaming(
        Service.Method.unaryCall, request: request
      ) { (responses: ResponseStream<Grpc_Testing_SimpleResponse>) in
        var iterator = responses.makeAsyncIterator()
        let response = try await iterator.next()
        let wasCompressed = responses.lastMessageWasCompressed
        while try await iterator.next() != nil {}
        return (response, wasCompressed)
      }
      guard let response else { throw InteropFailure("\(what): no response message") }
      try InteropFailure.check(
        wasCompressed == compressed,
        "\(what): the response \(wasCompressed ? "was" : "was not") compressed; expected \(compressed ? "compressed" : "uncompressed")")
      try Self.checkPayload(response.payload, size: 314_159, what)
    }
  }
}
