/// Percent-encoding of `grpc-message`: bytes outside printable ASCII (0x20...0x7E) and `%` are
/// sent as `%XX` of their UTF-8 bytes.
package enum StatusMessageEncoding {
  private static let hex = Array("0123456789ABCDEF".utf8)

  package static func encode(_ message: String) -> String {
    let utf8 = message.utf8
    if utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E && $0 != UInt8(ascii: "%") }) { return message }
    var out = [UInt8]()
    out.reserveCapacity(utf8.count * 3)
    for byte in utf8 {
      if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
        out.append(byte)
      } else {
        out.append(UInt8(ascii: "%"))
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0x0F)])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes `%XX` sequences; malformed sequences are kept as they are (the spec asks receivers
  /// not to fail on them), and invalid UTF-8 is repaired.
  package static func decode(_ value: String) -> String {
    guard value.utf8.contains(UInt8(ascii: "%")) else { return value }
    let bytes = Array(value.utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
        let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
      {
        out.append(high << 4 | low)
        index += 3
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexValue(_ char: UInt8) -> UInt8? {
    switch char {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
