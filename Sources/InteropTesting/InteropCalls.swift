import GRPCKit

/// The calls of the client test cases, over one channel; one method per case, in files by
/// concern (`InteropCalls+Unary.swift`, ...).
struct InteropCalls: Sendable {
  typealias Service = Grpc_Testing_TestService

  /// The untyped client, for calls that read response headers, trailers or compressed flags.
  let client: GRPCClient
  /// The typed `grpc.testing.TestService` client.
  let testService: Service.Client

  init(client: GRPCClient) {
    self.client = client
    self.testService = Service.Client(wrapping: client)
  }

  /// A payload of `size` zeros.
  static func zeros(_ size: Int) -> Grpc_Testing_Payload {
    Grpc_Testing_Payload(type: .compressable, body: [UInt8](repeating: 0, count: size))
  }

  /// Checks that `payload` is `size` zeros of type COMPRESSABLE.
  static func checkPayload(_ payload: Grpc_Testing_Payload?, size: Int, _ what: String) throws(InteropFailure) {
    let payload = payload ?? Grpc_Testing_Payload()
    try InteropFailure.check(
      payload.type == .compressable, "\(what): the response payload type is \(payload.type); expected COMPRESSABLE")
    try InteropFailure.check(
      payload.body.count == size, "\(what): the response payload is \(payload.body.count) bytes; expected \(size)")
    try InteropFailure.check(
      payload.body.allSatisfy { $0 == 0 }, "\(what): the response payload is not all zeros")
  }
}
