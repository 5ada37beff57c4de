#!/usr/bin/env bash
# Proves the client SDK works from another package, as users import it: builds
# Examples/chat-sdk-consumer (it depends on this package by path, product ChatClient). Given the path
# of a built chat-server, also runs the example against it: the echo must come back, and a closed
# port must fail with UNAVAILABLE naming the address.
#
# usage: scripts/check-sdk-consumer.sh [PATH/TO/chat-server]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server_binary="${1:-}"
if [[ -n $server_binary ]]; then
  [[ -x $server_binary ]] || { echo "check-sdk-consumer: $server_binary is not an executable" >&2; exit 1; }
  server_binary="$(realpath "$server_binary")"
fi
cd "$root/Examples/chat-sdk-consumer"

swift build
demo="$(swift build --show-bin-path)/chat-notify"
echo "check-sdk-consumer: built $demo"
[[ -z $server_binary ]] && exit 0

exec {server_out}< <(exec "$server_binary" --host 127.0.0.1 --port 0)
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
read -r -t 30 -u "$server_out" first_line || { echo "check-sdk-consumer: chat-server printed no line" >&2; exit 1; }
cat <&"$server_out" >/dev/null &
reader=$!
port=$(sed -n 's/.*"event":"listening","port":\([0-9]*\).*/\1/p' <<<"$first_line")
[[ -n $port ]] || { echo "check-sdk-consumer: chat-server did not start: $first_line" >&2; exit 1; }

output=$("$demo" "127.0.0.1:$port" ops)
echo "$output"
[[ $output =~ ^"notifier in ops at "[1-9][0-9]*": deploy finished"$ ]] || {
  echo "check-sdk-consumer: unexpected output from chat-notify" >&2
  exit 1
}

kill "$server"
wait "$reader"  # its end of file is chat-server's exit
if output=$("$demo" "127.0.0.1:$port"); then
  echo "check-sdk-consumer: chat-notify succeeded against a stopped server" >&2
  exit 1
fi
[[ $output == "chat-notify: UNAVAILABLE: "*"127.0.0.1:$port"* ]] || {
  echo "check-sdk-consumer: the failure does not name UNAVAILABLE and the address: $output" >&2
  exit 1
}
echo "check-sdk-consumer: a stopped server gives: $output"
