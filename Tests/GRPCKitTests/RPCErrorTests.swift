import GRPCKit
import Testing

@Suite("RPCError")
struct RPCErrorTests {
  private struct Boom: Error {}

  @Test("Equality and hashing ignore the cause")
  func causeIgnored() {
    let plain = RPCError(code: .unknown, message: "failed", metadata: ["k": "v"])
    let caused = RPCError(code: .unknown, message: "failed", metadata: ["k": "v"], cause: Boom())
    #expect(plain == caused)
    #expect(plain.hashValue == caused.hashValue)
    #expect(caused.cause is Boom)
  }

  @Test("A thrown error that is not an RPCError becomes UNKNOWN naming who threw it, with the error as cause")
  func wrapsOtherErrors() {
    let error = RPCError(wrapping: Boom(), thrownBy: "server interceptor Auth")
    #expect(error.code == .unknown)
    #expect(error.message == "server interceptor Auth threw Boom: Boom()")
    #expect(error.cause is Boom)
  }

  @Test("A thrown RPCError stays as it is, and CancellationError is CANCELLED")
  func keepsRPCErrors() {
    let original = RPCError(code: .notFound, message: "no room", metadata: ["chat-oldest-id": "1-1"])
    #expect(RPCError(wrapping: original) == original)
    #expect(RPCError(wrapping: original).cause == nil)
    #expect(RPCError(wrapping: CancellationError()).code == .cancelled)
  }
}
