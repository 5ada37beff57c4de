import GRPCKit

extension InteropCalls {
  /// `cancel_after_begin`: a StreamingInputCall cancelled once its headers are sent, before
  /// any message, ends with CANCELLED.
  func cancelAfterBegin() async throws {
    try await self.expectCancelled("StreamingInputCall cancelled after it began") { started in
      try await self.client.bidirectionalStreaming(Service.Method.streamingInputCall) {
        (_: RequestWriter<Grpc_Testing_StreamingInputCallRequest>, responses: ResponseStream<Grpc_Testing_StreamingInputCallResponse>) in
        started()
        for try await _ in responses {}
      }
    }
  }

  /// `cancel_after_first_response`: a FullDuplexCall cancelled after its first response ends
  /// with CANCELLED.
  func cancelAfterFirstResponse() async throws {
    try await self.expectCancelled("FullDuplexCall cancelled after its first response") { started in
      try await self.testService.fullDuplexCall { writer, responses in
        try await writer.write(
          Grpc_Testing_StreamingOutputCallRequest(
            responseType: .compressable,
            responseParameters: [Grpc_Testing_ResponseParameters(size: 31_415)],
            payload: Self.zeros(27_182)))
        var iterator = responses.makeAsyncIterator()
        guard try await iterator.next() != nil else {
          throw InteropFailure("FullDuplexCall: the call ended before its first response")
        }
        started()
        while try await iterator.next() != nil {}
      }
    }
  }

  /// `timeout_on_sleeping_server`: a FullDuplexCall with a 1 ms deadline, which the server
  /// never answers, ends with DEADLINE_EXCEEDED.
  func timeoutOnSleepingServer() async throws {
    try await InteropFailure.expectError(.deadlineExceeded, "FullDuplexCall with a 1 ms deadline") {
      try await self.testService.fullDuplexCall(options: CallOptions(timeout: .milliseconds(1))) { writer, responses in
        try await writer.write(Grpc_Testing_StreamingOutputCallRequest(payload: Self.zeros(27_182)))
        for try await _ in responses {}
      }
    }
  }

  /// Runs `call` in a task, cancels the task once the call reports that it `started`, and
  /// checks that the call ended with CANCELLED.
  private func expectCancelled(
    _ what: String,
    _ call: @escaping @Sendable (_ started: @escaping @Sendable () -> Void) async throws -> Void
  ) async throws {
    let (started, continuation) = AsyncStream<Void>.makeStream()
    let task = Task {
      defer { continuation.finish() }  // a call that fails before it started ends the wait
      try await call { continuation.yield() }
    }
    var iterator = started.makeAsyncIterator()
    _ = await iterator.next()
    task.cancel()
    switch await task.result {
    case .success:
      throw InteropFailure("\(what): the call ended with OK; expected CANCELLED")
    case .failure(let error as RPCError):
      try InteropFailure.check(error.code == .cancelled, "\(what): the call failed with \(error); expected CANCELLED")
    case .failure(let error):
      throw error
    }
  }
}
