#!/usr/bin/env bash
# The main command. Until the gRPC server exists (issue 4), it builds the generator and runs it on
# every file under Protos/, writing the generated Swift to .build/generated/ and listing it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"

scripts/setup.sh
swift build --product protobuf-codegen
out=.build/generated
mkdir -p "$out"
(cd Protos && find . -name '*.proto' | sed 's|^\./||' | sort) | while read -r proto; do
  .build/debug/protobuf-codegen --proto-path Protos --output-dir "$out" "$proto"
done
echo "generated from Protos/:"
ls -l "$out"
