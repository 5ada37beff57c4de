#!/usr/bin/env python3
"""grpcio (grpc.aio) server of `echo.Echo`, the peer of the Swift client in the interop tests.

    python3 echo_server.py [--host 127.0.0.1] [--port 0] [--proto ../echo.proto] [--watch-parent]
        [--compression none|gzip|deflate]

Prints `{"event":"listening","port":N}` as its first stdout line, then serves plaintext h2c
until SIGTERM or SIGINT (exit 0); with `--watch-parent` also once its parent process exits.
Semantics (same as the Swift EchoService):

- every request message: wait `delay_ms` (cancelled with the call), then end the call with
  `status_code` / `status_message` when `status_code` is not 0;
- Get replies with the text; Collect with the texts joined by " " after the half-close;
  Expand with one response per space-separated word; Update with one response per request;
- responses copy `payload` (Collect: the payloads concatenated; Expand: on every word);
- response headers repeat every request metadata entry whose key starts with `x-echo-`
  (repeated keys kept, `-bin` values as bytes); trailers carry `x-trailer: done`, also on
  errors.

Defaults are grpcio's: 4 MiB receive limit (a larger request ends with RESOURCE_EXHAUSTED).
`--compression` sets grpcio's server compression: responses go out in that encoding to clients
that accept it (requests in any encoding grpcio supports are accepted either way).
Status codes outside 1...16 are sent as UNKNOWN (grpcio only takes its StatusCode enum).
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import time

import grpc

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import echo_stubs  # noqa: E402

TRAILERS = (("x-trailer", "done"),)
CODES = {code.value[0]: code for code in grpc.StatusCode}
COMPRESSION = {"none": None, "gzip": grpc.Compression.Gzip, "deflate": grpc.Compression.Deflate}


def echoed_metadata(context):
    """The request metadata entries whose key starts with `x-echo-`, in order."""
    return tuple(
        (key, value) for key, value in (context.invocation_metadata() or ())
        if key.startswith("x-echo-")
    )


async def start_call(context):
    """Sends the response headers and sets the trailers every call carries."""
    context.set_trailing_metadata(TRAILERS)
    await context.send_initial_metadata(echoed_metadata(context))


async def apply(request, context):
    """Waits `delay_ms`, then aborts the call when `status_code` asks for it."""
    if request.delay_ms > 0:
        await asyncio.sleep(request.delay_ms / 1000)
    if request.status_code != 0:
        code = CODES.get(request.status_code, grpc.StatusCode.UNKNOWN)
        if code == grpc.StatusCode.OK:
            code = grpc.StatusCode.UNKNOWN
        await context.abort(code, request.status_message, trailing_metadata=TRAILERS)


def make_servicer(pb2, pb2_grpc):
    class EchoServicer(pb2_grpc.EchoServicer):
        async def Get(self, request, context):
            await start_call(context)
            await apply(request, context)
            return pb2.EchoResponse(text=request.text, payload=request.payload)

        async def Collect(self, request_iterator, context):
            await start_call(context)
            texts, payloads = [], []
            async for request in request_iterator:
                await apply(request, context)
                texts.append(request.text)
                payloads.append(request.payload)
            return pb2.EchoResponse(text=" ".join(texts), payload=b"".join(payloads))

        async def Expand(self, request, context):
            await start_call(context)
            await apply(request, context)
            for word in request.text.split(" "):
                if word:
                    yield pb2.EchoResponse(text=word, payload=request.payload)

        async def Update(self, request_iterator, context):
            await start_call(context)
            async for request in request_iterator:
                await apply(request, context)
                yield pb2.EchoResponse(text=request.text, payload=request.payload)

    return EchoServicer()


async def watch_parent(stop):
    """Stops the server when the process that started it dies (no orphans after a crashed test)."""
    parent = os.getppid()
    if parent <= 1:
        return
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    print("echo_server: parent process exited; stopping", file=sys.stderr, flush=True)
    stop.set()


async def serve(args):
    pb2, pb2_grpc = echo_stubs.load(args.proto)
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)], compression=COMPRESSION[args.compression])
    pb2_grpc.add_EchoServicer_to_server(make_servicer(pb2, pb2_grpc), server)
    host = f"[{args.host}]" if ":" in args.host else args.host
    port = server.add_insecure_port(f"{host}:{args.port}")
    if port == 0:
        print(f"echo_server: cannot bind {host}:{args.port}", file=sys.stderr, flush=True)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):  # before the listening line
        loop.add_signal_handler(signum, stop.set)
    await server.start()
    print(json.dumps({"event": "listening", "port": port}, separators=(",", ":")), flush=True)

    watcher = asyncio.create_task(watch_parent(stop)) if args.watch_parent else None
    await stop.wait()
    if watcher:
        watcher.cancel()
    start = time.monotonic()
    await server.stop(grace=1.0)
    print(f"echo_server: stopped in {time.monotonic() - start:.3f} s", file=sys.stderr, flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 takes a free port")
    parser.add_argument("--watch-parent", action="store_true",
                        help="stop when the parent process exits (spawn it directly, not via a shell)")
    parser.add_argument("--proto", default=None, help="path of echo.proto (default ../echo.proto)")
    parser.add_argument("--compression", choices=sorted(COMPRESSION), default="none",
                        help="compress responses (default none)")
    args = parser.parse_args()
    try:
        status = asyncio.run(serve(args))
    except echo_stubs.StubGenerationError as error:
        print(f"echo_server: {error}", file=sys.stderr, flush=True)
        return 2
    # The server is stopped: skip grpcio's interpreter teardown, exit at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    sys.exit(main())
