/// An interceptor and the calls it applies to: every call, the calls of some services, or of
/// some methods.
///
/// ```swift
/// let server = GRPCServer(
///   transport: transport,
///   services: [EchoService(), HealthService()],
///   interceptorPipeline: [
///     .apply(LoggingServerInterceptor(logger: logger), to: .all),
///     .apply(BearerTokenInterceptor(isValid: tokens.contains), to: .services([Echo_Echo.descriptor])),
///   ])
/// ```
public struct ConditionalInterceptor<Interceptor: Sendable>: Sendable {
  /// The calls an interceptor applies to.
  public struct Subject: Sendable, Hashable {
    private enum Wrapped: Hashable {
      case all
      case services(Set<String>)
      case methods(Set<String>)
    }
    private let wrapped: Wrapped

    /// Every call.
    public static var all: Subject { Subject(wrapped: .all) }

    /// The calls of every method of these services.
    ///
    /// - Parameter services: The services' descriptors (generated: `Echo_Echo.descriptor`).
    public static func services(_ services: [ProtobufServiceDescriptor]) -> Subject {
      Subject(wrapped: .services(Set(services.map(\.fullName))))
    }

    /// The calls of these methods.
    ///
    /// - Parameter methods: The methods' descriptors (generated: `Echo_Echo.Method.get`).
    public static func methods(_ methods: [ProtobufMethodDescriptor]) -> Subject {
      Subject(wrapped: .methods(Set(methods.map(\.path))))
    }

    /// True when calls of `method` are in the subject.
    ///
    /// - Parameter method: A method.
    public func applies(to method: ProtobufMethodDescriptor) -> Bool {
      switch self.wrapped {
      case .all: return true
      case .services(let names): return names.contains(method.serviceName)
      case .methods(let paths): return paths.contains(method.path)
      }
    }

    /// True when the subject is every call.
    var isAll: Bool { self.wrapped == .all }
  }

  /// The interceptor.
  public let interceptor: Interceptor
  /// The calls it applies to.
  public let subject: Subject

  fileprivate init(interceptor: Interceptor, subject: Subject) {
    self.interceptor = interceptor
    self.subject = subject
  }
}

extension ConditionalInterceptor where Interceptor == any ServerInterceptor {
  /// A server interceptor for the calls of `subject`.
  ///
  /// - Parameters:
  ///   - interceptor: The interceptor.
  ///   - subject: The calls it applies to.
  public static func apply(_ interceptor: any ServerInterceptor, to subject: Subject) -> Self {
    Self(interceptor: interceptor, subject: subject)
  }
}

extension ConditionalInterceptor where Interceptor == any ClientInterceptor {
  /// A client interceptor for the calls of `subject`.
  ///
  /// - Parameters:
  ///   - interceptor: The interceptor.
  ///   - subject: The calls it applies to.
  public static func apply(_ interceptor: any ClientInterceptor, to subject: Subject) -> Self {
    Self(interceptor: interceptor, subject: subject)
  }
}
