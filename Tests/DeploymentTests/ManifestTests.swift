import Foundation
import Testing

/// The files under `k8s/` pass their validators: kubernetes-validate for the Kubernetes API's
/// kinds, the schemas of `k8s/schemas/` for what kubernetes-validate has no schema for, and
/// yamllint for all YAML.
@Suite("Deployment manifests")
struct ManifestTests {
  /// Kinds of the Kubernetes API, which kubernetes-validate --strict checks against its schemas.
  static let kubernetesManifests = [
    "deployment-redis.yaml", "deployment.yaml", "hpa.yaml", "ingress.yaml", "namespace.yaml",
    "networkpolicy.yaml", "pdb.yaml", "redis-secret.example.yaml", "service.yaml",
    "serviceaccount.yaml",
  ]
  /// Custom resources (GKE's BackendConfig, Cloud Run's Knative Service): kubernetes-validate
  /// only warns that it has no schema, so `k8s/schemas/validate.py` checks them.
  static let customResources = [
    "backendconfig.yaml", "cloudrun-service-redis.yaml", "cloudrun-service.yaml", "podmonitoring.yaml",
  ]
  /// YAML that is not a Kubernetes resource at all (Kong's declarative config).
  static let otherConfigurations = ["kong.yaml"]

  @Test("Every YAML file under k8s/ has a validator in these tests")
  func everyFileIsChecked() throws {
    let listed = Set(Self.kubernetesManifests + Self.customResources + Self.otherConfigurations)
    #expect(Set(try RepositoryLayout.k8sYAMLFiles()) == listed)
  }

  @Test("Kubernetes manifest passes kubernetes-validate --strict", arguments: kubernetesManifests)
  func kubernetesManifestPassesStrictValidation(file: String) async throws {
    let result = try await CommandResult.run(.kubernetesValidate, ["--strict", "k8s/\(file)"])
    #expect(result.succeeded, "\(result)")
    #expect(result.output.contains("INFO k8s/\(file) passed"), "\(result)")
  }

  @Test(
    "kubernetes-validate has no schema for a custom resource, so it cannot be the check",
    arguments: customResources
  )
  func customResourceIsUnknownToKubernetesValidate(file: String) async throws {
    // If this fails because a schema appeared, move the file to kubernetesManifests.
    let result = try await CommandResult.run(.kubernetesValidate, ["--strict", "k8s/\(file)"])
    #expect(result.succeeded, "\(result)")
    #expect(result.output.contains("Couldn't find schema"), "\(result)")
  }

  @Test(
    "Custom resource or Kong config passes its schema in k8s/schemas",
    arguments: customResources + otherConfigurations
  )
  func configurationPassesItsSchema(file: String) async throws {
    let result = try await CommandResult.run(.python3, ["k8s/schemas/validate.py", "k8s/\(file)"])
    #expect(result.succeeded, "\(result)")
    #expect(result.output.contains("k8s/\(file)[0]: passed"), "\(result)")
  }

  @Test("The Cloud Run schema refuses the mistakes Cloud Run would refuse at deploy time")
  func cloudRunSchemaRefusesMistakes() async throws {
    // Each mutation of cloudrun-service-redis.yaml must fail validate.py; the file itself passes.
    let script = #"""
      import contextlib, copy, io, json, os, sys, tempfile, yaml
      sys.path.insert(0, "k8s/schemas")
      import validate
      base = yaml.safe_load(open("k8s/cloudrun-service-redis.yaml"))
      annotations = lambda d: d["spec"]["template"]["metadata"]["annotations"]
      container = lambda d: d["spec"]["template"]["spec"]["containers"][0]
      interfaces = "run.googleapis.com/network-interfaces"
      mutations = {
          "unchanged": lambda d: None,
          "VPC egress with neither a network nor a connector":
              lambda d: annotations(d).pop(interfaces),
          "Direct VPC egress and a connector at once":
              lambda d: annotations(d).update({"run.googleapis.com/vpc-access-connector": "chat"}),
          "an unknown egress setting":
              lambda d: annotations(d).update({"run.googleapis.com/vpc-access-egress": "private"}),
          "network-interfaces that is not JSON":
              lambda d: annotations(d).update({interfaces: "[{network: default}]"}),
          "network-interfaces with neither network nor subnetwork":
              lambda d: annotations(d).update({interfaces: '[{"tags": ["chat"]}]'}),
          "maxScale that is not a number":
              lambda d: annotations(d).update({"autoscaling.knative.dev/maxScale": "ten"}),
          "REDIS_URL from a ConfigMap, which Cloud Run does not have":
              lambda d: container(d)["env"][0].update(
                  {"valueFrom": {"configMapKeyRef": {"name": "redis", "key": "url"}}}),
          "a secret version that is neither latest nor a number":
              lambda d: container(d)["env"][0]["valueFrom"]["secretKeyRef"].update({"key": "url"}),
          "a literal value beside the secret":
              lambda d: container(d)["env"][0].update({"value": "redis://10.0.0.3:6379"}),
          "a mount of a volume that is not declared":
              lambda d: container(d)["volumeMounts"][0].update({"name": "missing"}),
      }
      results = {}
      for name, mutate in mutations.items():
          document = copy.deepcopy(base)
          mutate(document)
          with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as file:
              yaml.safe_dump(document, file)
          with contextlib.redirect_stdout(io.StringIO()):
              results[name] = validate.check(file.name)
          os.unlink(file.name)
      print(json.dumps(results))
      """#
    let result = try await CommandResult.run(.python3, ["-c", script])
    #expect(result.succeeded, "\(result)")
    let failures = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: [String]],
      "\(result)"
    )
    #expect(failures.count == 11, "\(failures.keys.sorted())")
    for (mutation, messages) in failures.sorted(by: { $0.key < $1.key }) {
      if mutation == "unchanged" {
        #expect(messages.isEmpty, "\(messages)")
      } else {
        #expect(!messages.isEmpty, "validate.py accepted \(mutation)")
      }
    }
  }

  @Test("All YAML under k8s/ passes yamllint with the committed configuration")
  func yamlPassesYamllint() async throws {
    let result = try await CommandResult.run(
      .yamllint,
      ["--strict", "-c", "k8s/.yamllint.yaml", "k8s/"]
    )
    #expect(result.succeeded, "\(result)")
  }
}
