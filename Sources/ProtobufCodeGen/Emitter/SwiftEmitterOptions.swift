/// Choices that change the generated Swift code.
public struct SwiftEmitterOptions: Hashable, Sendable {
  /// The access level of every generated declaration and of the module imports.
  public enum Visibility: String, Hashable, Sendable, CaseIterable {
    case `public`
    case `package`
    case `internal`
  }

  public var visibility: Visibility

  /// Whether each service also gets a `ServiceProtocol` for servers and a `Client` struct, which
  /// need the `GRPCKit` module. Without them a service keeps only its descriptors, and the file
  /// imports only `ProtobufRuntime`.
  public var generatesServiceStubs: Bool

  /// - Parameters:
  ///   - visibility: The access level of generated declarations; `public` by default.
  ///   - generatesServiceStubs: Whether services get a server protocol and a client; `true` by
  ///     default.
  public init(visibility: Visibility = .public, generatesServiceStubs: Bool = true) {
    self.visibility = visibility
    self.generatesServiceStubs = generatesServiceStubs
  }
}
