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
    "backendconfig.yaml", "cloudrun-service-redis.yaml", "cloudrun-service.yaml",
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

  @Test("All YAML under k8s/ passes yamllint with the committed configuration")
  func yamlPassesYamllint() async throws {
    let result = try await CommandResult.run(
      .yamllint,
      ["--strict", "-c", "k8s/.yamllint.yaml", "k8s/"]
    )
    #expect(result.succeeded, "\(result)")
  }
}
