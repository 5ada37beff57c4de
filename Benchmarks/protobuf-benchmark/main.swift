import ChatAPI
import ProtobufRuntime

#if canImport(Glibc)
  import Glibc
#endif

// Usage: protobuf-benchmark [--seconds S | --iterations N] [--only "MESSAGE OP"] [--write-inputs DIR]
// Prints one JSON line per (message, operation). --iterations runs a fixed count (for callgrind);
// --only runs one operation, e.g. "ChatMessage encode". With --write-inputs, also writes the encoded
// benchmark messages to DIR/chat.bin and DIR/rich.bin for the libprotobuf-c benchmark to unpack.

var length = CodecBenchmark.Length.duration(.seconds(2))
var only: String?
var inputDirectory: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--seconds": length = .duration(.milliseconds(Int((Double(arguments.popFirst() ?? "") ?? 2) * 1000)))
  case "--iterations": length = .iterations(Int(arguments.popFirst() ?? "") ?? 1)
  case "--only": only = arguments.popFirst()
  case "--write-inputs": inputDirectory = arguments.popFirst()
  default:
    print("usage: protobuf-benchmark [--seconds S | --iterations N] [--only \"MESSAGE OP\"] [--write-inputs DIR]")
    exit(2)
  }
}

func write(_ bytes: [UInt8], to path: String) {
  guard let file = fopen(path, "wb") else {
    print("protobuf-benchmark: cannot write \(path)")
    exit(1)
  }
  _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
  fclose(file)
}

func measure<M: ProtobufMessage>(_ label: String, _ message: M, length: CodecBenchmark.Length, only: String?) {
  let bytes = message.serializedBytes()
  let reusedBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
  defer { reusedBuffer.deallocate() }
  let operations: [(String, () -> Int)] = [
    // Size, then write into memory the caller owns (how a transport frames messages).
    (
      "encode",
      {
        let size = message.encodedSize()
        message.encode(into: UnsafeMutableRawBufferPointer(rebasing: reusedBuffer[..<size]))
        return size
      }
    ),
    // The convenience API: size, allocate a [UInt8], write.
    ("encode-new-array", { message.serializedBytes().count }),
    ("decode", { (try? M(serializedBytes: bytes)) == nil ? 0 : 1 }),
  ]
  for (operation, body) in operations where only == nil || only == "\(label) \(operation)" {
    let result = CodecBenchmark(length: length).run(body)
    print(
      #"{"impl":"swift","message":"\#(label)","op":"\#(operation)","bytes":\#(bytes.count),"#
        + #""ops_per_s":\#(Int(result.operationsPerSecond)),"checksum":\#(result.checksum)}"#
    )
  }
}

if let inputDirectory {
  write(BenchmarkMessages.chat.serializedBytes(), to: "\(inputDirectory)/chat.bin")
  write(BenchmarkMessages.rich.serializedBytes(), to: "\(inputDirectory)/rich.bin")
}
measure("ChatMessage", BenchmarkMessages.chat, length: length, only: only)
measure("RichMessage", BenchmarkMessages.rich, length: length, only: only)
