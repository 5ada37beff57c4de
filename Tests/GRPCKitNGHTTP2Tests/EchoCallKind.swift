import GRPCKit
import GRPCTestSupport

/// One Echo call of each RPC kind, with its input and the response texts the plain Echo
/// service answers.
enum EchoCallKind: String, CaseIterable, Sendable {
  case unary
  case clientStreaming
  case serverStreaming
  case bidirectional

  /// The request texts the call sends.
  var requests: [String] {
    switch self {
    case .unary: return ["ab"]
    case .clientStreaming: return ["a", "b", "c"]
    case .serverStreaming: return ["one two"]
    case .bidirectional: return ["x", "y"]
    }
  }

  /// The response texts for `requests` as Echo sees them.
  func responses(to requests: [String]) -> [String] {
    switch self {
    case .unary, .bidirectional: return requests
    case .clientStreaming: return [requests.joined(separator: " ")]
    case .serverStreaming: return requests[0].split(separator: " ").map(String.init)
    }
  }

  /// Makes the call with `options` and returns the response texts.
  func run(_ echo: Echo_Echo.Client, options: CallOptions = CallOptions()) async throws -> [String] {
    let texts = self.requests
    switch self {
    case .unary:
      return [try await echo.get(Echo_EchoRequest(text: texts[0]), options: options).text]
    case .clientStreaming:
      let reply = try await echo.collect(options: options) { writer in
        for text in texts { try await writer.write(Echo_EchoRequest(text: text)) }
      }
      return [reply.text]
    case .serverStreaming:
      return try await echo.expand(Echo_EchoRequest(text: texts[0]), options: options) { responses in
        var received: [String] = []
        for try await response in responses { received.append(response.text) }
        return received
      }
    case .bidirectional:
      return try await echo.update(options: options) { writer, responses in
        for text in texts { try await writer.write(Echo_EchoRequest(text: text)) }
        writer.finish()
        var received: [String] = []
        for try await response in responses { received.append(response.text) }
        return received
      }
    }
  }
}
