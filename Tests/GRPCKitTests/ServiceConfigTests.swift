import GRPCKit
import ProtobufRuntime
import Testing

@Suite("Service config JSON")
struct ServiceConfigTests {
  static let retryPolicy = """
    "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.1s", "maxBackoff": "1s",
      "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}
    """

  static func method(_ service: String, _ name: String) -> ProtobufMethodDescriptor {
    ProtobufMethodDescriptor(
      name: name,
      serviceName: service,
      kind: .unary,
      inputType: "x.In",
      outputType: "x.Out"
    )
  }

  @Test("Every field of service_config.proto that the client uses is read")
  func parsesEveryField() throws {
    let config = try ServiceConfig(
      json: """
        {
          "methodConfig": [
            {"name": [{"service": "echo.Echo", "method": "Get"}], "timeout": "1.5s", "waitForReady": true,
             "maxRequestMessageBytes": 1024, "maxResponseMessageBytes": "2048", \(Self.retryPolicy)},
            {"name": [{"service": "echo.Echo"}],
             "hedgingPolicy": {"maxAttempts": 4, "hedgingDelay": "0.25s", "nonFatalStatusCodes": [14, "ABORTED"]}}
          ],
          "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.5},
          "loadBalancingConfig": [{"unknown_policy": {}}, {"pick_first": {}}, {"round_robin": {}}]
        }
        """
    )
    #expect(config.methodConfig.count == 2)
    let get = config.methodConfig[0]
    #expect(get.names == [ServiceConfig.MethodConfig.Name(service: "echo.Echo", method: "Get")])
    #expect(get.timeout == .milliseconds(1500))
    #expect(get.waitForReady == true)
    #expect(get.maxRequestMessageBytes == 1024)
    #expect(get.maxResponseMessageBytes == 2048)
    #expect(
      get.executionPolicy
        == .retry(
          ServiceConfig.RetryPolicy(
            maxAttempts: 3,
            initialBackoff: .milliseconds(100),
            maxBackoff: .seconds(1),
            backoffMultiplier: 2,
            retryableStatusCodes: [.unavailable]
          )
        )
    )
    #expect(
      config.methodConfig[1].executionPolicy
        == .hedge(
          ServiceConfig.HedgingPolicy(
            maxAttempts: 4,
            hedgingDelay: .milliseconds(250),
            nonFatalStatusCodes: [.unavailable, .aborted]
          )
        )
    )
    #expect(config.retryThrottling == ServiceConfig.RetryThrottling(maxTokens: 10, tokenRatio: 0.5))
    #expect(config.loadBalancingConfig == [.pickFirst, .roundRobin])
  }

  @Test("snake_case field names are accepted as proto3 JSON allows")
  func snakeCase() throws {
    let config = try ServiceConfig(
      json:
        #"{"method_config": [{"name": [{}], "wait_for_ready": true, "max_request_message_bytes": 10}]}"#
    )
    #expect(config.methodConfig.first?.waitForReady == true)
    #expect(config.methodConfig.first?.maxRequestMessageBytes == 10)
  }

  @Test("A method's entry wins over its service's, which wins over the default")
  func nameResolution() throws {
    let config = try ServiceConfig(
      json: """
        {"methodConfig": [
          {"name": [{}], "timeout": "3s"},
          {"name": [{"service": "echo.Echo"}], "timeout": "2s"},
          {"name": [{"service": "echo.Echo", "method": "Get"}], "timeout": "1s"}
        ]}
        """
    )
    #expect(config.methodConfig(for: Self.method("echo.Echo", "Get"))?.timeout == .seconds(1))
    #expect(config.methodConfig(for: Self.method("echo.Echo", "Collect"))?.timeout == .seconds(2))
    #expect(config.methodConfig(for: Self.method("other.Other", "Get"))?.timeout == .seconds(3))
    #expect(ServiceConfig().methodConfig(for: Self.method("echo.Echo", "Get")) == nil)
  }

  @Test("A config built as a value is checked by the same rules")
  func valueValidation() {
    let config = ServiceConfig(methodConfig: [
      ServiceConfig.MethodConfig(
        names: [.init(service: "echo.Echo")],
        executionPolicy: .hedge(ServiceConfig.HedgingPolicy(maxAttempts: 1, hedgingDelay: .zero))
      )
    ])
    #expect(
      throws: ServiceConfigError(
        path: "methodConfig[0].hedgingPolicy.maxAttempts",
        reason: "must be at least 2 (is 1)"
      )
    ) {
      try config.validate()
    }
  }

  @Test(
    "Bad configurations are rejected with the JSON path and the rule",
    arguments: [
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 1, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"#,
        "methodConfig[0].retryPolicy.maxAttempts: must be at least 2 (is 1)"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 2, "initialBackoff": "0s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"#,
        "methodConfig[0].retryPolicy.initialBackoff: must be above zero"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "-1s", "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"#,
        "methodConfig[0].retryPolicy.maxBackoff: must be above zero"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 0, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"#,
        "methodConfig[0].retryPolicy.backoffMultiplier: must be above zero (is 0.0)"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": []}}]}"#,
        "methodConfig[0].retryPolicy.retryableStatusCodes: must name at least one status code"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILBLE"]}}]}"#,
        #"methodConfig[0].retryPolicy.retryableStatusCodes[0]: unknown status code "UNAVAILBLE""#
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "hedgingPolicy": {"maxAttempts": 2, "nonFatalStatusCodes": [17]}}]}"#,
        "methodConfig[0].hedgingPolicy.nonFatalStatusCodes[0]: unknown status code 17"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2}}]}"#,
        "methodConfig[0].retryPolicy.retryableStatusCodes: is required"
      ),
      (
        #"{"methodConfig": [{"nmae": [{"service": "a"}]}]}"#,
        "methodConfig[0].nmae: unknown field"
      ),
      (
        #"{"retryThrotling": {"maxTokens": 10, "tokenRatio": 0.1}}"#,
        "retryThrotling: unknown field"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "retryPolicy": {"maxAttempts": 2, "initialBackoff": "1s", "maxBackoff": "1s", "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}, "hedgingPolicy": {"maxAttempts": 2}}]}"#,
        "methodConfig[0]: retryPolicy and hedgingPolicy are mutually exclusive"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}]}, {"name": [{"service": "a"}]}]}"#,
        "methodConfig[1].name[0]: duplicate name: service a is configured twice"
      ),
      (
        #"{"methodConfig": [{"name": [{}]}, {"name": [{"service": ""}]}]}"#,
        "methodConfig[1].name[0]: duplicate name: the default name is configured twice"
      ),
      (
        #"{"methodConfig": [{"name": [{"method": "Get"}]}]}"#,
        "methodConfig[0].name[0].service: must be set when method is set"
      ),
      (
        #"{"methodConfig": [{"name": [{}], "timeout": "1"}]}"#,
        #"methodConfig[0].timeout: "1" is not a duration: seconds with up to 9 decimals and an "s", like "0.25s""#
      ),
      (
        #"{"methodConfig": [{"name": [{}], "timeout": "0.1234567891s"}]}"#,
        #"methodConfig[0].timeout: "0.1234567891s" is not a duration: seconds with up to 9 decimals and an "s", like "0.25s""#
      ),
      (
        #"{"methodConfig": [{"name": [{}], "waitForReady": "yes"}]}"#,
        "methodConfig[0].waitForReady: must be a boolean (is a string)"
      ),
      (
        #"{"methodConfig": [{"name": [{}], "maxRequestMessageBytes": 1.5}]}"#,
        "methodConfig[0].maxRequestMessageBytes: must be an integer (is 1.5)"
      ),
      (
        #"{"methodConfig": [{"name": [{}], "maxResponseMessageBytes": -1}]}"#,
        "methodConfig[0].maxResponseMessageBytes: must not be negative (is -1)"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "hedgingPolicy": {"maxAttempts": 1}}]}"#,
        "methodConfig[0].hedgingPolicy.maxAttempts: must be at least 2 (is 1)"
      ),
      (
        #"{"methodConfig": [{"name": [{"service": "a"}], "hedgingPolicy": {"maxAttempts": 2, "hedgingDelay": "-1s"}}]}"#,
        "methodConfig[0].hedgingPolicy.hedgingDelay: must not be negative"
      ),
      (
        #"{"retryThrottling": {"maxTokens": 0, "tokenRatio": 0.1}}"#,
        "retryThrottling.maxTokens: must be between 1 and 1000 (is 0)"
      ),
      (
        #"{"retryThrottling": {"maxTokens": 10, "tokenRatio": 0}}"#,
        "retryThrottling.tokenRatio: must be at least 0.001 (is 0.0)"
      ),
      (
        #"{"loadBalancingConfig": [{"weighted_target": {}}]}"#,
        "loadBalancingConfig: no supported policy among weighted_target; supported: pick_first, round_robin"
      ),
      (
        #"{"loadBalancingConfig": [{"pick_first": {}, "round_robin": {}}]}"#,
        "loadBalancingConfig[0]: must have exactly one policy name as its key (has 2)"
      ),
      (
        #"{"methodConfig": {}}"#,
        "methodConfig: must be an array (is an object)"
      ),
      (
        #"[]"#,
        "service config: must be an object (is an array)"
      ),
    ]
  )
  func rejects(json: String, expected: String) {
    #expect {
      try ServiceConfig(json: json)
    } throws: { error in
      "\(error)" == expected
    }
  }

  @Test(
    "Text that is not JSON is rejected naming the line, the column and the rule it breaks",
    arguments: [
      ("{methodConfig: [" as String, "line 1, column 2: expected a key in quotes, found 'm'"),
      ("", "line 1, column 1: expected a value, found the end of the text"),
      ("{} {}", "line 1, column 4: text after the document"),
      (#"{"methodConfig": [{"name": [{}], "timeout": "1s",}]}"#, "line 1, column 50: expected a key in quotes, found '}'"),
      (#"{"retryThrottling": {"maxTokens": 07}}"#, "line 1, column 35: a number has a leading zero"),
      (#"{"retryThrottling": {"maxTokens": 1e999}}"#, "line 1, column 35: the number 1e999 is too large"),
      (#"{"retryThrottling": {"maxTokens": 1.}}"#, "line 1, column 37: expected a digit after '.', found '}'"),
      (#"{"retryThrottling": {"maxTokens": -}}"#, "line 1, column 36: expected a digit, found '}'"),
      ("{\n  \"a\": tru }", "line 2, column 8: expected a value, found 'tru'"),
      (#"{"a": 1, "a": 2}"#, "line 1, column 10: the key \"a\" appears twice in one object"),
      (#"{"a": [1 2]}"#, "line 1, column 10: expected ',' or ']' in an array, found '2'"),
      (#"{"a": 1"#, "line 1, column 8: expected ',' or '}' in an object, found the end of the text"),
      (#"{"a" 1}"#, "line 1, column 6: expected ':' after a key, found '1'"),
      (#"{"a": "b"#, "line 1, column 9: a string is not closed"),
      ("{\"a\": \"\t\"}", "line 1, column 8: a control character (byte 0x9) in a string must be escaped"),
      (#"{"a": "\x"}"#, "line 1, column 8: an unknown escape: backslash and 'x'"),
      (#"{"a": "\u12"}"#, #"line 1, column 12: expected four hex digits after \u, found '"'"#),
      (#"{"a": "\ud800"}"#, #"line 1, column 8: a \u escape of a high surrogate is not followed by a low one"#),
      (#"{"a": "\udc00"}"#, #"line 1, column 8: a \u escape of a low surrogate has no high one before it"#),
      (String(repeating: "[", count: 65), "line 1, column 65: nested deeper than 64 arrays and objects"),
    ]
  )
  func notJSON(json: String, expected: String) {
    #expect {
      try ServiceConfig(json: json)
    } throws: { error in
      "\(error)" == "service config: not valid JSON: \(expected)"
    }
  }

  @Test("JSON's escapes, numbers and whitespace are read as RFC 8259 defines them")
  func jsonGrammar() throws {
    let config = try ServiceConfig(
      json: " {\"methodConfig\":[{\"name\":[{\"service\":\"a\\u002Eb\\/\\ud83d\\ude00\\\\\"}],"
        + "\r\n\t\"timeout\":\"1.5s\",\"maxRequestMessageBytes\":1.024E3,\"waitForReady\":false}],"
        + "\"retryThrottling\":{\"maxTokens\":1e1,\"tokenRatio\":5E-1}, \"healthCheckConfig\": null} "
    )
    #expect(config.methodConfig.first?.names.first?.service == "a.b/\u{1F600}\\")
    #expect(config.methodConfig.first?.maxRequestMessageBytes == 1024)
    #expect(config.methodConfig.first?.waitForReady == false)
    #expect(config.retryThrottling == ServiceConfig.RetryThrottling(maxTokens: 10, tokenRatio: 0.5))
  }

  @Test("The first problem found is the same on every parse: keys are checked in sorted order")
  func deterministicErrors() {
    // Two unknown fields, and two bad values: each parse names the same one.
    let json = #"{"methodConfig": [{"name": [{}], "zz": 1, "aa": 2}], "retryThrottling": {"maxTokens": 0, "tokenRatio": 0}}"#
    let errors = Set((0..<20).map { _ in
      Result { () throws(ServiceConfigError) in try ServiceConfig(json: json) }
    })
    #expect(errors.count == 1)
    #expect(errors.first == .failure(ServiceConfigError(path: "methodConfig[0].aa", reason: "unknown field")))
  }
}
