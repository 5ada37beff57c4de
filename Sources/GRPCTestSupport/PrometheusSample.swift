import Foundation

/// One sample of a Prometheus text exposition, as Python's `prometheus_client` parser reads it
/// (`prometheus_samples.py`): the tests check metrics through the reference parser, not through
/// the library that wrote them.
public struct PrometheusSample: Sendable, Hashable, CustomStringConvertible {
  /// The sample's name (`grpc_server_handled_total`, `…_bucket`, `…_count`).
  public var name: String
  /// Its labels.
  public var labels: [String: String]
  /// Its value.
  public var value: Double

  public init(name: String, labels: [String: String], value: Double) {
    self.name = name
    self.labels = labels
    self.value = value
  }

  public var description: String {
    let labels = self.labels.keys.sorted().map { "\($0)=\"\(self.labels[$0]!)\"" }
    return "\(self.name){\(labels.joined(separator: ","))} \(self.value)"
  }

  /// Parses `text` with `prometheus_client` and returns the samples whose name starts with one
  /// of `prefixes`.
  ///
  /// - Throws: ``ExternalProcessError`` when the parser rejects the text (its message says why).
  public static func parse(_ text: String, prefixes: [String]) async throws -> [PrometheusSample] {
    let process = try ExternalProcess.python(
      script: "prometheus_samples.py",
      arguments: prefixes.flatMap { ["--prefix", $0] }
    )
    try process.writeToStandardInput(text)
    process.closeStandardInput()
    return try await Self.samples(from: process)
  }

  /// Scrapes `url` (a `/metrics` endpoint) with `prometheus_client` and returns the samples whose
  /// name starts with one of `prefixes`.
  ///
  /// - Throws: ``ExternalProcessError`` when the scrape fails, the answer is not `text/plain`,
  ///   or the parser rejects it.
  public static func scrape(_ url: String, prefixes: [String]) async throws -> [PrometheusSample] {
    let process = try ExternalProcess.python(
      script: "prometheus_samples.py",
      arguments: ["--url", url] + prefixes.flatMap { ["--prefix", $0] }
    )
    return try await Self.samples(from: process)
  }

  private static func samples(from process: ExternalProcess) async throws -> [PrometheusSample] {
    let line = try await process.nextLine(timeout: .seconds(60))
    let status = try await process.waitForExit(timeout: .seconds(60))
    guard status == .exited(0), let line,
      let rows = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[Any]]
    else {
      throw ExternalProcessError(
        code: .unexpectedOutput,
        message: "prometheus_samples.py (\(status)): \(process.standardErrorText)"
      )
    }
    return rows.compactMap { row in
      guard row.count == 3, let name = row[0] as? String, let labels = row[1] as? [String: String],
        let value = (row[2] as? NSNumber)?.doubleValue
      else { return nil }
      return PrometheusSample(name: name, labels: labels, value: value)
    }
  }
}
