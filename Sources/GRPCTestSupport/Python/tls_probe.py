#!/usr/bin/env python3
"""A TLS client (Python `ssl`) that reports what a server does after the handshake.

    python3 tls_probe.py --port N --ca FILE [--alpn h2,http/1.1 | --alpn none]
        [--cert FILE --key FILE] [--host 127.0.0.1] [--server-name localhost] [--wait 10]

Connects, completes the handshake verifying the server against --ca (for --server-name), and
prints one JSON line:
`{"handshake": true, "alpn": "h2"|null, "serial": "1001", "closed": true|false, "error": null}`.
`serial` is the server certificate's serial number in upper-case hex. `closed` says whether the
server closed the connection within --wait seconds without sending application data (the
client sends nothing). A failed handshake prints `{"handshake": false, "error": "..."}`.
Exits 0 after printing; 2 on bad arguments.
"""

import argparse
import json
import socket
import ssl
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--alpn", default="h2")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--server-name", default="localhost")
    parser.add_argument("--wait", type=float, default=10.0)
    args = parser.parse_args()

    context = ssl.create_default_context(cafile=args.ca)
    if args.alpn != "none":
        context.set_alpn_protocols(args.alpn.split(","))
    if args.cert:
        context.load_cert_chain(args.cert, args.key)

    result = {"handshake": False, "alpn": None, "serial": None, "closed": False, "error": None}
    try:
        with socket.create_connection((args.host, args.port), timeout=args.wait) as raw:
            with context.wrap_socket(raw, server_hostname=args.server_name) as tls:
                result["handshake"] = True
                result["alpn"] = tls.selected_alpn_protocol()
                result["serial"] = tls.getpeercert().get("serialNumber")
                try:
                    data = tls.recv(65536)
                    # Any bytes (an HTTP/2 SETTINGS frame) mean the server kept the connection.
                    result["closed"] = data == b""
                except (ssl.SSLError, ConnectionError) as error:
                    result["closed"] = True
                    result["error"] = f"{type(error).__name__}: {error}"
                except socket.timeout:
                    result["closed"] = False
    except (ssl.SSLError, OSError) as error:
        result["error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
