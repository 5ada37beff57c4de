import GRPCKit
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension TransportSecurity.PeerCertificate {
  /// The subject and alternative names of `certificate`.
  init(_ certificate: NIOSSLCertificate) {
    self.init(
      subject: Self.distinguishedName(certificate.subjectName),
      subjectAlternativeNames: certificate._subjectAlternativeNames().compactMap(Self.alternativeName))
  }

  /// RFC 4514: the most specific attribute first, special characters escaped. NIOSSL names the
  /// attribute types below; others are left out.
  static func distinguishedName(_ names: [SSLCertificateName]) -> String {
    names.reversed().compactMap { name -> String? in
      guard let type = Self.attributeType(name.type) else { return nil }
      return "\(type)=\(Self.escape(name.value))"
    }.joined(separator: ",")
  }

  private static func attributeType(_ type: SSLCertificateNameType) -> String? {
    switch type {
    case .commonName: return "CN"
    case .organizationalUnit: return "OU"
    case .organization: return "O"
    case .city: return "L"
    case .state: return "ST"
    case .country: return "C"
    case .userId: return "UID"
    case .emailAddress: return "emailAddress"
    default: return nil
    }
  }

  /// Escapes an attribute value as RFC 4514 section 2.4 requires.
  static func escape(_ value: String) -> String {
    var escaped = ""
    let characters = Array(value)
    for (index, character) in characters.enumerated() {
      let special = ",+\"\\<>;".contains(character)
      let leading = index == 0 && (character == " " || character == "#")
      let trailing = index == characters.count - 1 && character == " "
      if special || leading || trailing { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }

  private static func alternativeName(_ name: _SubjectAlternativeName) -> TransportSecurity.SubjectAlternativeName? {
    let bytes = Array(name.contents)
    switch name.nameType {
    case .dnsName: return .dnsName(String(decoding: bytes, as: UTF8.self))
    case .uri: return .uri(String(decoding: bytes, as: UTF8.self))
    case .email: return .email(String(decoding: bytes, as: UTF8.self))
    case .ipAddress: return Self.ipAddressText(bytes).map { .ipAddress($0) }
    default: return nil
    }
  }

  /// `10.0.0.7` or `2001:db8::1` for the 4 or 16 bytes of an IP address name.
  static func ipAddressText(_ bytes: [UInt8]) -> String? {
    let family: Int32
    switch bytes.count {
    case 4: family = AF_INET
    case 16: family = AF_INET6
    default: return nil
    }
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    let converted = bytes.withUnsafeBytes { source in
      text.withUnsafeMutableBufferPointer { inet_ntop(family, source.baseAddress, $0.baseAddress, socklen_t($0.count)) }
    }
    guard converted != nil else { return nil }
    return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
