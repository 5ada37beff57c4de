#!/usr/bin/env python3
"""A TCP proxy that cuts its connections on demand, for the soak (scripts/soak.sh).

    soak-proxy.py --upstream-port N [--port 0]

Listens on 127.0.0.1 (--port 0: a free port) and forwards every connection to
127.0.0.1:UPSTREAM. Its first line on stdout is {"event":"listening","port":P}. SIGUSR1 cuts
every open connection at once (both sides aborted, as a failing middlebox or a lost network
path would); each cut prints {"event":"cut","connections":N}. A connection whose upstream
cannot be reached (the replica is restarting) is closed at once. SIGTERM ends the proxy.
"""

import argparse
import asyncio
import json
import signal
import sys


class Proxy:
    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        # Every open pair, as the two transports to abort on a cut.
        self.pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self.pairs.add(pair)
        try:
            await asyncio.gather(self.pump(reader, up_writer), self.pump(up_reader, writer))
        finally:
            self.pairs.discard(pair)
            writer.transport.abort()
            up_writer.transport.abort()

    @staticmethod
    async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await source.read(65536)
                if not data:
                    break
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            # One direction ended: end the other one too (the peer of a gRPC connection
            # never half-closes TCP while it still expects replies).
            sink.transport.abort()

    def cut(self) -> None:
        count = len(self.pairs)
        for client, upstream in list(self.pairs):
            client.transport.abort()
            upstream.transport.abort()
        self.pairs.clear()
        emit({"event": "cut", "connections": count})


def emit(fields: dict) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if not 1 <= args.upstream_port <= 65535:
        parser.error(f"--upstream-port {args.upstream_port} is not a port in 1...65535")

    proxy = Proxy(args.upstream_port)
    server = await asyncio.start_server(proxy.serve, "127.0.0.1", args.port, reuse_address=True)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGUSR1, proxy.cut)
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    loop.add_signal_handler(signal.SIGINT, lambda: stop.done() or stop.set_result(None))
    emit({"event": "listening", "port": server.sockets[0].getsockname()[1]})
    async with server:
        await stop
        proxy.cut()


if __name__ == "__main__":
    asyncio.run(main())
