import CZlib
import GRPCKit

/// The zlib settings of the gRPC message encodings.
enum Zlib {
  /// `windowBits` for `deflateInit2` / `inflateInit2`: 31 is a 32 KiB window in the gzip format
  /// (RFC 1952), 15 the same window in the zlib format (RFC 1950, gRPC's `deflate`); `nil` for
  /// encodings zlib does not implement.
  static func windowBits(for algorithm: CompressionAlgorithm) -> Int32? {
    switch algorithm {
    case .gzip: return 31
    case .deflate: return 15
    default: return nil
    }
  }

  /// A new, zeroed `z_stream` (zlib's default allocator).
  static func allocateStream() -> UnsafeMutablePointer<z_stream> {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    return stream
  }

  /// zlib's description of the last error on `stream`, or the return code's name.
  static func describe(_ code: Int32, _ stream: UnsafeMutablePointer<z_stream>) -> String {
    if let message = stream.pointee.msg {
      return "\(String(cString: message)) (zlib error \(code))"
    }
    switch code {
    case Z_DATA_ERROR: return "invalid compressed data (zlib error \(code))"
    case Z_NEED_DICT: return "a preset dictionary is required (zlib error \(code))"
    case Z_MEM_ERROR: return "out of memory (zlib error \(code))"
    default: return "zlib error \(code)"
    }
  }
}
