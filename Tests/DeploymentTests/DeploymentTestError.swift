/// Why a deployment test could not do its work: a missing tool, a config that no longer has the
/// value the tests rewrite, a process that did not start. The message names the cause and, for a
/// missing tool, the command that installs it.
struct DeploymentTestError: Error, CustomStringConvertible {
  var message: String

  init(_ message: String) {
    self.message = message
  }

  var description: String { self.message }
}
