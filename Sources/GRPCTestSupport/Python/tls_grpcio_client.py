#!/usr/bin/env python3
"""One grpcio call over TLS (grpc.ssl_channel_credentials) to an `echo.Echo` server.

    python3 tls_grpcio_client.py --target 127.0.0.1:PORT --ca FILE [--cert FILE --key FILE]
        [--server-name localhost] [--text hello]

Makes a unary Get and a bidirectional Update with the text and prints one JSON line:
`{"ok": true, "get": TEXT, "update": [TEXT]}` or `{"ok": false, "code": "UNAVAILABLE",
"details": "..."}`. Exits 0 after printing (2 when the stubs cannot be generated).
"""

import argparse
import json
import sys

import grpc

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import echo_stubs  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--server-name", default="localhost")
    parser.add_argument("--text", default="hello")
    args = parser.parse_args()
    try:
        pb2, pb2_grpc = echo_stubs.load(None)
    except echo_stubs.StubGenerationError as error:
        print(f"tls_grpcio_client: {error}", file=sys.stderr, flush=True)
        return 2

    def read(path):
        with open(path, "rb") as file:
            return file.read()

    credentials = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),
        private_key=read(args.key) if args.key else None,
        certificate_chain=read(args.cert) if args.cert else None,
    )
    options = [("grpc.ssl_target_name_override", args.server_name), ("grpc.enable_http_proxy", 0)]
    with grpc.secure_channel(args.target, credentials, options=options) as channel:
        stub = pb2_grpc.EchoStub(channel)
        try:
            reply = stub.Get(pb2.EchoRequest(text=args.text), timeout=10)
            updates = [r.text for r in stub.Update(iter([pb2.EchoRequest(text=args.text)]), timeout=10)]
            result = {"ok": True, "get": reply.text, "update": updates}
        except grpc.RpcError as error:
            result = {"ok": False, "code": error.code().name, "details": error.details()}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
