#!/usr/bin/env python3
"""grpcio client checks of message compression against the Swift server (echo.Echo and
compression.Probe, the probe service of the Swift compression tests).

    python3 compression_client_checks.py --target 127.0.0.1:PORT --compression gzip|deflate
        [--proto PATH]

The channel compresses every request with the given algorithm (grpcio's `compression=`).
Prints one JSON line per check, `{"check": NAME, "ok": true|false, "detail": "..."}`, and exits
0 only when every check passed (1 otherwise, 2 on stub generation errors). The server must
have the default 4 MiB receive limit and the default response compression policy.

Checks:
- inspect: compression.Probe/Inspect reports the request's grpc-encoding as seen by the
  handler; it must be the channel's algorithm, and the payload must come back intact (the
  reply is compressed the same way and grpcio decompresses it);
- stream: echo.Echo/Update echoes five compressed messages in order;
- limit: 8 MiB of zeros (a few KB compressed) end with RESOURCE_EXHAUSTED and the Swift
  server's decompression-limit message, which proves the request was compressed on the wire;
- per_call: on a channel without compression, a call that sets `compression=` reaches the
  handler in that encoding, and a call that does not reaches it as identity.
"""

import argparse
import json
import os
import sys

import grpc

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import echo_stubs  # noqa: E402

RPC_TIMEOUT = 10.0
PAYLOAD = b"compressible payload " * 5000  # ~100 KB
ALGORITHMS = {"gzip": grpc.Compression.Gzip, "deflate": grpc.Compression.Deflate}


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--compression", choices=sorted(ALGORITHMS), required=True)
    parser.add_argument("--proto", default=None)
    args = parser.parse_args()
    try:
        pb2, pb2_grpc = echo_stubs.load(args.proto)
    except echo_stubs.StubGenerationError as error:
        print(f"compression_client_checks: {error}", file=sys.stderr, flush=True)
        return 2
    channel = grpc.insecure_channel(
        args.target, compression=ALGORITHMS[args.compression],
        options=[("grpc.enable_http_proxy", 0), ("grpc.max_send_message_length", -1)])
    stub = pb2_grpc.EchoStub(channel)
    inspect = channel.unary_unary(
        "/compression.Probe/Inspect", request_serializer=pb2.EchoRequest.SerializeToString,
        response_deserializer=pb2.EchoResponse.FromString)

    def check_inspect():
        response = inspect(pb2.EchoRequest(payload=PAYLOAD), timeout=RPC_TIMEOUT)
        expect(response.text == args.compression, f"the handler saw grpc-encoding {response.text!r}")
        expect(response.payload == PAYLOAD, f"payload came back with {len(response.payload)} bytes")
        return f"the handler saw {response.text}"

    def check_stream():
        requests = [pb2.EchoRequest(text=f"m{index}", payload=PAYLOAD) for index in range(5)]
        replies = list(stub.Update(iter(requests), timeout=RPC_TIMEOUT))
        expect([reply.text for reply in replies] == [f"m{index}" for index in range(5)],
               f"texts {[reply.text for reply in replies]}")
        expect(all(reply.payload == PAYLOAD for reply in replies), "a payload differs")
        return "five messages echoed"

    def check_limit():
        try:
            stub.Get(pb2.EchoRequest(payload=bytes(8 << 20)), timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            expect(error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, f"status {error.code()}")
            want = "decompressed message exceeds the limit of 4194304 bytes"
            expect(error.details() == want, f"message {error.details()!r}")
            return error.details()
        raise CheckFailed("8 MiB were accepted")

    def check_per_call():
        plain = grpc.insecure_channel(args.target, options=[("grpc.enable_http_proxy", 0)])
        plain_inspect = plain.unary_unary(
            "/compression.Probe/Inspect", request_serializer=pb2.EchoRequest.SerializeToString,
            response_deserializer=pb2.EchoResponse.FromString)
        seen = []
        for compression in (ALGORITHMS[args.compression], None):
            response = plain_inspect(pb2.EchoRequest(payload=PAYLOAD), timeout=RPC_TIMEOUT,
                                     compression=compression)
            expect(response.payload == PAYLOAD, "payload differs")
            seen.append(response.text)
        plain.close()
        expect(seen == [args.compression, "identity"], f"the handler saw {seen}")
        return f"the handler saw {seen}"

    all_ok = True
    for name, check in [("inspect", check_inspect), ("stream", check_stream), ("limit", check_limit),
                        ("per_call", check_per_call)]:
        try:
            ok, detail = True, check()
        except (CheckFailed, grpc.RpcError) as error:
            ok, detail = False, str(error)
        all_ok = all_ok and ok
        print(json.dumps({"check": name, "ok": ok, "detail": detail}), flush=True)
    sys.stdout.flush()
    os._exit(0 if all_ok else 1)


if __name__ == "__main__":
    sys.exit(main())
