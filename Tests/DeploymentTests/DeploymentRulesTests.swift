import Foundation
import Testing

/// The deployment files of `k8s/` by role.
enum DeploymentFiles {
  /// The Deployment with rooms in one process: one replica.
  static let inProcess = "deployment.yaml"
  /// The same Deployment with rooms shared through Redis: several replicas, PDB, HPA.
  static let redis = "deployment-redis.yaml"
  static let deployments = [inProcess, redis]
  /// Cloud Run with rooms in one process: one instance.
  static let cloudRunInProcess = "cloudrun-service.yaml"
  /// Cloud Run with rooms in Memorystore: several instances, VPC egress.
  static let cloudRunRedis = "cloudrun-service-redis.yaml"
  /// The objects a cluster holds (Cloud Run services and Kong's file are not Kubernetes objects
  /// of the cluster: Cloud Run labels may not contain `/`, and its namespace is the project).
  static let clusterObjects = ManifestTests.kubernetesManifests + ["backendconfig.yaml", "podmonitoring.yaml"]
  /// The Kubernetes recommended labels every object and pod template carries.
  static let recommendedLabels = [
    "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
    "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
  ]
  /// The labels selectors may use: the stable ones (never the version).
  static let selectorLabels: Set = ["app.kubernetes.io/name", "app.kubernetes.io/instance"]
  static let namespace = "chat"
}

/// What the deployment files promise beyond parsing: rooms in one process run once, rooms in
/// Redis run several times with their Secret, probes, budget and autoscaler, and every object is
/// what a platform team commits (namespace, labels, pinned images, no API token, closed ports).
@Suite("Deployment rules")
struct DeploymentRulesTests {
  @Test("The Redis Deployment runs 3 replicas, REDIS_URL from a Secret, --redis-ca from a mounted file")
  func redisDeploymentSharesRooms() async throws {
    let manifests = try await K8sManifests.load()
    let deployment = try manifests.document(DeploymentFiles.redis)
    let pod = deployment.podSpec
    let server = pod.container("chat-server")
    #expect(deployment["spec"]["replicas"].int == 3, "\(deployment["spec"]["replicas"])")

    let url = server.environment("REDIS_URL")
    #expect(!url["value"].exists, "the Redis URL holds the AUTH string: never a literal value")
    let secretName = try #require(url["valueFrom"]["secretKeyRef"]["name"].string, "\(url)")
    let secretKey = try #require(url["valueFrom"]["secretKeyRef"]["key"].string, "\(url)")
    #expect(secretName == "chat-server-redis" && secretKey == "url", "\(url)")
    #expect(
      server.argument("--redis-url") == nil,
      "the URL (with its password) must not be an argument"
    )

    let caPath = try #require(server.argument("--redis-ca"), "\(server["args"])")
    let ca = try #require(server.mountedFile(caPath, podSpec: pod), "no mounted volume holds \(caPath)")
    #expect(!ca.subPath, "a subPath mount never sees an updated CA")
    #expect(ca.volume["secret"].exists || ca.volume["configMap"].exists, "\(ca.volume)")

