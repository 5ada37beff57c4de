import GRPCKit
import Testing

/// Rich error details: how they are packed into `grpc-status-details-bin` and read back, and
/// what a client makes of a value that does not decode or contradicts `grpc-status`.
@Suite("RPCError details")
struct RPCErrorDetailsTests {
  static let standardDetails: [ErrorDetail] = [
    .errorInfo(
      Google_Rpc_ErrorInfo(
        reason: "ROOM_FULL",
        domain: "chat.example.com",
        metadata: ["room": "lobby"]
      )
    ),
    .retryInfo(Google_Rpc_RetryInfo(retryDelay: Google_Protobuf_Duration(seconds: 5, nanos: 500))),
    .debugInfo(Google_Rpc_DebugInfo(stackEntries: ["a.swift:1", "b.swift:2"], detail: "boom")),
    .quotaFailure(
      Google_Rpc_QuotaFailure(violations: [
        Google_Rpc_QuotaFailure.Violation(subject: "user:ada", description: "10 messages a second")
      ])
    ),
    .preconditionFailure(
      Google_Rpc_PreconditionFailure(violations: [
        Google_Rpc_PreconditionFailure.Violation(
          type: "TOS",
          subject: "ada",
          description: "not accepted"
        )
      ])
    ),
    .badRequest(
      Google_Rpc_BadRequest(fieldViolations: [
        Google_Rpc_BadRequest.FieldViolation(field: "user", description: "at most 64 bytes")
      ])
    ),
    .requestInfo(Google_Rpc_RequestInfo(requestId: "r-1", servingData: "replica-2")),
    .resourceInfo(
      Google_Rpc_ResourceInfo(
        resourceType: "room",
        resourceName: "lobby",
        owner: "ops",
        description: "full"
      )
    ),
    .help(
      Google_Rpc_Help(links: [
        Google_Rpc_Help.Link(description: "limits", url: "https://example.com/limits")
      ])
    ),
    .localizedMessage(Google_Rpc_LocalizedMessage(locale: "fr-FR", message: "salle pleine")),
  ]

  @Test("Every standard detail packs with its type URL and unpacks to the same value")
  func standardDetailsRoundTrip() throws {
    for detail in Self.standardDetails {
      let packed = detail.packed
      #expect(packed.typeUrl.hasPrefix("type.googleapis.com/google.rpc."))
      #expect(ErrorDetail(unpacking: packed) == detail)
    }
  }

  @Test("An Any of another type, or one whose value does not decode, stays an Any")
  func otherAnysStayAny() {
    let other = Google_Protobuf_Any(packing: Google_Protobuf_Timestamp(seconds: 1))
    #expect(ErrorDetail(unpacking: other) == .any(other))
    let broken = Google_Protobuf_Any(
      typeUrl: "type.googleapis.com/google.rpc.ErrorInfo",
      value: [0xFF]
    )
    #expect(ErrorDetail(unpacking: broken) == .any(broken))
  }

  @Test(
    "A server error with details sends one grpc-status-details-bin with its code, message and details"
  )
  func serverTrailers() throws {
    let error = RPCError(
      code: .resourceExhausted,
      message: "room lobby is full",
      details: Self.standardDetails
    )
    var trailers: Metadata = ["x-trailer": "done"]
    trailers.add("grpc-status-details-bin", binary: [1, 2, 3])  // set by hand: replaced
    let sent = error.trailersWithDetails(trailers)
    #expect(sent.first("x-trailer") == "done")
    let values = sent[binaryValues: "grpc-status-details-bin"]
    try #require(values.count == 1)
    let status = try Google_Rpc_Status(serializedBytes: values[0])
    #expect(status.code == 8)
    #expect(status.message == "room lobby is full")
    #expect(status.errorDetails == Self.standardDetails)
  }

  @Test("An error without details leaves the trailers as they are")
  func noDetailsNoTrailer() {
    var trailers: Metadata = ["x-trailer": "done"]
    trailers.add("grpc-status-details-bin", binary: [1, 2, 3])
    #expect(RPCError(code: .notFound, message: "none").trailersWithDetails(trailers) == trailers)
  }

