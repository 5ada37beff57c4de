#!/usr/bin/env bash
# Fetches the gRPC project's own Python interop client and server (grpc 1.51.1: Debian's source
# tarball, checked against its SHA256), with the test protos they were written for, into
# .build-interop/ (git-ignored), and generates their stubs with grpc_tools.protoc in the package
# layout they import (src.proto.grpc.testing). Tests/InteropTests runs them against
# interop-server and interop-client; nothing of theirs is committed here.
#
# Prints the folder to run them from (python3 -m tests.interop.client / tests.interop.server).
# Safe to run again and from several processes at once: the work is done once, under a lock.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION=1.51.1
URL="http://deb.debian.org/debian/pool/main/g/grpc/grpc_${VERSION}.orig.tar.gz"
SHA256=b55696fb249669744de3e71acc54a9382bea0dce7cd5ba379b356b12b82d4229
ROOT="$PWD/.build-interop"
PEERS="$ROOT/python-$VERSION"
TARBALL="$ROOT/grpc_${VERSION}.orig.tar.gz"
PYTHON="${PYTHON3:-python3}"

mkdir -p "$ROOT"
exec 9>"$ROOT/.lock"
flock 9

if [[ ! -f "$PEERS/.complete" ]]; then
  if ! echo "$SHA256  $TARBALL" | sha256sum --check --status 2>/dev/null; then
    echo "interop-peers: downloading $URL" >&2
    "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
      "$URL" "$TARBALL.part"
    if ! echo "$SHA256  $TARBALL.part" | sha256sum --check --status; then
      echo "interop-peers: $URL does not have SHA256 $SHA256" >&2
      rm -f "$TARBALL.part"
      exit 1
    fi
    mv "$TARBALL.part" "$TARBALL"
  fi

  staging="$(mktemp -d "$ROOT/staging.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  top="grpc-$VERSION"
  tar -xzf "$TARBALL" -C "$staging" \
    "$top/src/proto/grpc/testing/empty.proto" \
    "$top/src/proto/grpc/testing/messages.proto" \
    "$top/src/proto/grpc/testing/test.proto" \
    "$top/src/python/grpcio_tests/tests/interop" \
    "$top/src/python/grpcio_tests/tests/unit/test_common.py"
  tree="$staging/tree"
  mkdir -p "$tree/src/proto/grpc/testing" "$tree/tests/unit"
  cp "$staging/$top/src/proto/grpc/testing/"{empty,messages,test}.proto "$tree/src/proto/grpc/testing/"
  cp -R "$staging/$top/src/python/grpcio_tests/tests/interop" "$tree/tests/interop"
  cp "$staging/$top/src/python/grpcio_tests/tests/unit/test_common.py" "$tree/tests/unit/"
  # Empty package markers: the originals of tests/ and tests/unit/ load grpc's own test runner.
  # Regular packages (not namespace ones), so that no `src` or `tests` installed elsewhere wins.
  for package in src src/proto src/proto/grpc src/proto/grpc/testing tests tests/unit; do
    : >"$tree/$package/__init__.py"
  done
  (cd "$tree" && "$PYTHON" -m grpc_tools.protoc -I . --python_out=. --grpc_python_out=. \
    src/proto/grpc/testing/empty.proto src/proto/grpc/testing/messages.proto src/proto/grpc/testing/test.proto)
  : >"$tree/.complete"
  rm -rf "$PEERS"
  mv "$tree" "$PEERS"
fi

echo "$PEERS"
