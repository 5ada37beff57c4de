import Foundation

/// A committed config file of `k8s/` with some of its literal values replaced for a test run.
///
/// The committed files keep these values exactly as written (their header comments say which);
/// a replacement that finds nothing fails, so a config and its test cannot drift apart silently.
enum ConfigTemplate {
  /// Writes `k8s/<file>` with `replacements` applied to `directory/<file>`.
  ///
  /// - Parameters:
  ///   - file: The file name under `k8s/`.
  ///   - replacements: Each literal value and what replaces it (every occurrence).
  ///   - directory: Where the rewritten file goes.
  /// - Returns: The rewritten file's path.
  /// - Throws: ``DeploymentTestError`` when a value is not in the file.
  static func render(
    _ file: String,
    replacing replacements: [(value: String, replacement: String)],
    into directory: URL
  ) throws -> String {
    var text = try String(
      contentsOf: RepositoryLayout.k8s.appendingPathComponent(file),
      encoding: .utf8
    )
    for (value, replacement) in replacements {
      guard text.contains(value) else {
        throw DeploymentTestError(
          "k8s/\(file) no longer contains \"\(value)\", which the tests rewrite"
        )
      }
      text = text.replacingOccurrences(of: value, with: replacement)
    }
    let path = directory.appendingPathComponent(file).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}
