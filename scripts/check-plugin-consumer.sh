#!/usr/bin/env bash
# Proves the build plugin works from another package, as users apply it: builds and runs
# Examples/proto-consumer (its own protos, an import between them, a package prefix, and imports of
# the bundled well-known types google/protobuf/{any,timestamp}.proto that the package does not
# have), then checks that a broken .proto fails `swift build` with a file:line:column diagnostic.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../Examples/proto-consumer"

swift build
output=$(swift run inventory-demo)
echo "$output"
[[ $output == *"round trip of"*"ok; methods: /shop.v1.Inventory/GetItem (unary), /shop.v1.Inventory/WatchItems (serverStreaming)"* ]] || {
  echo "check-plugin-consumer: unexpected output from inventory-demo" >&2
  exit 1
}
[[ $output == *"audit round trip of"*"bytes ok: type.googleapis.com/shop.v1.Item at 1700000000.250000000"* ]] || {
  echo "check-plugin-consumer: inventory-demo did not round-trip a Timestamp and an Any" >&2
  exit 1
}

if log=$(PROTO_CONSUMER_BAD=1 swift build --target BadProtos 2>&1); then
  echo "check-plugin-consumer: building a broken .proto succeeded; it must fail" >&2
  exit 1
fi
expected='BadProtos/broken.proto:5:3: error: unknown type "Missing" in field "other" of message "Broken"'
grep -qF "$expected" <<<"$log" || {
  echo "check-plugin-consumer: the failed build did not print: $expected" >&2
  echo "$log" | tail -20 >&2
  exit 1
}
echo "check-plugin-consumer: a broken .proto fails the build with: $expected"
