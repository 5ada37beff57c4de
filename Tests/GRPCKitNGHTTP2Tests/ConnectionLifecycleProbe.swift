import GRPCTestSupport

/// `h2_connection_probe.py`, a raw HTTP/2 client that reports the frames the server sends as
/// JSON lines.
struct ConnectionLifecycleProbe {
  let process: ExternalProcess

  /// `echo.EchoRequest{text: "hi"}` as one gRPC message: flag 0, length 4, then the message.
  static let echoRequestHi = "00000000040a026869"

  static func start(port: Int, arguments: [String] = []) throws -> ExternalProcess {
    try ExternalProcess.python(
      script: "h2_connection_probe.py",
      arguments: ["--port", String(port)] + arguments
    )
  }

  /// Waits for `{"event":"ready"}`.
  static func waitUntilReady(_ process: ExternalProcess) async throws {
    _ = try await process.waitForJSONObject(timeout: .seconds(20)) {
      $0["event"] as? String == "ready"
    }
  }

  /// Every event up to and including `closed` or `timeout`.
  static func events(
    _ process: ExternalProcess,
    timeout: Duration = .seconds(20)
  ) async throws -> [ProbeEvent] {
    var events: [ProbeEvent] = []
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
      let object = try await process.waitForJSONObject(
        timeout: ContinuousClock.now.duration(to: deadline)
      )
      let event = ProbeEvent(object)
      events.append(event)
      if event.name == "closed" || event.name == "timeout" { break }
    }
    return events
  }
}

/// One line of `h2_connection_probe.py`.
struct ProbeEvent: Sendable, CustomStringConvertible {
  let name: String
  let lastStreamID: Int?
  let errorCode: Int?
  let debug: String?
  let ack: Bool?
  let streamID: Int?
  let headers: [String: String]
  let endStream: Bool

  init(_ object: [String: Any]) {
    self.name = object["event"] as? String ?? ""
    self.lastStreamID = object["last_stream_id"] as? Int
    self.errorCode = object["error_code"] as? Int
    self.debug = object["debug"] as? String
    self.ack = object["ack"] as? Bool
    self.streamID = object["stream_id"] as? Int
    var headers: [String: String] = [:]
    for pair in object["headers"] as? [[String]] ?? [] where pair.count == 2 {
      headers[pair[0]] = pair[1]
    }
    self.headers = headers
    self.endStream = object["end_stream"] as? Bool ?? false
  }

  var description: String {
    switch self.name {
    case "goaway":
      "goaway(\(self.lastStreamID ?? -1), \(self.errorCode ?? -1), \(self.debug ?? ""))"
    case "ping": "ping(ack: \(self.ack ?? false))"
    case "headers": "headers(\(self.streamID ?? 0), \(self.headers), end: \(self.endStream))"
    default: self.name
    }
  }
}
