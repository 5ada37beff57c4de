/// Choices that change the generated Swift code.
public struct SwiftEmitterOptions: Hashable, Sendable {
  /// The access level of every generated declaration and of the `ProtobufRuntime` import.
  public enum Visibility: String, Hashable, Sendable, CaseIterable {
    case `public`
    case `package`
    case `internal`
  }

  public var visibility: Visibility

  /// - Parameter visibility: The access level of generated declarations; `public` by default.
  public init(visibility: Visibility = .public) {
    self.visibility = visibility
  }
}
