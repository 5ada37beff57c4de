#!/usr/bin/env bash
# Runs the whole test suite under ThreadSanitizer and/or AddressSanitizer.
#
#   scripts/sanitize.sh [thread|address|both]      (default: both)
#
# Each sanitizer builds the tests in its own scratch folder (.build-tsan, .build-asan) and runs
# every test with the environment of scripts/test.sh (scripts/setup.sh, the parallelism cap). Each
# instrumented process, the test runner and the chat-server/interop processes tests start, writes
# its reports to SCRATCH/reports/ (log_path); the run fails when any report is there, or when a test
# fails. Reports inside dependencies are suppressed in Tests/Sanitizers/{tsan,lsan}.supp, each with
# its reason. Prints how long each build and run took. Exits 0 only when every run is clean.
#
# Instrumented code runs several times slower: the tests stretch the deadlines and timeouts they
# put on real work by GRPCKIT_TEST_SLOWDOWN (default 5 for thread, 3 for address).
#
# Before the suite, a self-check shows the report check can fail: a program that TSan must flag
# (two threads under Synchronization.Mutex, which TSan cannot see on Linux) or a use-after-free
# that ASan must flag. For thread, it also checks that GRPCLocking's TSan build of Mutex (compiled
# with GRPCKIT_TSAN defined, as GRPCKIT_SANITIZE=thread makes Package.swift do) gives no report
# for the same program.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"

WHICH="${1:-both}"
case "$WHICH" in
  thread | address) SANITIZERS=("$WHICH") ;;
  both) SANITIZERS=(thread address) ;;
  *)
    echo "sanitize: unknown sanitizer '$WHICH'; one of: thread address both" >&2
    exit 64
    ;;
esac

scripts/setup.sh

# The Swift backtracer would handle a sanitizer's abort before the sanitizer prints its report.
export SWIFT_BACKTRACE=enable=no
SUPPRESSIONS="$PWD/Tests/Sanitizers"

elapsed() {
  local seconds=$(($(date +%s) - $1))
  printf '%dm%02ds' $((seconds / 60)) $((seconds % 60))
}

# Sets the sanitizer's options so that every instrumented process writes its reports under $1.
sanitizer_environment() {
  local sanitizer=$1 reports=$2
  if [[ "$sanitizer" == thread ]]; then
    # halt_on_error=0: one run collects every report instead of stopping at the first.
    TSAN_OPTIONS="log_path=$reports/tsan:halt_on_error=0:second_deadlock_stack=1"
    export TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$SUPPRESSIONS/tsan.supp"
  else
    export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:detect_stack_use_after_return=0"
    export LSAN_OPTIONS="suppressions=$SUPPRESSIONS/lsan.supp:print_suppressions=0"
  fi
}

