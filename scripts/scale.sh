#!/usr/bin/env bash
# Scale measurements (issue 14, part 3; not a test): the server's resident memory seen from
# outside (VmRSS in /proc/PID/status) while the chat-scale driver holds many idle ChatStream
# calls, broadcasts once to all of them and closes them; then connection churn. The same streams
# measurement runs against the gRPC C++ peer server from bench-peers when it is built.
#
#   scripts/scale.sh [STREAMS] [CONNECTIONS]     # defaults 10000 and 100
#
# Writes bench-results/scale.md (the markdown summary, also printed) and bench-results/scale.jsonl
# (one JSON line per measurement). Environment: BENCH_PEERS (default ../shared/bench-peers; its
# cpp/build/chat-peer-server-cpp is used if present, see its README to build it), CHURN_RATE
# (connections per second, 1000), CHURN_SECONDS (60), SKIP_CHURN=1, SKIP_PEER=1, THREADS (client
# event loops, 2). Needs gdb for the malloc_trim probe (skipped without it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"
root=$(pwd)

streams="${1:-10000}"
conns="${2:-100}"
for value in "$streams" "$conns" "${CHURN_RATE:-1000}" "${CHURN_SECONDS:-60}" "${THREADS:-2}"; do
  if [[ ! "$value" =~ ^[1-9][0-9]*$ ]]; then
    echo "scale: '$value' is not a positive whole number" >&2
    exit 2
  fi
done
churn_rate="${CHURN_RATE:-1000}"
churn_seconds="${CHURN_SECONDS:-60}"
threads="${THREADS:-2}"
peers="${BENCH_PEERS:-$root/../shared/bench-peers}"
peer_server="$peers/cpp/build/chat-peer-server-cpp"

# Every connection is a file descriptor on each side; churn keeps up to 256 open at once.
needed=$((conns + 512))
if (($(ulimit -n) < needed)); then
  ulimit -n "$needed" 2>/dev/null || { echo "scale: needs ulimit -n >= $needed" >&2; exit 1; }
fi

swift build -c release --product chat-server
swift build -c release --product chat-scale
bin=$(swift build -c release --show-bin-path)

mkdir -p bench-results
out="$root/bench-results/scale.md"
json="$root/bench-results/scale.jsonl"
: >"$json"
logs=$(mktemp -d)
server_pid=""
trap '[[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null; rm -rf "$logs"' EXIT

# start_server NAME COMMAND...: starts it with --port 0 on loopback, sets server_pid and port.
start_server() {
  local name="$1"; shift
  "$@" --host 127.0.0.1 --port 0 >"$logs/$name.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 300); do
    port=$(head -n 1 "$logs/$name.log" | grep -o '"port":[0-9]*' | cut -d: -f2 || true)
    [[ -n "$port" ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "scale: $name did not print its port; its output:" >&2
  cat "$logs/$name.log" >&2
  exit 1
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# After the driver closed everything: does glibc give memory back when asked? malloc_trim(0)
# returns the free pages of every arena; what stays resident is still in use (or fragmented).
trim_probe() {
  local before after
  # chat-server trims its own heap once 1,000 fewer calls are open than at their peak
  # (--trim-memory-after), on a 5 s sample: wait for it before asking with gdb.
  sleep 6
  echo "VmRSS 6 s after everything closed: $(($(rss_kib "$server_pid") / 1024)) MiB."
  command -v gdb >/dev/null || { echo "(gdb not installed: no malloc_trim probe)"; return; }
  before=$(rss_kib "$server_pid")
  gdb -p "$server_pid" -batch -ex 'call (int) malloc_trim(0)' >/dev/null 2>&1 || true
  sleep 1
  after=$(rss_kib "$server_pid")
  echo "After everything closed, \`malloc_trim(0)\` called in the server with gdb: VmRSS" \
    "$((before / 1024)) MiB -> $((after / 1024)) MiB."
}

exec > >(tee "$out")
echo "## Scale run of $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Command: \`scripts/scale.sh $streams $conns\`" \
  "(CHURN_RATE=$churn_rate CHURN_SECONDS=$churn_seconds), at $(git rev-parse --short HEAD);" \
  "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run;" \
  "$(ldd --version | head -n 1). Memory is the server's VmRSS (RssAnon: its heap and stacks);" \
  "times are from a shared machine."
echo

start_server chat-server "$bin/chat-server"
"$bin/chat-scale" streams --target "127.0.0.1:$port" --server-pid "$server_pid" \
  --server-name chat-server --streams "$streams" --conns "$conns" --threads "$threads" \
  --json "$json"
trim_probe
echo
stop_server

if [[ -z "${SKIP_PEER:-}" ]]; then
  if [[ -x "$peer_server" ]]; then
    start_server chat-peer-server-cpp "$peer_server"
    "$bin/chat-scale" streams --target "127.0.0.1:$port" --server-pid "$server_pid" \
      --server-name "gRPC C++ peer" --streams "$streams" --conns "$conns" --threads "$threads" \
      --json "$json"
    trim_probe
    echo
    stop_server
  else
    echo "(no $peer_server: the gRPC C++ comparison is skipped)"
    echo
  fi
fi

# Churn with --history-size 0: rooms keep their last 1,000 messages by design, and the churn's
# 60,000 messages over 100 rooms would otherwise show as growth that is not the connections'.
if [[ -z "${SKIP_CHURN:-}" ]]; then
  start_server chat-server "$bin/chat-server" --history-size 0
  "$bin/chat-scale" churn --target "127.0.0.1:$port" --server-pid "$server_pid" \
    --server-name "chat-server --history-size 0" --rate "$churn_rate" --duration "$churn_seconds" \
    --threads "$threads" --json "$json"
  trim_probe
  stop_server
fi
echo "scale: summary in bench-results/scale.md, figures in bench-results/scale.jsonl" >&2
