import ProtobufCodeGen
import Testing

@Suite("File descriptors")
struct FileDescriptorTests {
  @Test("Descriptor matches protoc's field by field", arguments: DescriptorFixture.all)
  func descriptorMatchesProtoc(_ fixture: DescriptorFixture) throws {
    let expected = try fixture.protocDescriptor()
    let actual = try DescriptorTree(decoding: try fixture.encodedDescriptor(), as: .file)
    let differences = DescriptorTree.differences(
      expected: expected,
      actual: actual,
      schema: .file,
      path: "file[\(fixture.path)]"
    )
    #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
  }

  @Test("Descriptor is byte for byte protoc's", arguments: DescriptorFixture.all)
  func descriptorBytesMatchProtoc(_ fixture: DescriptorFixture) throws {
    #expect(try fixture.encodedDescriptor() == fixture.protocDescriptorBytes())
  }

  @Test("Every proto under Protos and the descriptor fixture are compared with protoc")
  func everyProtoIsCompared() {
    let compared = Set(DescriptorFixture.all.map(\.path))
    for path in [
      "chat.proto", "grpc/health/v1/health.proto", "grpc/reflection/v1/reflection.proto",
      "grpc/reflection/v1alpha/reflection.proto", "descriptor_features.proto",
      "well_known_user.proto",
    ] + WellKnownProtosTests.names {
      #expect(compared.contains(path), "\(path) is not among the compared files")
    }
  }

  @Test("Custom options are left out of the descriptor")
  func customOptionsAreLeftOut() throws {
    let location = SourceLocation(file: "custom.proto", line: 1, column: 1)
    let file = ProtoFile(
      name: "custom.proto",
      options: [ProtoOption(name: "(my.option).value", value: .integer(1), location: location)]
    )
    let tree = try DescriptorTree(decoding: FileDescriptorEncoder.encode(file), as: .file)
    #expect(tree.fields[8] == nil)
    #expect(tree.string(1) == "custom.proto")
  }
}
