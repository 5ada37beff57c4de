import ProtobufRuntime

// libFuzzer target: protobuf decoding of `RichMessage` (every field kind: scalars, packed and
// unpacked repeated fields, maps, a oneof, nested messages, enums, unknown fields).
//
// Rules checked for every input: decoding either succeeds or throws (never traps); a message that
// decoded re-encodes to exactly `encodedSize()` bytes, and those bytes decode to an equal message
// (decode(encode(x)) == x) whose own encoding has the same size.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtobufDecoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = Array(UnsafeBufferPointer(start: data, count: size))
  let message: ProtobufTest_RichMessage
  do {
    message = try ProtobufTest_RichMessage(serializedBytes: input)
  } catch {
    return 0
  }
  let encoded = message.serializedBytes()
  precondition(
    encoded.count == message.encodedSize(),
    "encodedSize() is \(message.encodedSize()) but the encoding has \(encoded.count) bytes")
  let again: ProtobufTest_RichMessage
  do {
    again = try ProtobufTest_RichMessage(serializedBytes: encoded)
  } catch {
    fatalError("the encoding of a decoded message does not decode: \(error)")
  }
  // A NaN double or float makes two equal decodings unequal (`message == message` does not
  // show it: arrays compare their own storage as equal). A message whose description holds
  // "nan" is compared by size only.
  if !String(describing: message).contains("nan") {
    precondition(again == message, "decode(encode(x)) != x")
  }
  precondition(again.encodedSize() == encoded.count, "decode(encode(x)) encodes to another size")
  return 0
}
