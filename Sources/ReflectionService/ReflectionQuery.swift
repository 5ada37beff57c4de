import GRPCKit

/// One reflection request, independent of the protocol version it came in.
enum ReflectionQuery: Hashable, Sendable {
  case fileByFilename(String)
  case fileContainingSymbol(String)
  case fileContainingExtension(containingType: String, number: Int32)
  case allExtensionNumbersOfType(String)
  case listServices
}

/// The answer to one ``ReflectionQuery``, independent of the protocol version.
enum ReflectionAnswer: Hashable, Sendable {
  case fileDescriptors([[UInt8]])
  case extensionNumbers(baseTypeName: String, numbers: [Int32])
  case serviceNames([String])
  case error(Status.Code, String)
}
