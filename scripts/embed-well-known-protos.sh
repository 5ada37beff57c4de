#!/usr/bin/env bash
# Copies Protos/google/protobuf/{any,duration,empty,field_mask,struct,timestamp,wrappers}.proto into
# Sources/ProtobufCodeGen/WellKnownTypes/ as Swift raw string literals, so that protobuf-codegen
# resolves imports of the well-known types with no import path. Run it after changing one of those
# files; WellKnownProtosTests fails until the embedded text matches Protos/ byte for byte.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

output=Sources/ProtobufCodeGen/WellKnownTypes
for stem in any duration empty field_mask struct timestamp wrappers; do
  source="Protos/google/protobuf/$stem.proto"
  # field_mask → FieldMask (type-name part), fieldMask (property part).
  camel=$(sed -E 's/(^|_)([a-z])/\U\2/g' <<<"$stem")
  property="$(tr '[:upper:]' '[:lower:]' <<<"${camel:0:1}")${camel:1}Source"
  if grep -qF '"""#' "$source"; then
    echo "embed-well-known-protos: $source contains \"\"\"#, which would end the raw string" >&2
    exit 1
  fi
  {
    echo "// DO NOT EDIT: written by scripts/embed-well-known-protos.sh from $source."
    echo
    echo "extension WellKnownProtos {"
    echo "  /// The text of \`google/protobuf/$stem.proto\`, byte for byte."
    echo "  static let $property = #\"\"\""
    cat "$source"
    echo
    echo "\"\"\"#"
    echo "}"
  } >"$output/WellKnownProtos+$camel.swift"
done
echo "embed-well-known-protos: wrote $output/WellKnownProtos+*.swift"
