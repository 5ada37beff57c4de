/// Codecs generated at build time from shop/v1/*.proto by ProtobufCodeGenPlugin.
@_exported public import ProtobufRuntime
