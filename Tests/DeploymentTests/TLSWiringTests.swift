import Foundation
import Testing

/// The TLS wiring of `k8s/`: chat-server terminates TLS itself with the mounted Secret, the
/// kubelet probes a cleartext health port, Kong and the load balancer speak TLS (HTTP/2) to it;
/// in both Deployments (rooms in one process, rooms in Redis).
@Suite("Deployment TLS wiring")
struct TLSWiringTests {
  @Test(
    "The Deployment runs chat-server with --tls-cert and --tls-key from the mounted TLS Secret",
    arguments: DeploymentFiles.deployments
  )
  func chatServerUsesMountedSecret(file: String) async throws {
    let facts = try await Self.facts(deployment: file)
    let arguments = try #require(facts["args"] as? [String])
    let mount = try #require(facts["tlsMount"] as? String, "\(facts)")
    #expect(arguments.contains("--tls-cert=\(mount)/tls.crt"), "\(arguments)")
    #expect(arguments.contains("--tls-key=\(mount)/tls.key"), "\(arguments)")
    #expect(facts["tlsSecret"] as? String == "chat-server-tls", "\(facts)")
    #expect(facts["tlsMountUsesSubPath"] as? Bool == false, "a subPath mount never sees rotated Secrets")
    #expect(facts["containers"] as? [String] == ["chat-server", "lb-health"], "\(facts)")
  }

  @Test(
    "The kubelet's gRPC probes use the cleartext health port chat-server serves",
    arguments: DeploymentFiles.deployments
  )
  func probesUseHealthPort(file: String) async throws {
    let facts = try await Self.facts(deployment: file)
    let arguments = try #require(facts["args"] as? [String])
    let healthPort = try #require(facts["healthContainerPort"] as? Int, "\(facts)")
    #expect(arguments.contains("--health-port=\(healthPort)"), "\(arguments)")
    #expect(facts["readinessPort"] as? Int == healthPort)
    #expect(facts["readinessService"] as? String == "ChatService")
    #expect(facts["livenessPort"] as? Int == healthPort)
  }

  @Test(
    "The Service's TLS port is HTTP2 to the backend and the load balancer checks lb-health",
    arguments: DeploymentFiles.deployments
  )
  func serviceAndBackendConfig(file: String) async throws {
    let facts = try await Self.facts(deployment: file)
    #expect(facts["appProtocols"] as? [String: String] == ["grpc-tls": "HTTP2"], "\(facts)")
    #expect(facts["servicePorts"] as? [String] == ["grpc-tls"], "\(facts)")
    #expect(facts["servingContainerPort"] as? Int == 8443)
    #expect(facts["environmentPort"] as? String == "8443")
    #expect(facts["backendHealthPort"] as? Int == facts["lbHealthContainerPort"] as? Int, "\(facts)")
  }

  @Test("Kong's chat-server service speaks grpcs to the Service's TLS port and has a grpcs route")
  func kongUsesGRPCS() async throws {
    let facts = try await Self.facts(deployment: DeploymentFiles.inProcess)
    #expect(facts["kongProtocol"] as? String == "grpcs")
    #expect(facts["kongPort"] as? Int == facts["servicePort"] as? Int, "\(facts)")
    let routes = try #require(facts["kongRouteProtocols"] as? [[String]])
    #expect(routes.contains(["grpcs"]), "\(routes)")
  }

  /// What the manifests say, with `deployment` as the Deployment, gathered by Python's YAML
  /// parser (PyYAML comes with kubernetes-validate).
  private static func facts(deployment file: String) async throws -> [String: Any] {
    let script = """
      import json, os, sys, yaml
      load = lambda name: yaml.safe_load(open("k8s/" + name))
      deployment, service, kong, backend = (load(n) for n in
          [sys.argv[1], "service.yaml", "kong.yaml", "backendconfig.yaml"])
      pod = deployment["spec"]["template"]["spec"]
      server = next(c for c in pod["containers"] if c["name"] == "chat-server")
      lb = next(c for c in pod["containers"] if c["name"] == "lb-health")
      ports = {p["name"]: p["containerPort"] for p in server["ports"]}
      volumes = {v["name"]: v for v in pod["volumes"]}
      cert = next(a[len("--tls-cert="):] for a in server["args"] if a.startswith("--tls-cert="))
      mount = next(m for m in server["volumeMounts"]
                   if os.path.normpath(m["mountPath"]) == os.path.dirname(cert))
      chat = next(s for s in kong["services"] if s["name"] == "chat-server")
      print(json.dumps({
          "args": server["args"],
          "containers": [c["name"] for c in pod["containers"]],
          "tlsMount": mount["mountPath"],
          "tlsMountUsesSubPath": "subPath" in mount,
          "tlsSecret": volumes[mount["name"]]["secret"]["secretName"],
          "healthContainerPort": ports.get("health"),
          "servingContainerPort": ports.get("grpc-tls"),
          "environmentPort": next(e["value"] for e in server["env"] if e["name"] == "PORT"),
          "readinessPort": server["readinessProbe"]["grpc"]["port"],
          "readinessService": server["readinessProbe"]["grpc"].get("service"),
          "livenessPort": server["livenessProbe"]["grpc"]["port"],
          "lbHealthContainerPort": lb["ports"][0]["containerPort"],
          "appProtocols": json.loads(service["metadata"]["annotations"]["cloud.google.com/app-protocols"]),
          "servicePorts": [p["name"] for p in service["spec"]["ports"]],
          "servicePort": next(p["port"] for p in service["spec"]["ports"] if p["name"] == "grpc-tls"),
          "backendHealthPort": backend["spec"]["healthCheck"]["port"],
          "kongProtocol": chat["protocol"],
          "kongPort": chat["port"],
          "kongRouteProtocols": [r["protocols"] for r in chat["routes"]],
      }))
      """
    let result = try await CommandResult.run(.python3, ["-c", script, file])
    #expect(result.succeeded, "\(result)")
    return try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] ?? [:]
  }
}