    // The example Secret has the shape both references expect.
    let example = try manifests.document("redis-secret.example.yaml")
    #expect(example["kind"].string == "Secret")
    #expect(example["metadata"]["name"].string == secretName)
    #expect(example["stringData"][secretKey].string?.hasPrefix("rediss://") == true, "\(example)")
    if let caSecret = ca.volume["secret"]["secretName"].string, caSecret == secretName {
      #expect(example["stringData"][ca.key].string?.contains("BEGIN CERTIFICATE") == true)
    }
  }

  @Test("With Redis, readiness checks ChatService and liveness \"\", so a Redis outage restarts nothing")
  func redisHealthProbes() async throws {
    let manifests = try await K8sManifests.load()
    let server = try manifests.document(DeploymentFiles.redis).podSpec.container("chat-server")
    let healthPort = try #require(server.argument("--health-port").flatMap { Int($0) })
    #expect(server["readinessProbe"]["grpc"]["service"].string == "ChatService")
    #expect(server["livenessProbe"]["grpc"]["service"].string ?? "" == "", "\(server["livenessProbe"])")
    #expect(server["readinessProbe"]["grpc"]["port"].int == healthPort)
    #expect(server["livenessProbe"]["grpc"]["port"].int == healthPort)

    let cloudRun = try manifests.document(DeploymentFiles.cloudRunRedis)["spec"]["template"]["spec"]
    let container = cloudRun["containers"][0]
    #expect(container["startupProbe"]["grpc"]["service"].string == "ChatService")
    #expect(container["livenessProbe"]["grpc"]["service"].string ?? "" == "", "\(container)")
  }

  @Test("Rooms in one process run once; rooms in Redis run more than once")
  func replicasFollowWhereRoomsLive() async throws {
    let manifests = try await K8sManifests.load()
    let inProcess = try manifests.document(DeploymentFiles.inProcess)
    let redis = try manifests.document(DeploymentFiles.redis)
    #expect(inProcess["spec"]["replicas"].int == 1, "\(inProcess["spec"]["replicas"])")
    #expect((redis["spec"]["replicas"].int ?? 0) > 1)
    let server = inProcess.podSpec.container("chat-server")
    #expect(!server.environment("REDIS_URL").exists)
    #expect(server.argument("--redis-url") == nil && server.argument("--redis-ca") == nil)
    #expect(redis.podSpec.container("chat-server").environment("REDIS_URL").exists)

    let cloudRun = try manifests.document(DeploymentFiles.cloudRunInProcess)["spec"]["template"]
    #expect(cloudRun["metadata"]["annotations"]["autoscaling.knative.dev/maxScale"].string == "1")
    #expect(!cloudRun["spec"]["containers"][0].environment("REDIS_URL").exists)
  }

  @Test("The Cloud Run Redis service scales past one, reaches the VPC, reads REDIS_URL from Secret Manager")
  func cloudRunRedis() async throws {
    let manifests = try await K8sManifests.load()
    let service = try manifests.document(DeploymentFiles.cloudRunRedis)
    let inProcess = try manifests.document(DeploymentFiles.cloudRunInProcess)
    #expect(service["metadata"]["name"].string == inProcess["metadata"]["name"].string,
      "one service, deployed from one file or the other")
    let annotations = service["spec"]["template"]["metadata"]["annotations"].strings
    let maxScale = try #require(annotations["autoscaling.knative.dev/maxScale"].flatMap { Int($0) })
    #expect(maxScale > 1)
    #expect(
      annotations["run.googleapis.com/vpc-access-egress"] == "private-ranges-only",
      "\(annotations)"
    )
    #expect(
      annotations["run.googleapis.com/network-interfaces"] != nil
        || annotations["run.googleapis.com/vpc-access-connector"] != nil,
      "Memorystore has only a private IP: Direct VPC egress or a connector"
    )
    let pod = service["spec"]["template"]["spec"]
    let container = pod["containers"][0]
    let url = container.environment("REDIS_URL")
    #expect(!url["value"].exists)
    #expect(url["valueFrom"]["secretKeyRef"]["name"].string?.isEmpty == false, "\(url)")
    #expect(url["valueFrom"]["secretKeyRef"]["key"].string?.isEmpty == false, "\(url)")
    let caPath = try #require(container.argument("--redis-ca"), "\(container["args"])")
    let ca = try #require(
      container.mountedFile(caPath, podSpec: pod),
      "no mounted volume holds \(caPath)"
    )
    #expect(ca.volume["secret"]["secretName"].string?.isEmpty == false, "\(ca.volume)")
  }

  @Test("The PDB and the HPA select the Redis Deployment's pods")
  func budgetAndAutoscalerSelectRedisPods() async throws {
    let manifests = try await K8sManifests.load()
    let deployment = try manifests.document(DeploymentFiles.redis)
    let podLabels = deployment["spec"]["template"]["metadata"]["labels"].strings
    let replicas = try #require(deployment["spec"]["replicas"].int)
    let namespace = deployment["metadata"]["namespace"].string

    let budget = try manifests.document("pdb.yaml")
    #expect(budget["kind"].string == "PodDisruptionBudget")
    #expect(budget["metadata"]["namespace"].string == namespace)
    let selector = budget["spec"]["selector"]["matchLabels"].strings
    #expect(!selector.isEmpty && selector.allSatisfy { podLabels[$0.key] == $0.value }, "\(selector)")
    #expect(!budget["spec"]["selector"]["matchExpressions"].exists)
    // A drain may evict one pod at a time, never all at once, never none.
    if let maxUnavailable = budget["spec"]["maxUnavailable"].int {
      #expect((1..<replicas).contains(maxUnavailable), "\(budget["spec"])")
    } else {
      let minAvailable = try #require(budget["spec"]["minAvailable"].int, "\(budget["spec"])")
      #expect((1..<replicas).contains(minAvailable), "\(budget["spec"])")
    }

    let autoscaler = try manifests.document("hpa.yaml")
    #expect(autoscaler["apiVersion"].string == "autoscaling/v2")
    #expect(autoscaler["metadata"]["namespace"].string == namespace)
    let target = autoscaler["spec"]["scaleTargetRef"]
    #expect(target["apiVersion"].string == deployment["apiVersion"].string)
    #expect(target["kind"].string == "Deployment")
    #expect(target["name"].string == deployment["metadata"]["name"].string)
    #expect(autoscaler["spec"]["minReplicas"].int == replicas)
    #expect((autoscaler["spec"]["maxReplicas"].int ?? 0) > replicas)
    let metrics = autoscaler["spec"]["metrics"].array
    #expect(!metrics.isEmpty)
    // Open streams per pod: chat-server's gauge, as Google Managed Prometheus names it for the
    // Custom Metrics Stackdriver Adapter.
    let pods = metrics.filter { $0["type"].string == "Pods" }
    #expect(pods.count == 1, "\(metrics)")
    for metric in pods {
      #expect(metric["pods"]["metric"]["name"].string == "prometheus.googleapis.com|chat_open_streams|gauge")
      #expect(metric["pods"]["target"]["type"].string == "AverageValue")
      #expect(Int(metric["pods"]["target"]["averageValue"].string ?? "") ?? 0 > 0, "\(metric)")
    }
    for metric in metrics where metric["type"].string != "Pods" {
      // CPU, as a share of the requests of the container(s) measured.
      let source =
        metric["type"].string == "ContainerResource"
        ? metric["containerResource"] : metric["resource"]
      #expect(source["name"].string == "cpu", "\(metric)")
      #expect(source["target"]["type"].string == "Utilization", "\(metric)")
      let measured = source["container"].string.map { [deployment.podSpec.container($0)] }
        ?? deployment.podSpec["containers"].array
      for container in measured {
        #expect(
          container["resources"]["requests"]["cpu"].exists,
          "utilization needs a CPU request: \(container)"
        )
      }
    }
  }

  @Test("The NetworkPolicy admits exactly the ports that serve or are probed")
  func networkPolicyPorts() async throws {
    let manifests = try await K8sManifests.load()
    let policy = try manifests.document("networkpolicy.yaml")
    let backend = try manifests.document("backendconfig.yaml")
    #expect(policy["spec"]["policyTypes"].array.compactMap(\.string).contains("Ingress"))

    var servingOrProbed: Set<Int> = []
    var declared: Set<Int> = []
    var portsByName: [String: Int] = [:]
    for file in DeploymentFiles.deployments {
      let deployment = try manifests.document(file)
      let podLabels = deployment["spec"]["template"]["metadata"]["labels"].strings
      let selector = policy["spec"]["podSelector"]["matchLabels"].strings
      #expect(!selector.isEmpty && selector.allSatisfy { podLabels[$0.key] == $0.value }, "\(file)")
      for container in deployment.podSpec["containers"].array {
        for port in container["ports"].array {
          guard let number = port["containerPort"].int else { continue }
          declared.insert(number)
          if let name = port["name"].string { portsByName[name] = number }
        }
        for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
          for handler in ["grpc", "httpGet", "tcpSocket"] {
            if let port = container[probe][handler]["port"].int { servingOrProbed.insert(port) }
          }
        }
        if let port = container.environment("PORT")["value"].string.flatMap({ Int($0) }) {
          servingOrProbed.insert(port)
        }
      }
    }
    let lbHealth = try #require(backend["spec"]["healthCheck"]["port"].int)
    servingOrProbed.insert(lbHealth)
    // Scraped by Google Managed Prometheus.
    for endpoint in try manifests.document("podmonitoring.yaml")["spec"]["endpoints"].array {
      let port = endpoint["port"].int ?? endpoint["port"].string.flatMap { portsByName[$0] }
      servingOrProbed.insert(try #require(port, "PodMonitoring port \(endpoint) is no container port"))
    }

    var admitted: Set<Int> = []
    for rule in policy["spec"]["ingress"].array {
      let ports = rule["ports"].array
      #expect(!ports.isEmpty, "a rule without ports admits every port: \(rule)")
      for port in ports {
        #expect(port["protocol"].string ?? "TCP" == "TCP")
        #expect(!port["endPort"].exists)
        let number = port["port"].int ?? port["port"].string.flatMap { portsByName[$0] }
        admitted.insert(try #require(number, "port \(port) is no container port"))
      }
    }
    let expected = servingOrProbed.sorted()
    #expect(admitted == servingOrProbed, "admitted \(admitted.sorted()), serving or probed \(expected)")
    #expect(declared == servingOrProbed, "declared \(declared.sorted()), serving or probed \(expected)")
    #expect(servingOrProbed == [8443, 8081, 8080, 9090])
  }

  @Test("PodMonitoring scrapes /metrics on the port both Deployments serve it on")
  func podMonitoringScrapesMetricsPort() async throws {
    let manifests = try await K8sManifests.load()
    let monitoring = try manifests.document("podmonitoring.yaml")
    let selector = monitoring["spec"]["selector"]["matchLabels"].strings
    let endpoints = monitoring["spec"]["endpoints"].array
    #expect(endpoints.count == 1)
    let endpoint = try #require(endpoints.first)
    #expect(endpoint["path"].string == "/metrics")
    for file in DeploymentFiles.deployments {
      let deployment = try manifests.document(file)
      let podLabels = deployment["spec"]["template"]["metadata"]["labels"].strings
      #expect(!selector.isEmpty && selector.allSatisfy { podLabels[$0.key] == $0.value }, "\(file)")
      let container = deployment.podSpec.container("chat-server")
      let port = try #require(
        container["ports"].array.first { $0["name"].string == endpoint["port"].string }?["containerPort"].int,
        "\(file) has no container port named \(endpoint["port"])")
      let arguments = container["args"].array.compactMap(\.string)
      #expect(arguments.contains("--metrics-port=\(port)"), "\(file): \(arguments)")
      #expect(arguments.contains("--access-log"), "\(file): \(arguments)")
    }
  }

  @Test("No image is :latest or untagged; chat-server's images carry the project's version")
  func imagesArePinned() async throws {
    let manifests = try await K8sManifests.load()
    let version = try ProjectVersionFile.current()
    var images: [(file: String, image: String)] = []
    for (file, document) in manifests.documents(in: manifests.files.keys.sorted()) {
      let hasPods =
        document["kind"].string == "Deployment"
        || document["apiVersion"].string == "serving.knative.dev/v1"
      let pod = hasPods ? document.podSpec : YAMLNode(nil)
      for container in pod["containers"].array + pod["initContainers"].array {
        images.append((file, try #require(container["image"].string, "\(file): \(container)")))
      }
    }
    #expect(images.count >= 6, "\(images)")
    for (file, image) in images {
      let (repository, tag, digest) = Self.split(image: image)
      #expect(digest != nil || (tag != nil && tag != "latest"), "\(file): \(image) is not pinned")
      if repository.hasSuffix("/chat-server") {
        #expect(
          tag == version,
          "\(file): \(image) is not chat-server:\(version) (ProjectVersion.swift)"
        )
      }
    }
  }

  @Test("Every object is in the chat namespace with the recommended labels; selectors use the stable ones")
  func namespaceAndLabels() async throws {
    let manifests = try await K8sManifests.load()
    let version = try ProjectVersionFile.current()
    let namespace = try manifests.document("namespace.yaml")
    #expect(namespace["kind"].string == "Namespace")
    #expect(namespace["metadata"]["name"].string == DeploymentFiles.namespace)

    func checkLabels(_ labels: [String: String], _ what: String) {
      for key in DeploymentFiles.recommendedLabels {
        #expect(labels[key]?.isEmpty == false, "\(what) has no \(key): \(labels)")
      }
      #expect(labels["app.kubernetes.io/name"] == "chat-server", "\(what): \(labels)")
      #expect(labels["app.kubernetes.io/part-of"] == "chat", "\(what): \(labels)")
      #expect(labels["app.kubernetes.io/version"] == version, "\(what): \(labels)")
    }
    let objects = manifests.documents(in: DeploymentFiles.clusterObjects)
    #expect(objects.count == DeploymentFiles.clusterObjects.count)
    for (file, object) in objects {
      let what = "\(file) (\(object["kind"].string ?? "?"))"
      checkLabels(object["metadata"]["labels"].strings, what)
      if object["kind"].string != "Namespace" {
        #expect(object["metadata"]["namespace"].string == DeploymentFiles.namespace, "\(what)")
      }
    }

    let service = try manifests.document("service.yaml")
    for file in DeploymentFiles.deployments {
      let deployment = try manifests.document(file)
      let podLabels = deployment["spec"]["template"]["metadata"]["labels"].strings
      checkLabels(podLabels, "\(file) pod template")
      let selector = deployment["spec"]["selector"]["matchLabels"].strings
      #expect(Set(selector.keys) == DeploymentFiles.selectorLabels, "\(file): \(selector)")
      #expect(selector.allSatisfy { podLabels[$0.key] == $0.value }, "\(file): \(selector)")
      #expect(service["spec"]["selector"].strings == selector, "the Service selects \(file)'s pods")
    }
  }

  @Test("No pod gets a Kubernetes API token: its ServiceAccount and pod specs say so")
  func noServiceAccountToken() async throws {
    let manifests = try await K8sManifests.load()
    let account = try manifests.document("serviceaccount.yaml")
    #expect(account["kind"].string == "ServiceAccount")
    #expect(account["automountServiceAccountToken"].bool == false, "\(account)")
    for file in DeploymentFiles.deployments {
      let pod = try manifests.document(file).podSpec
      #expect(pod["serviceAccountName"].string == account["metadata"]["name"].string, "\(file)")
      #expect(pod["automountServiceAccountToken"].bool == false, "\(file)")
    }
  }

  @Test("Kong reaches the Service by its DNS name in its namespace")
  func kongHost() async throws {
    let manifests = try await K8sManifests.load()
    let service = try manifests.document("service.yaml")
    let kong = try manifests.document("kong.yaml")
    let chat = try #require(kong["services"].array.first { $0["name"].string == "chat-server" })
    let name = try #require(service["metadata"]["name"].string)
    let namespace = try #require(service["metadata"]["namespace"].string)
    #expect(chat["host"].string == "\(name).\(namespace).svc.cluster.local")
  }

  /// An image reference's repository, tag and digest.
  static func split(image: String) -> (repository: String, tag: String?, digest: String?) {
    var rest = Substring(image)
    var digest: String?
    if let at = rest.firstIndex(of: "@") {
      digest = String(rest[rest.index(after: at)...])
      rest = rest[..<at]
    }
    let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
    if let colon = rest[lastSlash...].lastIndex(of: ":") {
      return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]), digest)
    }
    return (String(rest), nil, digest)
  }
}
