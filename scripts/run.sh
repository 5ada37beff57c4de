#!/usr/bin/env bash
# The main command: installs what is missing, builds chat-server (release) and runs it.
# Arguments go to chat-server, for example `scripts/run.sh --port 0` or `--host 127.0.0.1`.
# Port: --port, else $PORT, else 50051. SIGTERM or Ctrl-C stops it gracefully.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d /opt/swift/usr/bin ]] && export PATH="/opt/swift/usr/bin:$PATH"

scripts/setup.sh
swift build -c release --product chat-server >&2
exec "$(swift build -c release --show-bin-path)/chat-server" "$@"
