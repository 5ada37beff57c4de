import ChatAPI
import ProtobufRuntime

#if canImport(Glibc)
  import Glibc
#endif

// Usage: protobuf-benchmark [--seconds S] [--write-inputs DIR]
// Prints one JSON line per (message, operation). With --write-inputs, also writes the encoded
// benchmark messages to DIR/chat.bin and DIR/rich.bin for the libprotobuf-c benchmark to unpack.

var seconds = 2.0
var inputDirectory: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--seconds": seconds = Double(arguments.popFirst() ?? "") ?? seconds
  case "--write-inputs": inputDirectory = arguments.popFirst()
  default:
    print("usage: protobuf-benchmark [--seconds S] [--write-inputs DIR]")
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

func measure<M: ProtobufMessage>(_ label: String, _ message: M, seconds: Double) {
  let bytes = message.serializedBytes()
  let duration = Duration.milliseconds(Int(seconds * 1000))
  let encode = CodecBenchmark(name: "\(label) encode", duration: duration).run {
    message.serializedBytes().count
  }
  let decode = CodecBenchmark(name: "\(label) decode", duration: duration).run {
    (try? M(serializedBytes: bytes)) == nil ? 0 : 1
  }
  for (operation, result) in [("encode", encode), ("decode", decode)] {
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
measure("ChatMessage", BenchmarkMessages.chat, seconds: seconds)
measure("RichMessage", BenchmarkMessages.rich, seconds: seconds)
