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

  /// Whether the code is for the module that declares the well-known types
  /// (``WellKnownProtos/moduleName``). Otherwise, which is the default, a well-known file
  /// (`google/protobuf/timestamp.proto`) gets no declarations, only a comment that points to
  /// that module, and files whose fields or methods use its types import the module.
  public var generatesWellKnownTypes: Bool

  /// - Parameters:
  ///   - visibility: The access level of generated declarations; `public` by default.
  ///   - generatesServiceStubs: Whether services get a server protocol and a client; `true` by
  ///     default.
  ///   - generatesWellKnownTypes: Whether the well-known files are generated in full, for the
  ///     module that declares them; `false` by default.
  public init(
    visibility: Visibility = .public,
    generatesServiceStubs: Bool = true,
    generatesWellKnownTypes: Bool = false
  ) {
    self.visibility = visibility
    self.generatesServiceStubs = generatesServiceStubs
    self.generatesWellKnownTypes = generatesWellKnownTypes
  }
}
