#!/usr/bin/env python3
"""grpcio peer of the rich error details tests (`google.rpc.Status` in `grpc-status-details-bin`),
with grpcio-status's `rpc_status`, both directions.

    python3 rich_status_peer.py server [--port 0] [--watch-parent]
    python3 rich_status_peer.py client --target HOST:PORT

`server` serves `echo.Echo` (Get only); `Get` answers by the request's text:

- "details": NOT_FOUND "no room named ops" sent with `rpc_status.to_status`, whose details are
  an ErrorInfo (reason NO_ROOM, domain grpcio.test, metadata room=ops), a RetryInfo (3 s) and a
  BadRequest (field "room", description "no such room");
- "mismatch": NOT_FOUND "no room named ops" with a `grpc-status-details-bin` whose code is
  PERMISSION_DENIED;
- "garbage": NOT_FOUND "no room named ops" with a `grpc-status-details-bin` that is not a
  `google.rpc.Status`;
- anything else: echoed.

It prints `{"event":"listening","port":N}` first, then serves until SIGTERM/SIGINT.

`client` calls `echo.Echo/Get` with the text "details" on the server at TARGET, reads the rich
status with `rpc_status.from_call` and prints one JSON line: the call's code and message, the
status's code and message, and every detail (type name and, for the standard types and
Timestamp, its JSON form). `from_call` itself checks that the status's code and message match
the call's (it raises otherwise: exit 1).
"""

import argparse
import asyncio
import json
import os
import signal
import sys

import grpc
from google.protobuf import any_pb2, duration_pb2, json_format, timestamp_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import echo_stubs  # noqa: E402

DETAILS_KEY = "grpc-status-details-bin"
MESSAGE = "no room named ops"
KNOWN = {
    "google.rpc.ErrorInfo": error_details_pb2.ErrorInfo,
    "google.rpc.RetryInfo": error_details_pb2.RetryInfo,
    "google.rpc.DebugInfo": error_details_pb2.DebugInfo,
    "google.rpc.BadRequest": error_details_pb2.BadRequest,
    "google.rpc.Help": error_details_pb2.Help,
    "google.rpc.LocalizedMessage": error_details_pb2.LocalizedMessage,
    "google.protobuf.Timestamp": timestamp_pb2.Timestamp,
}


def packed(message):
    detail = any_pb2.Any()
    detail.Pack(message)
    return detail


def rich_status():
    return status_pb2.Status(
        code=code_pb2.NOT_FOUND,
        message=MESSAGE,
        details=[
            packed(error_details_pb2.ErrorInfo(reason="NO_ROOM", domain="grpcio.test", metadata={"room": "ops"})),
            packed(error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=3))),
            packed(error_details_pb2.BadRequest(field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field="room", description="no such room"),
            ])),
        ],
    )


def make_servicer(pb2, pb2_grpc):
    class RichStatusServicer(pb2_grpc.EchoServicer):
        async def Get(self, request, context):
            if request.text == "details":
                await context.abort_with_status(rpc_status.to_status(rich_status()))
            if request.text == "mismatch":
                other = status_pb2.Status(code=code_pb2.PERMISSION_DENIED, message=MESSAGE)
                await context.abort(grpc.StatusCode.NOT_FOUND, MESSAGE,
                                    trailing_metadata=((DETAILS_KEY, other.SerializeToString()),))
            if request.text == "garbage":
                await context.abort(grpc.StatusCode.NOT_FOUND, MESSAGE,
                                    trailing_metadata=((DETAILS_KEY, b"\x0a\xff\x01"),))
            return pb2.EchoResponse(text=request.text)

    return RichStatusServicer()


async def watch_parent(stop):
    parent = os.getppid()
    if parent <= 1:
        return
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    stop.set()


async def serve(args):
    pb2, pb2_grpc = echo_stubs.load(None)
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    pb2_grpc.add_EchoServicer_to_server(make_servicer(pb2, pb2_grpc), server)
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    if port == 0:
        print(f"rich_status_peer: cannot bind 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    print(json.dumps({"event": "listening", "port": port}, separators=(",", ":")), flush=True)
    watcher = asyncio.create_task(watch_parent(stop)) if args.watch_parent else None
    await stop.wait()
    if watcher:
        watcher.cancel()
    await server.stop(grace=1.0)
    return 0


def describe(detail):
    name = detail.TypeName()
    message_type = KNOWN.get(name)
    if message_type is None:
        return {"type": name}
    message = message_type()
    detail.Unpack(message)
    return {"type": name, "value": json_format.MessageToDict(message)}


def client(args):
    pb2, pb2_grpc = echo_stubs.load(None)
    with grpc.insecure_channel(args.target) as channel:
        stub = pb2_grpc.EchoStub(channel)
        try:
            stub.Get(pb2.EchoRequest(text="details"), timeout=30)
        except grpc.RpcError as error:
            status = rpc_status.from_call(error)
            result = {
                "call_code": error.code().name,
                "call_message": error.details(),
                "status": None if status is None else {
                    "code": status.code,
                    "message": status.message,
                    "details": [describe(detail) for detail in status.details],
                },
            }
            print(json.dumps(result, separators=(",", ":")), flush=True)
            return 0
    print("rich_status_peer: the call succeeded; expected an error with details", file=sys.stderr, flush=True)
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    server_parser = commands.add_parser("server")
    server_parser.add_argument("--port", type=int, default=0)
    server_parser.add_argument("--watch-parent", action="store_true")
    client_parser = commands.add_parser("client")
    client_parser.add_argument("--target", required=True)
    args = parser.parse_args()
    if args.command == "client":
        return client(args)
    status = asyncio.run(serve(args))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    sys.exit(main())
