#!/usr/bin/env python3
"""A TLS server (Python `ssl`) that completes handshakes but never selects ALPN h2.

    python3 tls_no_h2_server.py --port 0 --cert FILE --key FILE [--alpn http/1.1 | --alpn none]
        [--host 127.0.0.1]

Prints `{"event":"listening","port":N}` as its first stdout line. With `--alpn http/1.1` it
offers only HTTP/1.1, so a client that offers h2 and http/1.1 gets http/1.1 and a client that
offers only h2 gets no protocol; with `--alpn none` it ignores ALPN. After a handshake it reads
and discards until the client closes, and prints `{"event":"handshake","alpn":...}` per
connection. Runs until SIGTERM or SIGINT (exit 0).
"""

import argparse
import json
import signal
import socket
import ssl
import sys
import threading


def serve(connection, context):
    try:
        with context.wrap_socket(connection, server_side=True) as tls:
            print(json.dumps({"event": "handshake", "alpn": tls.selected_alpn_protocol()}), flush=True)
            while tls.recv(65536):
                pass
    except (ssl.SSLError, OSError) as error:
        print(json.dumps({"event": "error", "error": str(error)}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--alpn", default="http/1.1")
    args = parser.parse_args()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    if args.alpn != "none":
        context.set_alpn_protocols(args.alpn.split(","))

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    listener = socket.create_server((args.host, args.port))
    print(json.dumps({"event": "listening", "port": listener.getsockname()[1]}), flush=True)
    try:
        while True:
            connection, _ = listener.accept()
            connection.settimeout(30)
            threading.Thread(target=serve, args=(connection, context), daemon=True).start()
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
