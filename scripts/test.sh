#!/usr/bin/env bash
# The test command: installs what is missing, builds everything (the build plugin generates the
# codecs from the .proto files), then runs every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"

scripts/setup.sh
# The plugin from another package, as users apply it (and a broken .proto failing that build).
scripts/check-plugin-consumer.sh
swift build --build-tests
# The client SDK from another package (Examples/chat-sdk-consumer), run against a real chat-server.
scripts/check-sdk-consumer.sh "$(swift build --show-bin-path)/chat-server"
# At most 32 tests at once: started all together (800+), the suites that spawn processes and the
# ones that compile C starve Swift's cooperative pool (two threads on two cores) long enough for
# unrelated calls to pass 30 s deadlines; capped, the run is also faster.
SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-32}" \
  swift test --skip-build --parallel
# A short run of every libFuzzer target (scripts/fuzz.sh runs them as long as asked).
scripts/fuzz.sh all 20
# The whole suite again under ThreadSanitizer, then under AddressSanitizer with LeakSanitizer
# (about 7 and 8 minutes from scratch, build and run, on the 2-core machine). Fails on any report
# or failed test.
SANITIZE_RUN_MINUTES="${SANITIZE_RUN_MINUTES:-30}" scripts/sanitize.sh both
