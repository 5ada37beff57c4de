import CZlib
import Foundation
public import GRPCKit

/// Builds a compressed message of zeros — a "zip bomb" — without holding the zeros: 100 MiB
/// compress to about 100 KB.
public enum CompressedZeros {
  /// 100 MiB of zeros in gzip (about 100 KB), built once per process.
  public static let gzipBomb = make(count: 100 << 20, algorithm: .gzip)
  /// 100 MiB of zeros in deflate (about 100 KB), built once per process.
  public static let deflateBomb = make(count: 100 << 20, algorithm: .deflate)

  /// The 100 MiB bomb of `algorithm` (`.gzip` or `.deflate`).
  public static func bomb(_ algorithm: CompressionAlgorithm) -> [UInt8] {
    algorithm == .deflate ? deflateBomb : gzipBomb
  }

  /// Writes the 100 MiB bomb of `algorithm` to a new temporary file, for a peer process.
  ///
  /// - Returns: The file's path; the caller removes it.
  public static func writeBomb(_ algorithm: CompressionAlgorithm) throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("zip-bomb-\(algorithm.name)-\(UUID().uuidString)").path
    try Data(bomb(algorithm)).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// `count` zero bytes compressed as one gzip (`.gzip`) or zlib (`.deflate`) stream.
  ///
  /// - Parameters:
  ///   - count: How many zeros the data decompresses to.
  ///   - algorithm: `.gzip` or `.deflate`.
  /// - Returns: The compressed bytes, without a gRPC prefix.
  public static func make(count: Int, algorithm: CompressionAlgorithm) -> [UInt8] {
    var stream = z_stream()
    let windowBits: Int32 = algorithm == .deflate ? 15 : 31
    // Run-length strategy: for zeros as small as the best level (~1:1000) and three times faster.
    precondition(CZlib_deflateInit2(&stream, 9, windowBits, Z_RLE) == Z_OK, "deflateInit2 failed")
    defer { deflateEnd(&stream) }
    let zeros = [UInt8](repeating: 0, count: 1 << 20)
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 << 10)
    var remaining = count
    var code = Z_OK
    while code != Z_STREAM_END {
      let step = min(remaining, zeros.count)
      remaining -= step
      let flush = remaining == 0 ? Z_FINISH : Z_NO_FLUSH
      zeros.withUnsafeBufferPointer { input in
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(step)
        repeat {
          chunk.withUnsafeMutableBufferPointer { out in
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            code = deflate(&stream, flush)
            output.append(contentsOf: out[0 ..< (out.count - Int(stream.avail_out))])
          }
        } while stream.avail_out == 0 || (flush == Z_FINISH && code != Z_STREAM_END)
      }
    }
    return output
  }
}
