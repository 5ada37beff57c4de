import Foundation
import GRPCTestSupport

/// What a program that ran to its end printed, and how it ended.
struct CommandResult: Sendable, CustomStringConvertible {
  /// The command line, for messages.
  var commandLine: String
  /// How it ended.
  var status: ExternalProcess.ExitStatus
  /// Its standard output.
  var output: String
  /// Its standard error.
  var errorOutput: String

  /// Whether it exited with code 0.
  var succeeded: Bool { self.status == .exited(0) }

  var description: String {
    """
    \(self.commandLine): \(self.status)
    --- stdout
    \(self.output)
    --- stderr
    \(self.errorOutput)
    """
  }

  /// Runs `tool` with `arguments` in the repository root until it exits.
  ///
  /// - Parameters:
  ///   - tool: The program (found on `PATH`, or the test fails naming its install).
  ///   - arguments: Its arguments.
  ///   - timeout: The bound on the whole run.
  /// - Returns: Its output and exit status.
  /// - Throws: ``DeploymentTestError`` for a missing tool, ``ExternalProcessError`` when it does
  ///   not start or not finish in time.
  static func run(
    _ tool: RequiredTool,
    _ arguments: [String],
    timeout: Duration = .seconds(60)
  ) async throws -> CommandResult {
    let process = try ExternalProcess(
      executable: try tool.path(),
      arguments: arguments,
      workingDirectory: RepositoryLayout.root.path
    )
    let deadline = ContinuousClock.now.advanced(by: timeout)
    var lines: [String] = []
    do {
      while let line = try await process.nextLine(timeout: deadline - ContinuousClock.now) {
        lines.append(line)
      }
      let status = try await process.waitForExit(
        timeout: max(deadline - ContinuousClock.now, .seconds(1))
      )
      return CommandResult(
        commandLine: process.commandLine,
        status: status,
        output: lines.joined(separator: "\n"),
        errorOutput: process.standardErrorText
      )
    } catch {
      process.kill()
      throw error
    }
  }
}
