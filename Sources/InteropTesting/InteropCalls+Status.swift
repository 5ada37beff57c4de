import GRPCKit

extension InteropCalls {
  static let initialValue = "test_initial_metadata_value"
  static let trailingValue: [UInt8] = [0xAB, 0xAB, 0xAB]

  /// `custom_metadata`: on UnaryCall and FullDuplexCall, `x-grpc-test-echo-initial` comes back
  /// in the response headers and `x-grpc-test-echo-trailing-bin` in the trailers.
  func customMetadata() async throws {
    var metadata = Metadata()
    metadata.add(InteropTestService.echoInitialKey, Self.initialValue)
    metadata.add(InteropTestService.echoTrailingKey, binary: Self.trailingValue)
    let options = CallOptions(metadata: metadata)

    let (unaryHeaders, unaryTrailers) = try await self.client.serverStreaming(
      Service.Method.unaryCall, request: Self.largeRequest(), options: options
    ) { (responses: ResponseStream<Grpc_Testing_SimpleResponse>) in
      let headers = try await responses.headers()
      var count = 0
      for try await response in responses {
        try Self.checkPayload(response.payload, size: 314_159, "UnaryCall")
        count += 1
      }
      try InteropFailure.check(count == 1, "UnaryCall: \(count) responses; expected 1")
      return (headers, responses.trailers ?? [:])
    }
    try Self.checkEchoedMetadata(headers: unaryHeaders, trailers: unaryTrailers, "UnaryCall")

    let (duplexHeaders, duplexTrailers) = try await self.testService.fullDuplexCall(options: options) {
      writer, responses in
      try await writer.write(
        Grpc_Testing_StreamingOutputCallRequest(
          responseType: .compressable,
          responseParameters: [Grpc_Testing_ResponseParameters(size: 314_159)],
          payload: Self.zeros(271_828)))
      writer.finish()
      let headers = try await responses.headers()
      var count = 0
      for try await response in responses {
        try Self.checkPayload(response.payload, size: 314_159, "FullDuplexCall")
        count += 1
      }
      try InteropFailure.check(count == 1, "FullDuplexCall: \(count) responses; expected 1")
      return (headers, responses.trailers ?? [:])
    }
    try Self.checkEchoedMetadata(headers: duplexHeaders, trailers: duplexTrailers, "FullDuplexCall")
  }

  private static func checkEchoedMetadata(headers: Metadata, trailers: Metadata, _ what: String) throws(InteropFailure) {
    let initial = headers[stringValues: InteropTestService.echoInitialKey]
    try InteropFailure.check(
      initial == [Self.initialValue],
      "\(what): response headers carry \(InteropTestService.echoInitialKey) \(initial); expected [\"\(Self.initialValue)\"]")
    let trailing = trailers[binaryValues: InteropTestService.echoTrailingKey]
    try InteropFailure.check(
      trailing == [Self.trailingValue],
      "\(what): trailers carry \(InteropTestService.echoTrailingKey) \(trailing); expected [\(Self.trailingValue)]")
  }

  /// `status_code_and_message`: a requested status (UNKNOWN, "test status message") ends a
  /// UnaryCall and a FullDuplexCall with exactly that code and message.
  func statusCodeAndMessage() async throws {
    try await self.checkEchoedStatus(message: "test status message", fullDuplex: true)
  }

  /// `special_status_message`: a status message with whitespace, a BMP and a non-BMP character
  /// arrives unchanged.
  func specialStatusMessage() async throws {
    try await self.checkEchoedStatus(
      message: "\t\ntest with whitespace\r\nand Unicode BMP \u{263A} and non-BMP \u{1F608}\t\n", fullDuplex: false)
  }

  private func checkEchoedStatus(message: String, fullDuplex: Bool) async throws {
    let status = Grpc_Testing_EchoStatus(code: 2, message: message)
    let unary = try await InteropFailure.expectError(.unknown, "UnaryCall with response_status") {
      _ = try await self.testService.unaryCall(
        Grpc_Testing_SimpleRequest(
          responseType: .compressable, responseSize: 1, payload: Self.zeros(1), responseStatus: status))
    }
    try InteropFailure.check(
      unary.message == message, "UnaryCall: status message \(unary.message.debugDescription); expected \(message.debugDescription)")
    guard fullDuplex else { return }
    let duplex = try await InteropFailure.expectError(.unknown, "FullDuplexCall with response_status") {
      try await self.testService.fullDuplexCall { writer, responses in
        try await writer.write(
          Grpc_Testing_StreamingOutputCallRequest(
            responseType: .compressable,
            responseParameters: [Grpc_Testing_ResponseParameters(size: 1)],
            payload: Self.zeros(1),
            responseStatus: status))
        writer.finish()
        for try await _ in responses {}
      }
    }
    try InteropFailure.check(
      duplex.message == message, "FullDuplexCall: status message \(duplex.message.debugDescription); expected \(message.debugDescription)")
  }

  /// `unimplemented_method`: `grpc.testing.TestService/UnimplementedCall` fails with
  /// UNIMPLEMENTED.
  func unimplementedMethod() async throws {
    try await InteropFailure.expectError(.unimplemented, "TestService/UnimplementedCall") {
      _ = try await self.testService.unimplementedCall(Grpc_Testing_Empty())
    }
  }

  /// `unimplemented_service`: `grpc.testing.UnimplementedService/UnimplementedCall` fails with
  /// UNIMPLEMENTED.
  func unimplementedService() async throws {
    try await InteropFailure.expectError(.unimplemented, "UnimplementedService/UnimplementedCall") {
      _ = try await Grpc_Testing_UnimplementedService.Client(wrapping: self.client).unimplementedCall(Grpc_Testing_Empty())
    }
  }
}
