import Foundation
import GRPCKit
import GRPCKitNGHTTP2
import GRPCTestSupport
import Logging

// The per-call cost of GRPCKit and its transport, in one process: an Echo server on loopback
// and a client making unary calls one after another. Under callgrind, the instructions of one
// call are (Ir at --calls N) - (Ir at --calls 0), divided by N, with the same --warmup.
//
//   grpc-call-benchmark [--warmup W] [--calls N] [--server-interceptors K] [--client-interceptors K]
//
// Prints one JSON line: calls, seconds, calls_per_s.

struct Options {
  var warmup = 200
  var calls = 10_000
  var serverInterceptors = 0
  var clientInterceptors = 0

  init(arguments: [String]) {
    var iterator = arguments.dropFirst().makeIterator()
    while let flag = iterator.next() {
      guard let value = iterator.next().flatMap({ Int($0) }), value >= 0 else {
        Self.fail("\(flag) needs a count")
      }
      switch flag {
      case "--warmup": self.warmup = value
      case "--calls": self.calls = value
      case "--server-interceptors": self.serverInterceptors = value
      case "--client-interceptors": self.clientInterceptors = value
      default: Self.fail("unknown flag \(flag)")
      }
    }
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("grpc-call-benchmark: \(message)\n".utf8))
    exit(64)
  }
}

let options = Options(arguments: CommandLine.arguments)
var logger = Logger(label: "bench.server")
logger.logLevel = .critical
let transport = NGHTTP2ServerTransport(host: "127.0.0.1", port: 0)
let server = makeServer(transport: transport, interceptors: options.serverInterceptors, logger: logger)
let serving = Task { try await server.serve() }
let port = try await transport.listeningPort()
let channel = NGHTTP2ClientTransport(host: "127.0.0.1", port: port)
let echo = Echo_Echo.Client(wrapping: makeClient(transport: channel, interceptors: options.clientInterceptors))
let request = Echo_EchoRequest(text: "ping")

for _ in 0..<options.warmup { _ = try await echo.get(request) }
let start = ContinuousClock.now
for _ in 0..<options.calls { _ = try await echo.get(request) }
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let rate = seconds > 0 ? Double(options.calls) / seconds : 0
print(#"{"calls":\#(options.calls),"seconds":\#(seconds),"calls_per_s":\#(Int(rate))}"#)

channel.close()
server.beginGracefulShutdown()
try await serving.value
