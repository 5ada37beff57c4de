public import GRPCKit
import ProtobufWellKnownTypes

/// gRPC server reflection, in both protocol versions: `grpc.reflection.v1.ServerReflection` and
/// `grpc.reflection.v1alpha.ServerReflection` (which grpcurl 1.8 speaks). Clients such as
/// `grpcurl` list the services and fetch the `.proto` descriptors they need, so that they can
/// call a server without the `.proto` files.
///
/// The service answers from the `FileDescriptorProto`s the generator embeds in every generated
/// file (`ChatProto.fileDescriptor`, ...): `file_by_filename` and `file_containing_symbol`
/// (messages, enums and their values, fields, oneofs, services, methods) answer with the file
/// followed by its dependencies, transitively, each file sent once per stream as grpc-go does.
/// Unknown names, and extensions (none are served), get an `error_response` with `NOT_FOUND`.
///
/// Every instance also serves the reflection protocols' own files and the well-known types'
/// (``fileDescriptors``), so a message with a `google.protobuf.Timestamp` field can be described
/// without listing `timestamp.proto`.
///
/// ```swift
/// let reflection = ReflectionService(
///   files: [ChatProto.fileDescriptor, HealthService.fileDescriptor],
///   services: [chat, health]
/// )
/// let server = GRPCServer(transport: transport, services: [chat, health, reflection])
/// ```
public final class ReflectionService: RegistrableRPCService {
  /// The full names of the two reflection services.
  public static let serviceNames = [
    Grpc_Reflection_V1_ServerReflection.descriptor.fullName,
    Grpc_Reflection_V1alpha_ServerReflection.descriptor.fullName,
  ]

  /// The descriptors every instance serves: the two reflection protocols' own files and the
  /// seven well-known types' (`google/protobuf/timestamp.proto`, ...), which the files of
  /// services that use those types depend on.
  public static let fileDescriptors =
    [
      Grpc_Reflection_V1_ReflectionProto.fileDescriptor,
      Grpc_Reflection_V1alpha_ReflectionProto.fileDescriptor,
    ] + WellKnownTypes.fileDescriptors

  private let index: DescriptorIndex

  /// Creates the service, listing exactly `serviceNames`.
  ///
  /// - Parameters:
  ///   - files: The files to serve, dependencies included; ``fileDescriptors`` are added.
  ///   - serviceNames: What `list_services` answers.
  public init(files: [ProtobufFileDescriptor], serviceNames: [String]) {
    self.index = DescriptorIndex(files: files + Self.fileDescriptors, serviceNames: serviceNames)
  }

  /// Creates the service, listing the services of `services` and the reflection services.
  ///
  /// - Parameters:
  ///   - files: The files to serve, dependencies included; ``fileDescriptors`` are added.
  ///   - services: The other services the server registers.
  public convenience init(files: [ProtobufFileDescriptor], services: [any RegistrableRPCService]) {
    var router = RPCRouter()
    for service in services { service.registerMethods(with: &router) }
    self.init(files: files, serviceNames: router.serviceNames + Self.serviceNames)
  }

  /// The names `list_services` answers, sorted.
  public var listedServiceNames: [String] { self.index.serviceNames }

  /// Registers both versions' `ServerReflectionInfo` methods.
  public func registerMethods(with router: inout RPCRouter) {
    router.registerMethods(of: ServerReflectionV1(index: self.index))
    router.registerMethods(of: ServerReflectionV1alpha(index: self.index))
  }
}
