package import GRPCKit

extension CompressionAlgorithm {
  /// The `grpc-accept-encoding` value for `enabled` algorithms: them, then identity
  /// (for example `gzip,deflate,identity`).
  package static func acceptEncoding(_ enabled: [CompressionAlgorithm]) -> String {
    (enabled.filter { $0 != .identity } + [.identity]).map(\.name).joined(separator: ",")
  }

  /// The algorithms this library implements among those named in a `grpc-accept-encoding`
  /// value; unknown names are skipped.
  package static func parseAcceptEncoding(_ value: String?) -> [CompressionAlgorithm] {
    guard let value else { return [] }
    return value.split(separator: ",").compactMap { part in
      var name = part[...]
      while name.first == " " || name.first == "\t" { name = name.dropFirst() }
      while name.last == " " || name.last == "\t" { name = name.dropLast() }
      return CompressionAlgorithm(named: String(name))
    }
  }
}
