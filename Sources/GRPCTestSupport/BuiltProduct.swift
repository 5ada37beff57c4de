import Foundation
import GRPCKit

/// A product of this package (`chat-client`, `chat-server`) next to the test bundle (both are
/// build products), or the path in `$<NAME>_BINARY` (for example `CHAT_SERVER_BINARY`).
///
/// - Parameter name: The executable's name.
/// - Returns: Its path.
/// - Throws: `RPCError` `NOT_FOUND` saying how to build it.
public func builtProduct(_ name: String) throws -> String {
  let variable = name.uppercased().replacingOccurrences(of: "-", with: "_") + "_BINARY"
  if let path = ProcessInfo.processInfo.environment[variable] { return path }
  var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent()
  for _ in 0 ..< 4 {
    let candidate = directory.appendingPathComponent(name)
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
    directory.deleteLastPathComponent()
  }
  throw RPCError(
    code: .notFound,
    message:
      "\(name) is not next to the test bundle; build it (swift build --build-tests) "
        + "or set \(variable)"
  )
}
