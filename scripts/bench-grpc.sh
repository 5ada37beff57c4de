#!/usr/bin/env bash
# The gRPC benchmark (not a test): the project's chat-server against the reference peers in
# ../shared/bench-peers (gRPC C++, grpc-swift 2) driven by the neutral C++ load client, and the
# project's load client (chat-load) against the C++ peer server, in one run on this machine.
#
#   REPEAT=3 scripts/bench-grpc.sh            # results in bench-results/{servers,clients}.md
#
# Environment: BENCH_PEERS (default ../shared/bench-peers), REPEAT (3), DURATION (5), WARMUP (1),
# plus anything bench-peers' run.sh reads (PEERS, CLIENTS, SERVER_CPUS, CLIENT_CPUS).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"
root=$(pwd)
peers="${BENCH_PEERS:-$root/../shared/bench-peers}"
export REPEAT="${REPEAT:-3}" DURATION="${DURATION:-5}" WARMUP="${WARMUP:-1}"

scripts/setup.sh
if [[ ! -x "$peers/cpp/build/chatload" ]]; then
  echo "bench: building the reference peers (needs libgrpc++-dev protobuf-compiler-grpc)" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get install -y -qq libgrpc++-dev protobuf-compiler-grpc protobuf-compiler >/dev/null
  (cd "$peers" && ./run.sh build)
fi

swift build -c release --product chat-server
swift build -c release --product chat-load
bin=$(swift build -c release --show-bin-path)
mkdir -p bench-results

(cd "$peers" && OUT="$root/bench-results/servers.md" ./run.sh matrix "$bin/chat-server" --host 127.0.0.1)
(cd "$peers" && OUT="$root/bench-results/clients.md" ./run.sh clients "$bin/chat-load")
echo "bench: tables in bench-results/servers.md and bench-results/clients.md" >&2
