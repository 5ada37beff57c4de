extension Google_Protobuf_Any {
  /// The type URL prefix of packed messages unless another is given: `type.googleapis.com`.
  public static let defaultTypeURLPrefix = "type.googleapis.com"

  /// An `Any` that holds `message`: its type URL is the prefix, `/` and the message's full proto
  /// name, its value the message's encoding.
  ///
  /// ```swift
  /// let any = Google_Protobuf_Any(packing: ChatMessage(user: "ada", message: "hi"))
  /// // any.typeUrl == "type.googleapis.com/ChatMessage"
  /// ```
  ///
  /// - Parameters:
  ///   - message: The message to hold.
  ///   - typeURLPrefix: What comes before the `/` and the type name; a trailing `/` is not
  ///     doubled.
  public init<Message: ProtobufMessage>(
    packing message: Message,
    typeURLPrefix: String = defaultTypeURLPrefix
  ) {
    let prefix = typeURLPrefix.hasSuffix("/") ? String(typeURLPrefix.dropLast()) : typeURLPrefix
    self.init(
      typeUrl: prefix + "/" + Message.protoMessageName,
      value: message.serializedBytes()
    )
  }

  /// The full proto name the type URL ends with: what follows its last `/`, or `nil` when it
  /// has no `/`.
  public var typeName: String? {
    guard let slash = typeUrl.lastIndex(of: "/") else { return nil }
    return String(typeUrl[typeUrl.index(after: slash)...])
  }

  /// Whether this `Any` holds a `Message`: its type URL ends with `/` and the message's full
  /// proto name (whatever the prefix).
  ///
  /// ```swift
  /// if any.is(Google_Protobuf_Timestamp.self) { ... }
  /// ```
  public func `is`<Message: ProtobufMessage>(_ type: Message.Type) -> Bool {
    typeName == Message.protoMessageName
  }

  /// The message this `Any` holds, decoded as `Message` once its type URL says it is one.
  ///
  /// ```swift
  /// let sent = try any.unpack(Google_Protobuf_Timestamp.self)
  /// ```
  ///
  /// - Parameters:
  ///   - type: The message type the type URL must name.
  ///   - options: Decoding limits for the value.
  /// - Returns: The decoded message.
  /// - Throws: ``WellKnownTypeError`` with ``WellKnownTypeError/Code/invalidTypeURL`` when the
  ///   type URL has no `/`, ``WellKnownTypeError/Code/typeMismatch`` when it names another type,
  ///   and ``WellKnownTypeError/Code/malformedValue`` when the value does not decode.
  public func unpack<Message: ProtobufMessage>(
    _ type: Message.Type = Message.self,
    options: ProtobufDecodingOptions = ProtobufDecodingOptions()
  ) throws(WellKnownTypeError) -> Message {
    guard let typeName else {
      throw WellKnownTypeError(
        .invalidTypeURL,
        "type URL \"\(typeUrl)\" has no \"/\"; it must end with \"/\" and the full type name"
      )
    }
    guard typeName == Message.protoMessageName else {
      throw WellKnownTypeError(
        .typeMismatch,
        "Any holds \"\(typeName)\" (type URL \"\(typeUrl)\"), not \"\(Message.protoMessageName)\""
      )
    }
    do throws(WireDecodingError) {
      return try Message(serializedBytes: value, options: options)
    } catch {
      throw WellKnownTypeError(
        .malformedValue,
        "Any's value is not a valid \"\(typeName)\": \(error)"
      )
    }
  }
}
