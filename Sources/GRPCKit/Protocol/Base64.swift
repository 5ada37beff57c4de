/// Standard base64 for `-bin` metadata values. gRPC senders emit padded base64; receivers must
/// accept both padded and unpadded input.
package enum Base64 {
  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
  private static let decodeTable: [UInt8] = {
    var table = [UInt8](repeating: 0xFF, count: 256)
    for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
    table[Int(UInt8(ascii: "-"))] = 62  // URL-safe alphabet, accepted on input
    table[Int(UInt8(ascii: "_"))] = 63
    return table
  }()

  package static func encode(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index + 3 <= bytes.count {
      let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
      out.append(alphabet[Int(n >> 6 & 63)])
      out.append(alphabet[Int(n & 63)])
      index += 3
    }
    let rest = bytes.count - index
    if rest > 0 {
      var n = UInt32(bytes[index]) << 16
      if rest == 2 { n |= UInt32(bytes[index + 1]) << 8 }
      out.append(alphabet[Int(n >> 18 & 63)])
      out.append(alphabet[Int(n >> 12 & 63)])
      out.append(rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
      out.append(UInt8(ascii: "="))
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes padded or unpadded base64; returns nil for any other character.
  package static func decode(_ text: String) -> [UInt8]? {
    var out = [UInt8]()
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for char in text.utf8 {
      if char == UInt8(ascii: "=") { break }
      let value = decodeTable[Int(char)]
      if value == 0xFF { return nil }
      accumulator = accumulator << 6 | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    return out
  }
}
