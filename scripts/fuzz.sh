#!/usr/bin/env bash
# Runs the libFuzzer targets (Tests/Fuzz/Targets) under AddressSanitizer.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]      (defaults: all, 20 seconds per target)
#
# For each target: replays the committed regression inputs (Tests/Fuzz/Regressions/TARGET), then
# fuzzes for SECONDS starting from the seeds (Tests/Fuzz/Corpus/TARGET; for FuzzProtoParser the
# protos under Protos/ and the generator's test fixtures) and the corpus
# earlier runs grew on this machine (.build-fuzz/corpus/TARGET). Prints a line per target with
# executions per second and coverage (libFuzzer's `cov`: instrumented edges reached). Exits 0 only
# when nothing was found: a crash, a failed check, a timeout (10 s per input), a leak or an
# out-of-memory input is saved under .build-fuzz/artifacts/TARGET/ and the script exits 1.
#
# Targets:
#   FuzzProtobufDecoding  protobuf decoding of a message with every field kind, and
#                         decode(encode(x)) == x
#   FuzzProtoParser       the .proto lexer, parser, resolver and emitter (diagnostics, never a trap)
#   FuzzRedisReplies      the RESP reply reader: whole and chunked feeds agree, replies round-trip
#   FuzzServiceConfig     a client's service config (JSON): an error naming a rule or a config,
#                         the same both times; every retry backoff within 0...maxBackoff
#   FuzzServerInput       a client's bytes into a server connection in memory (connection driver,
#                         nghttp2 session, request rules, stream state machine, deframing,
#                         decompression, an echo);
#                         flow-control credit all returned once a call is over
#   FuzzClientInput       a server's bytes as the answer to three open calls (connection driver,
#                         nghttp2 session, response rules, stream state machine); one outcome per
#                         call
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"

ALL=(FuzzProtobufDecoding FuzzProtoParser FuzzRedisReplies FuzzServiceConfig FuzzServerInput
  FuzzClientInput)
WHICH="${1:-all}"
SECONDS_PER_TARGET="${2:-20}"
if [[ "$WHICH" == all ]]; then
  TARGETS=("${ALL[@]}")
elif [[ " ${ALL[*]} " == *" $WHICH "* ]]; then
  TARGETS=("$WHICH")
else
  echo "fuzz: unknown target '$WHICH'; one of: ${ALL[*]} all" >&2
  exit 64
fi
if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: SECONDS must be a positive number of seconds, not '$SECONDS_PER_TARGET'" >&2
  exit 64
fi

SCRATCH="$PWD/.build-fuzz"
# The protobuf target decodes RichMessage: its codec comes from an ordinary build's generator
# (the fuzz build cannot run the build plugin; see the end of Package.swift).
swift build --product protobuf-codegen >/dev/null
# GRPCKit's generated modules, for the server- and client-input targets: an ordinary build runs the plugin,
# then Tests/Fuzz/Modules/NAME links the module's own sources and what the plugin generated.
swift build --target GRPCStatusDetails >/dev/null
plugin_outputs="$(dirname "$(swift build --show-bin-path)")/../plugins/outputs"
for module in ProtobufWellKnownTypes GRPCStatusDetails; do
  plugin_dir=$(compgen -G "$plugin_outputs/*/$module/destination/ProtobufCodeGenPlugin" | head -n 1 || true)
  if [[ -z "$plugin_dir" ]] || ! compgen -G "$plugin_dir/*.pb.swift" >/dev/null; then
    echo "fuzz: no generated sources for $module under $plugin_outputs" >&2
    exit 1
  fi
  mkdir -p "Tests/Fuzz/Modules/$module"
  # Links, so that the fuzz build sees the same files (and their times) as the ordinary one.
  for file in "Sources/$module"/*.swift "$plugin_dir"/*.pb.swift; do
    ln -sfn "$(realpath "$file")" "Tests/Fuzz/Modules/$module/$(basename "$file")"
  done
done
generated="$(mktemp -d)"
"$(swift build --show-bin-path)/protobuf-codegen" --proto-path Tests/ProtobufRuntimeTests \
  --output-dir "$generated" rich.proto
mkdir -p Tests/Fuzz/Targets/FuzzProtobufDecoding/Generated
# Replaced only when it changed, so that the fuzz build does not recompile it every run.
cmp -s "$generated/rich.pb.swift" Tests/Fuzz/Targets/FuzzProtobufDecoding/Generated/rich.pb.swift ||
  cp "$generated/rich.pb.swift" Tests/Fuzz/Targets/FuzzProtobufDecoding/Generated/rich.pb.swift
rm -rf "$generated"

# SwiftPM's --sanitize=fuzzer links libFuzzer's main and compiles executables as libraries; the
# -Xswiftc flag is what instruments the code (SwiftPM's own two --sanitize flags reach the
# compiler as separate options, and only the last one takes effect).
echo "fuzz: building the targets with -sanitize=fuzzer,address (first build: a few minutes)" >&2
GRPCKIT_FUZZ=1 swift build --scratch-path "$SCRATCH" --sanitize=fuzzer \
  -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v "Cannot export local symbol" >&2 || true
BIN="$(GRPCKIT_FUZZ=1 swift build --scratch-path "$SCRATCH" --show-bin-path)"

# Swift's backtracer would catch the crash before libFuzzer reports and saves the input.
export SWIFT_BACKTRACE=enable=no
status=0
for target in "${TARGETS[@]}"; do
  binary="$BIN/$target"
  if [[ ! -x "$binary" ]]; then
    echo "fuzz: $target did not build" >&2
    exit 1
  fi
  artifacts="$SCRATCH/artifacts/$target"
  corpus="$SCRATCH/corpus/$target"
  mkdir -p "$artifacts" "$corpus"
  log="$SCRATCH/$target.log"

  regressions=(Tests/Fuzz/Regressions/"$target"/*)
  if [[ -e "${regressions[0]}" ]]; then
    if ! "$binary" -artifact_prefix="$artifacts/" "${regressions[@]}" >"$log" 2>&1; then
      echo "fuzz: $target fails on a committed regression input; see $log" >&2
      tail -n 30 "$log" >&2
      status=1
      continue
    fi
  fi

  before=$(find "$artifacts" -type f | wc -l)
  set +e
  # Seeds: the committed corpus, and for the .proto target the project's own protos and the
  # generator's good and bad fixtures in place (libFuzzer reads seed folders recursively).
  seeds=()
  [[ -d "Tests/Fuzz/Corpus/$target" ]] && seeds+=("Tests/Fuzz/Corpus/$target")
  if [[ "$target" == FuzzProtoParser ]]; then
    seeds+=(Protos Tests/ProtobufCodeGenTests/Fixtures)
  fi
  "$binary" "$corpus" "${seeds[@]}" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
  code=$?
  set -e
  after=$(find "$artifacts" -type f | wc -l)
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
  coverage=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$done_line")
  if [[ $code -ne 0 || $after -gt $before ]]; then
    echo "fuzz: $target FOUND a failure (exit $code); input saved in $artifacts; log $log" >&2
    grep -E 'ERROR|Fatal error|SUMMARY|precondition|deadly' "$log" | head -n 10 >&2 || true
    status=1
  else
    echo "fuzz: $target ok: ${SECONDS_PER_TARGET} s, ${rate:-?} execs/s, coverage ${coverage:-?} edges, corpus $(find "$corpus" -type f | wc -l) inputs"
  fi
done
exit $status
