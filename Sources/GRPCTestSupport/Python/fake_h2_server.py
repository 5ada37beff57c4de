#!/usr/bin/env python3
"""A fake HTTP/2 server (Python `h2`) that answers every request with one fixed response.

    python3 fake_h2_server.py --port 0 --status N [--grpc-status X] [--content-type T]
        [--end-stream-on-headers yes|no] [--host 127.0.0.1] [--watch-parent]

Serves h2c with prior knowledge. Prints `{"event":"listening","port":N}` as its first stdout
line, then answers every request with HEADERS `:status N` (plus `content-type T` and
`grpc-status X` when given) and no body: by default the HEADERS frame ends the stream; with
`--end-stream-on-headers no` an empty DATA frame with END_STREAM follows it. Request bodies are
read and discarded. Runs until SIGTERM or SIGINT (exit 0); with `--watch-parent` also stops once
its parent process exits.
"""

import argparse
import asyncio
import json
import os
import signal
import sys

import h2.config
import h2.connection
import h2.events
import h2.exceptions


def response_headers(args):
    headers = [(":status", str(args.status))]
    if args.content_type is not None:
        headers.append(("content-type", args.content_type))
    if args.grpc_status is not None:
        headers.append(("grpc-status", str(args.grpc_status)))
    return headers


async def serve_connection(reader, writer, args):
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    writer.write(conn.data_to_send())
    end_on_headers = args.end_stream_on_headers == "yes"
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            for event in conn.receive_data(chunk):
                if isinstance(event, h2.events.RequestReceived):
                    conn.send_headers(event.stream_id, response_headers(args), end_stream=end_on_headers)
                    if not end_on_headers:
                        conn.send_data(event.stream_id, b"", end_stream=True)
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    break
            writer.write(conn.data_to_send())
            await writer.drain()
    except (ConnectionError, h2.exceptions.ProtocolError):
        pass
    finally:
        writer.close()


async def watch_parent(stop):
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(0.5)
    print("fake_h2_server: parent process exited; stopping", file=sys.stderr, flush=True)
    stop.set()


async def serve(args):
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):  # before the listening line
        loop.add_signal_handler(signum, stop.set)
    server = await asyncio.start_server(
        lambda r, w: serve_connection(r, w, args), host=args.host, port=args.port)
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"event": "listening", "port": port}, separators=(",", ":")), flush=True)
    watcher = asyncio.create_task(watch_parent(stop)) if args.watch_parent else None
    await stop.wait()
    if watcher:
        watcher.cancel()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--grpc-status", type=int)
    parser.add_argument("--content-type")
    parser.add_argument("--end-stream-on-headers", choices=("yes", "no"), default="yes")
    parser.add_argument("--watch-parent", action="store_true",
                        help="stop when the parent process exits (spawn it directly, not via a shell)")
    asyncio.run(serve(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
