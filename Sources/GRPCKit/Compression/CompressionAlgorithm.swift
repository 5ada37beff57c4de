/// A message compression algorithm named in `grpc-encoding` and `grpc-accept-encoding`.
///
/// ```swift
/// let options = CallOptions(compression: .gzip)
/// ```
public struct CompressionAlgorithm: Sendable, Hashable, CustomStringConvertible {
  /// The name on the wire, for example `gzip`.
  public let name: String

  private init(name: String) {
    self.name = name
  }

  /// No compression.
  public static let identity = CompressionAlgorithm(name: "identity")
  /// gzip (RFC 1952).
  public static let gzip = CompressionAlgorithm(name: "gzip")
  /// deflate: the zlib format (RFC 1950).
  public static let deflate = CompressionAlgorithm(name: "deflate")

  /// Every algorithm this library implements, in order of preference.
  public static let supported: [CompressionAlgorithm] = [.gzip, .deflate, .identity]

  /// The algorithm named `name`, if this library implements it.
  public init?(named name: String) {
    guard let algorithm = Self.supported.first(where: { $0.name == name }) else { return nil }
    self = algorithm
  }

  public var description: String { self.name }
}