  @Test("grpc-status-details-bin passes as metadata both ways; other grpc- headers do not")
  func statusDetailsIsNotReserved() {
    #expect(!GRPCHeaders.isReserved("grpc-status-details-bin"))
    #expect(GRPCHeaders.isReserved("grpc-status"))
    #expect(GRPCHeaders.isReserved("grpc-message"))
    #expect(GRPCHeaders.isReserved("grpc-timeout"))
  }

  /// One received `grpc-status-details-bin` case: the trailer values and what the client reports.
  struct ReceivedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var values: [[UInt8]]
    var expectedCode: Status.Code
    var expectedMessage: String
    var expectsDetails: Bool
    var expectsCause: Bool
    var testDescription: String { self.name }
  }

  static let detailsStatus = Google_Rpc_Status(
    code: 5,
    message: "no room named ops",
    details: [ErrorDetail.errorInfo(Google_Rpc_ErrorInfo(reason: "NO_ROOM")).packed]
  )

  static let receivedCases: [ReceivedCase] = [
    ReceivedCase(
      name: "matching code: the details",
      values: [detailsStatus.serializedBytes()],
      expectedCode: .notFound,
      expectedMessage: "no room named ops",
      expectsDetails: true,
      expectsCause: false
    ),
    ReceivedCase(
      name: "no trailer: the status alone",
      values: [],
      expectedCode: .notFound,
      expectedMessage: "no room named ops",
      expectsDetails: false,
      expectsCause: false
    ),
    ReceivedCase(
      name: "two values: ignored, as grpc-go does",
      values: [detailsStatus.serializedBytes(), detailsStatus.serializedBytes()],
      expectedCode: .notFound,
      expectedMessage: "no room named ops",
      expectsDetails: false,
      expectsCause: false
    ),
    ReceivedCase(
      name: "not a google.rpc.Status: the status without details, the decoding error as cause",
      values: [[0x0A, 0xFF, 0x01]],
      expectedCode: .notFound,
      expectedMessage: "no room named ops",
      expectsDetails: false,
      expectsCause: true
    ),
    ReceivedCase(
      name: "a different code: INTERNAL naming both",
      values: [Google_Rpc_Status(code: 7, message: "no room named ops").serializedBytes()],
      expectedCode: .internal,
      expectedMessage:
        "grpc-status-details-bin has code PERMISSION_DENIED (7) but grpc-status is NOT_FOUND (5); "
        + "grpc-message: no room named ops",
      expectsDetails: false,
      expectsCause: false
    ),
    ReceivedCase(
      name: "a code that does not exist: INTERNAL naming it",
      values: [Google_Rpc_Status(code: 99).serializedBytes()],
      expectedCode: .internal,
      expectedMessage: "grpc-status-details-bin has code 99 but grpc-status is NOT_FOUND (5); "
        + "grpc-message: no room named ops",
      expectsDetails: false,
      expectsCause: false
    ),
  ]

  @Test("A client reads grpc-status-details-bin as grpc-go does", arguments: receivedCases)
  func receivedDetails(_ testCase: ReceivedCase) {
    var trailers: Metadata = ["x-trailer": "done"]
    for value in testCase.values { trailers.add("grpc-status-details-bin", binary: value) }
    let error = RPCError(
      receivedStatus: Status(code: .notFound, message: "no room named ops"),
      trailers: trailers
    )
    #expect(error.code == testCase.expectedCode)
    #expect(error.message == testCase.expectedMessage)
    #expect(error.details == (testCase.expectsDetails ? Self.detailsStatus.errorDetails : []))
    #expect((error.cause != nil) == testCase.expectsCause)
    #expect(error.metadata == trailers, "the trailers stay as received")
  }

  @Test("A matching google.rpc.Status with another message keeps grpc-message")
  func grpcMessageWins() {
    var trailers = Metadata()
    trailers.add(
      "grpc-status-details-bin",
      binary: Google_Rpc_Status(
        code: 5,
        message: "other words",
        details: Self.detailsStatus.details
      ).serializedBytes()
    )
    let error = RPCError(
      receivedStatus: Status(code: .notFound, message: "no room named ops"),
      trailers: trailers
    )
    #expect(error.message == "no room named ops")
    #expect(error.details == Self.detailsStatus.errorDetails)
  }

  @Test("Details take part in equality")
  func detailsInEquality() {
    let plain = RPCError(code: .notFound, message: "x")
    let detailed = RPCError(code: .notFound, message: "x", details: [.help(Google_Rpc_Help())])
    #expect(plain != detailed)
  }
}
