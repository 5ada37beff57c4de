extension FileDescriptorEncoder {
  /// An `EnumDescriptorProto`.
  static func encode(_ enumeration: ProtoEnum) -> DescriptorWriter {
    var writer = DescriptorWriter()
    writer.writeString(enumeration.name, number: 1)
    for value in enumeration.values {
      var valueWriter = DescriptorWriter()
      valueWriter.writeString(value.name, number: 1)
      valueWriter.writeInt32(value.number, number: 2)
      if let options = DescriptorOptionSchema.enumValue.encode(value.options) {
        valueWriter.writeMessage(options, number: 3)
      }
      writer.writeMessage(valueWriter, number: 2)
    }
    if let options = DescriptorOptionSchema.enumeration.encode(enumeration.options) {
      writer.writeMessage(options, number: 3)
    }
    for range in enumeration.reservedRanges {
      // Unlike message ranges, enum ranges are end-inclusive in descriptors.
      var rangeWriter = DescriptorWriter()
      rangeWriter.writeInt32(range.lowerBound, number: 1)
      rangeWriter.writeInt32(range.upperBound, number: 2)
      writer.writeMessage(rangeWriter, number: 4)
    }
    for name in enumeration.reservedNames {
      writer.writeString(name, number: 5)
    }
    return writer
  }
}
