import GRPCKit

extension InteropCalls {
  static let requestSizes = [27_182, 8, 1_828, 45_904]
  static let responseSizes = [31_415, 9, 2_653, 58_979]

  /// `client_streaming`: four requests, and the server counts their payloads: 74922 bytes.
  func clientStreaming() async throws {
    let response = try await self.testService.streamingInputCall { writer in
      for size in Self.requestSizes {
        try await writer.write(Grpc_Testing_StreamingInputCallRequest(payload: Self.zeros(size)))
      }
    }
    try InteropFailure.check(
      response.aggregatedPayloadSize == 74_922,
      "StreamingInputCall: aggregated_payload_size is \(response.aggregatedPayloadSize); expected 74922")
  }

  /// `client_compressed_streaming`: a probe stream whose request expects compression but is
  /// not compressed fails with INVALID_ARGUMENT; then one stream sends a compressed request
  /// and an uncompressed one, and the server counts 73086 bytes.
  func clientCompressedStreaming() async throws {
    try await InteropFailure.expectError(
      .invalidArgument, "StreamingInputCall probe (expect_compressed, sent uncompressed)"
    ) {
      _ = try await self.testService.streamingInputCall { writer in
        try await writer.write(
          Grpc_Testing_StreamingInputCallRequest(
            payload: Self.zeros(27_182), expectCompressed: Grpc_Testing_BoolValue(value: true)))
      }
    }
    let response = try await self.testService.streamingInputCall(options: CallOptions(compression: .gzip)) { writer in
      try await writer.write(
        Grpc_Testing_StreamingInputCallRequest(
          payload: Self.zeros(27_182), expectCompressed: Grpc_Testing_BoolValue(value: true)),
        compress: true)
      try await writer.write(
        Grpc_Testing_StreamingInputCallRequest(
          payload: Self.zeros(45_904), expectCompressed: Grpc_Testing_BoolValue(value: false)),
        compress: false)
    }
    try InteropFailure.check(
      response.aggregatedPayloadSize == 73_086,
      "StreamingInputCall: aggregated_payload_size is \(response.aggregatedPayloadSize); expected 73086")
  }

  /// `server_streaming`: four responses of the requested sizes, in order.
  func serverStreaming() async throws {
    let request = Grpc_Testing_StreamingOutputCallRequest(
      responseType: .compressable,
      responseParameters: Self.responseSizes.map { Grpc_Testing_ResponseParameters(size: Int32($0)) })
    let sizes = try await self.testService.streamingOutputCall(request) { responses in
      var sizes: [Int] = []
      for try await response in responses {
        try Self.checkPayload(response.payload, size: response.payload?.body.count ?? 0, "StreamingOutputCall")
        sizes.append(response.payload?.body.count ?? 0)
      }
      return sizes
    }
    try InteropFailure.check(
      sizes == Self.responseSizes,
      "StreamingOutputCall: responses of \(sizes) bytes; expected \(Self.responseSizes)")
  }

  /// `server_compressed_streaming`: two responses, the first compressed and the second not, as
  /// their `ResponseParameters.compressed` ask.
  func serverCompressedStreaming() async throws {
    let expected: [(compressed: Bool, size: Int)] = [(true, 31_415), (false, 92_653)]
    let request = Grpc_Testing_StreamingOutputCallRequest(
      responseType: .compressable,
      responseParameters: expected.map {
        Grpc_Testing_ResponseParameters(size: Int32($0.size), compressed: Grpc_Testing_BoolValue(value: $0.compressed))
      })
    let received = try await self.testService.streamingOutputCall(request) { responses in
      var received: [(compressed: Bool, size: Int)] = []
      for try await response in responses {
        try Self.checkPayload(response.payload, size: response.payload?.body.count ?? 0, "StreamingOutputCall")
        received.append((responses.lastMessageWasCompressed, response.payload?.body.count ?? 0))
      }
      return received
    }
    try InteropFailure.check(
      received.map(\.size) == expected.map(\.size),
      "StreamingOutputCall: responses of \(received.map(\.size)) bytes; expected \(expected.map(\.size))")
    for (index, (got, want)) in zip(received, expected).enumerated() {
      try InteropFailure.check(
        got.compressed == want.compressed,
        "StreamingOutputCall: response \(index + 1) \(got.compressed ? "was" : "was not") compressed; expected \(want.compressed ? "compressed" : "uncompressed")")
    }
  }

  /// `ping_pong`: four request-response rounds on one FullDuplexCall, then a clean end.
  func pingPong() async throws {
    try await self.testService.fullDuplexCall { writer, responses in
      var iterator = responses.makeAsyncIterator()
      for (round, (requestSize, responseSize)) in zip(Self.requestSizes, Self.responseSizes).enumerated() {
        try await writer.write(
          Grpc_Testing_StreamingOutputCallRequest(
            responseType: .compressable,
            responseParameters: [Grpc_Testing_ResponseParameters(size: Int32(responseSize))],
            payload: Self.zeros(requestSize)))
        guard let response = try await iterator.next() else {
          throw InteropFailure("FullDuplexCall: the call ended after \(round) of 4 responses")
        }
        try Self.checkPayload(response.payload, size: responseSize, "FullDuplexCall response \(round + 1)")
      }
      writer.finish()
      try InteropFailure.check(try await iterator.next() == nil, "FullDuplexCall: a fifth response arrived")
    }
  }

  /// `empty_stream`: a FullDuplexCall half-closed at once ends with OK and no response.
  func emptyStream() async throws {
    let count = try await self.testService.fullDuplexCall { writer, responses in
      writer.finish()
      var count = 0
      for try await _ in responses { count += 1 }
      return count
    }
    try InteropFailure.check(count == 0, "FullDuplexCall: \(count) responses; expected none")
  }
}
