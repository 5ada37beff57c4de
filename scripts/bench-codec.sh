#!/usr/bin/env bash
# Codec benchmark: Swift generated codecs against libprotobuf-c on the same messages, in one run.
#   scripts/bench-codec.sh            REPEAT=3 SECONDS_PER_OP=2 by default
# Builds protobuf-benchmark (release), generates C with protoc-c and builds the C benchmark with -O2,
# then alternates Swift and C runs REPEAT times and prints a markdown table of the medians.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"
REPEAT="${REPEAT:-3}"
SECONDS_PER_OP="${SECONDS_PER_OP:-2}"

scripts/setup.sh
work=.build/codec-bench
mkdir -p "$work"
swift build -c release --product protobuf-benchmark
swift_bench=.build/release/protobuf-benchmark

protoc-c --c_out="$work" -I Protos -I Tests/ProtobufRuntimeTests chat.proto rich.proto
cc -O2 -o "$work/protobuf-c-benchmark" Benchmarks/protobuf-c-benchmark/bench.c \
  "$work/chat.pb-c.c" "$work/rich.pb-c.c" -I "$work" $(pkg-config --cflags --libs libprotobuf-c)

"$swift_bench" --seconds 0.1 --write-inputs "$work" >/dev/null
: >"$work/results.jsonl"
for ((run = 1; run <= REPEAT; run++)); do
  "$swift_bench" --seconds "$SECONDS_PER_OP" >>"$work/results.jsonl"
  "$work/protobuf-c-benchmark" "$work" "$SECONDS_PER_OP" >>"$work/results.jsonl"
done

python3 - "$work/results.jsonl" "$REPEAT" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
medians = {}
for key in {(r["message"], r["op"], r["impl"]) for r in rows}:
    medians[key] = statistics.median(r["ops_per_s"] for r in rows if (r["message"], r["op"], r["impl"]) == key)
print(f"median of {sys.argv[2]} runs each, operations per second (higher is better)\n")
print("| message | bytes | operation | Swift | libprotobuf-c | Swift / protobuf-c |")
print("| --- | ---: | --- | ---: | ---: | ---: |")
sizes = {r["message"]: r["bytes"] for r in rows}
for message in ("ChatMessage", "RichMessage"):
    for op in ("encode", "encode-new-array", "decode"):
        s, c = medians[(message, op, "swift")], medians[(message, op, "protobuf-c")]
        print(f"| {message} | {sizes[message]} | {op} | {s:,.0f} | {c:,.0f} | {s / c:.2f}x |")
PY