# The files under $1 that hold a report (a process may also write one with only statistics).
reports_in() {
  grep -lE 'WARNING: ThreadSanitizer|ERROR: (AddressSanitizer|LeakSanitizer)' "$1"/* 2>/dev/null || true
}

# The tests in log $1 that started and never ended (what a run that had to be stopped waited for).
unfinished_tests() {
  python3 - "$1" <<'PYTHON'
import re, sys
started, ended = [], set()
for line in open(sys.argv[1], errors="replace"):
    if m := re.match(r'^◇ Test (".*") started\.$', line):
        started.append(m.group(1))
    elif m := re.match(r'^[✔✘] Test (".*?") (?:with \d+ test cases? )?(?:passed|failed|recorded)', line):
        ended.add(m.group(1))
print(", ".join(t for t in started if t not in ended) or "none")
PYTHON
}

self_check() {
  local sanitizer=$1 scratch=$2
  local dir="$scratch/self-check"
  rm -rf "$dir" && mkdir -p "$dir/reports"
  (
    sanitizer_environment "$sanitizer" "$dir/reports"
    if [[ "$sanitizer" == thread ]]; then
      swiftc -sanitize=thread -parse-as-library -module-name LockVisibility -package-name check \
        -DGRPCKIT_TSAN Sources/GRPCLocking/Mutex.swift Tests/Sanitizers/LockVisibility.swift \
        -o "$dir/lock-visibility" 2>"$dir/compile.log" || {
        cat "$dir/compile.log" >&2
        exit 1
      }
      total=$("$dir/lock-visibility" stdlib 2>/dev/null || true)
      if [[ "$total" != 200000 || -z "$(reports_in "$dir/reports")" ]]; then
        echo "sanitize: self-check failed: TSan did not flag Synchronization.Mutex (total $total);" \
          "a clean run would prove nothing" >&2
        exit 1
      fi
      rm -f "$dir"/reports/*
      total=$("$dir/lock-visibility" ours)
      if [[ "$total" != 200000 || -n "$(reports_in "$dir/reports")" ]]; then
        echo "sanitize: self-check failed: TSan flags GRPCLocking's Mutex (total $total):" >&2
        cat "$dir"/reports/* >&2
        exit 1
      fi
      echo "sanitize: self-check: TSan flags Synchronization.Mutex and not GRPCLocking's Mutex"
    else
      swiftc -sanitize=address Tests/Sanitizers/UseAfterFree.swift -o "$dir/use-after-free" \
        2>"$dir/compile.log" || {
        cat "$dir/compile.log" >&2
        exit 1
      }
      "$dir/use-after-free" >/dev/null 2>&1 || true
      if [[ -z "$(reports_in "$dir/reports")" ]]; then
        echo "sanitize: self-check failed: ASan did not flag a use-after-free" >&2
        exit 1
      fi
      echo "sanitize: self-check: ASan flags a use-after-free"
    fi
  )
}

status=0
for sanitizer in "${SANITIZERS[@]}"; do
  if [[ "$sanitizer" == thread ]]; then
    scratch="$PWD/.build-tsan"
    flags=(--sanitize=thread)
    slowdown=5
    export GRPCKIT_SANITIZE=thread
  else
    scratch="$PWD/.build-asan"
    flags=(--sanitize=address)
    slowdown=3
    unset GRPCKIT_SANITIZE
  fi
  mkdir -p "$scratch"
  self_check "$sanitizer" "$scratch"

  started=$(date +%s)
  echo "sanitize: $sanitizer: building the tests into $scratch" >&2
  swift build --build-tests --scratch-path "$scratch" "${flags[@]}"
  build_time=$(elapsed "$started")

  reports="$scratch/reports"
  rm -rf "$reports" && mkdir -p "$reports"
  log="$scratch/test.log"
  started=$(date +%s)
  set +e
  (
    sanitizer_environment "$sanitizer" "$reports"
    # Tests stretch the deadlines and timeouts they set on real work by this factor
    # (GRPCTestSupport's TestSlowdown); the rules they check keep their own bounds.
    export GRPCKIT_TEST_SLOWDOWN="${GRPCKIT_TEST_SLOWDOWN:-$slowdown}"
    # The cap of scripts/test.sh: see the comment there.
    # A test that waits forever (no deadline of its own) would hold the run: it ends after
    # SANITIZE_RUN_MINUTES (60 by default) and the run fails.
    SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-32}" \
      timeout --kill-after=30 "$((${SANITIZE_RUN_MINUTES:-60} * 60))" \
      swift test --skip-build --parallel --scratch-path "$scratch" "${flags[@]}"
  ) >"$log" 2>&1
  code=$?
  set -e
  run_time=$(elapsed "$started")

  clean=1
  found=$(reports_in "$reports")
  summary=$(grep -E 'Test run with' "$log" | tail -n 1 || true)
  echo "sanitize: $sanitizer: build $build_time, run $run_time; ${summary:-no test summary}"
  if [[ -n "$found" ]]; then
    echo "sanitize: $sanitizer: $(wc -l <<<"$found") process(es) reported; first lines:" >&2
    for file in $found; do
      echo "--- $file" >&2
      grep -m 1 -E 'WARNING: ThreadSanitizer|ERROR: (Address|Leak)Sanitizer' "$file" >&2
      grep -m 1 -E '^SUMMARY' "$file" >&2 || true
    done
    clean=0
  fi
  if [[ $code -eq 124 || $code -eq 137 ]]; then
    echo "sanitize: $sanitizer: the run did not end within ${SANITIZE_RUN_MINUTES:-60} min;" \
      "tests still running: $(unfinished_tests "$log")" >&2
  fi
  if [[ $code -ne 0 ]]; then
    echo "sanitize: $sanitizer: the tests failed (exit $code); log $log" >&2
    grep -E '✘|failed|error:' "$log" | head -n 40 >&2 || true
    clean=0
  fi
  if ((clean)); then
    echo "sanitize: $sanitizer: clean"
  else
    status=1
  fi
done
exit $status
