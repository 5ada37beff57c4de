#!/usr/bin/env bash
# The soak (issue 14, part 3; not a test): Redis-backed chat-server replicas under mixed traffic
# for MINUTES with faults on a schedule, and a ledger that every acknowledged message reached
# every subscriber that was in its room, exactly once, in order.
#
#   scripts/soak.sh [MINUTES]      # default 15
#
# Starts redis-server on a free loopback port with persistence (--appendonly yes --appendfsync
# always), three chat-server replicas on it and scripts/soak-proxy.py in front of each; the
# chat-soak driver (Benchmarks/chat-soak) sends, subscribes (some subscribers slow) and chats
# through the proxies with the ChatClient SDK. Faults, printed with timestamps as they happen:
# every proxy cuts every connection each minute, one replica is SIGKILLed and restarted on its
# port every 3 minutes, Redis restarts once half-way. After a drain the ledger is checked; the
# script exits non-zero naming the first message missing, duplicated or out of order.
#
# Writes bench-results/soak.md (the summary, also printed); the processes' logs stay in
# bench-results/soak-logs/. Environment: CONFIGURATION (release, or debug to skip a release
# build), SOAK_ARGS (more chat-soak flags, for example "--replicas 2 --bulk-rate 5").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"

minutes="${1:-15}"
if [[ ! "$minutes" =~ ^[0-9]+(\.[0-9]+)?$ ]] || [[ "$minutes" =~ ^0+(\.0+)?$ ]]; then
  echo "soak: MINUTES '$minutes' is not a positive number" >&2
  exit 2
fi
configuration="${CONFIGURATION:-release}"
if [[ "$configuration" != release && "$configuration" != debug ]]; then
  echo "soak: CONFIGURATION '$configuration' is neither release nor debug" >&2
  exit 2
fi
for tool in redis-server redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
done

swift build -c "$configuration" --product chat-server
swift build -c "$configuration" --product chat-soak
bin=$(swift build -c "$configuration" --show-bin-path)

mkdir -p bench-results
logs=bench-results/soak-logs
rm -rf "$logs"
# shellcheck disable=SC2086 # SOAK_ARGS is a list of flags
"$bin/chat-soak" --minutes "$minutes" --server "$bin/chat-server" --proxy scripts/soak-proxy.py \
  --redis-server "$(command -v redis-server)" --redis-cli "$(command -v redis-cli)" \
  --work-dir "$logs" --report bench-results/soak.md ${SOAK_ARGS:-}
