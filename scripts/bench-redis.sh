#!/usr/bin/env bash
# The rooms-on-Redis benchmark (not a test): the same chat-load workloads against chat-server with
# rooms in process and with rooms shared by two replicas through one redis-server, in one run on
# this machine. Reports msgs/s, p50/p99 and the CPU each message costs the chat-server processes
# (both replicas summed) and redis-server.
#
#   REPEAT=3 scripts/bench-redis.sh          # table in bench-results/redis.md
#
# Workloads (chat-load, chatload's flags): pingpong 1x1 (one stream, one message at a time: the
# latency Redis adds), stream 1x1 16B (64 in flight on one stream), fanout 1->100 (100 listeners
# in one room and one sender in ping-pong; with Redis the listeners are spread over the two
# replicas, the sender on the first, so every message crosses replicas).
# Environment: REPEAT (3), DURATION (5), WARMUP (1); the median run by msgs/s is shown.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"
REPEAT="${REPEAT:-3}" DURATION="${DURATION:-5}" WARMUP="${WARMUP:-1}"

scripts/setup.sh
swift build -c release --product chat-server >&2
swift build -c release --product chat-load >&2
bin=$(swift build -c release --show-bin-path)
out=bench-results/redis.md
raw=$(mktemp)
mkdir -p bench-results
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# CPU seconds (user + system) of the given processes so far.
cpu_seconds() {
  python3 - "$@" <<'EOF'
import os, sys
ticks = os.sysconf("SC_CLK_TCK")
total = 0
for pid in sys.argv[1:]:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    total += int(fields[11]) + int(fields[12])
print(total / ticks)
EOF
}

# start_server NAME ARGS...: starts chat-server, waits for its port; sets PORT and PID.
start_server() {
  local name=$1; shift
  "$bin/chat-server" --host 127.0.0.1 --port 0 --log-level warning "$@" >"$work/$name.log" 2>&1 &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$work/$name.log" | head -1)
    [[ -n $PORT ]] && return 0
    sleep 0.1
  done
  echo "bench-redis: $name did not start: $(cat "$work/$name.log")" >&2
  exit 1
}

# run MODE LABEL TARGETS SERVER_PIDS... -- CHAT-LOAD FLAGS: one measured run, appended to $raw.
run() {
  local mode=$1 label=$2 targets=$3; shift 3
  local server_pids=()
  while [[ $1 != -- ]]; do server_pids+=("$1"); shift; done
  shift
  local before redis_before line after redis_after
  before=$(cpu_seconds "${server_pids[@]}")
  redis_before=$(cpu_seconds "$REDIS_PID")
  line=$("$bin/chat-load" --target "$targets" --duration "$DURATION" --warmup "$WARMUP" "$@")
  after=$(cpu_seconds "${server_pids[@]}")
  redis_after=$(cpu_seconds "$REDIS_PID")
  echo "$mode|$label|$line|$(python3 -c "print($after-$before)")|$(python3 -c "print($redis_after-$redis_before)")" >>"$raw"
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
REDIS_PID=$!
pids+=("$REDIS_PID")
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

start_server in-process
inproc_port=$PORT inproc_pid=$PID
start_server replica-a --redis-url "redis://127.0.0.1:$redis_port"
a_port=$PORT a_pid=$PID
start_server replica-b --redis-url "redis://127.0.0.1:$redis_port"
b_port=$PORT b_pid=$PID
sleep 1  # the replicas report SERVING once Redis answered

for _ in $(seq 1 "$REPEAT"); do
  run in-process "pingpong 1x1" "127.0.0.1:$inproc_port" "$inproc_pid" -- --mode pingpong --conns 1 --streams 1 --payload 16
  run redis "pingpong 1x1" "127.0.0.1:$a_port" "$a_pid" "$b_pid" -- --mode pingpong --conns 1 --streams 1 --payload 16
  run in-process "stream 1x1 16B" "127.0.0.1:$inproc_port" "$inproc_pid" -- --mode stream --conns 1 --streams 1 --payload 16
  run redis "stream 1x1 16B" "127.0.0.1:$a_port" "$a_pid" "$b_pid" -- --mode stream --conns 1 --streams 1 --payload 16
  run in-process "fanout 1->100" "127.0.0.1:$inproc_port" "$inproc_pid" -- --mode fanout --conns 2 --listeners 100 --payload 16
  run redis "fanout 1->100" "127.0.0.1:$a_port,127.0.0.1:$b_port" "$a_pid" "$b_pid" -- --mode fanout --conns 2 --listeners 100 --payload 16
done

python3 - "$raw" "$out" "$REPEAT" "$DURATION" "$WARMUP" <<'EOF'
import json, sys, os
raw, out, repeat, duration, warmup = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
runs = {}
for line in open(raw):
    mode, label, report, server_cpu, redis_cpu = line.rstrip("\n").split("|")
    r = json.loads(report)
    runs.setdefault((label, mode), []).append((r, float(server_cpu), float(redis_cpu)))
rows = []
labels = []
for (label, mode) in runs:
    if label not in labels: labels.append(label)
def median_run(entries):
    entries = sorted(entries, key=lambda e: e[0]["msgs_per_s"])
    return entries[len(entries) // 2]
lines = [f"Load average after: {os.getloadavg()[0]:.2f}. REPEAT={repeat}, DURATION={duration:g} s; median run by msgs/s.", "",
         "| workload | rooms | msgs/s | p50 µs | p99 µs | errors | chat-server CPU µs/msg | redis CPU µs/msg | redis / in-process msgs/s | added p50 µs |",
         "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
for label in labels:
    base = median_run(runs[(label, "in-process")])
    for mode in ("in-process", "redis"):
        r, server_cpu, redis_cpu = median_run(runs[(label, mode)])
        # CPU is measured over the warm-up and the measurement: divide by the messages of both
        # at the measured rate (in fanout, a message is one delivery).
        per = lambda cpu: cpu * 1e6 / max(1.0, r["msgs_per_s"] * (duration + warmup))
        ratio = r["msgs_per_s"] / base[0]["msgs_per_s"] if mode == "redis" else 1.0
        added = r["p50_us"] - base[0]["p50_us"] if mode == "redis" else 0
        lines.append(f"| {label} | {mode} | {r['msgs_per_s']:,.0f} | {r['p50_us']:.0f} | {r['p99_us']:.0f} | {r['errors']} | "
                     f"{per(server_cpu):.1f} | {per(redis_cpu) if mode == 'redis' else 0:.1f} | {ratio:.2f}x | {added:+.0f} |")
lines += ["", "Raw chat-load lines:", "", "```"]
for (label, mode), entries in runs.items():
    for r, s, c in entries:
        lines.append(f"{mode} {label}: {json.dumps(r)} server_cpu_s={s:.2f} redis_cpu_s={c:.2f}")
lines.append("```")
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines[:3 + 2 * len(labels) + 2]))
EOF
echo "bench-redis: table in $out" >&2
