#!/usr/bin/env python3
"""A TCP proxy a test controls: it forwards bytes both ways until told to freeze, then stops
forwarding without closing any socket, so each end sees a peer that stopped answering; or it cuts
every open connection, as a load balancer or a NAT that drops connections does.

    python3 tcp_proxy.py --target-port N [--target-host 127.0.0.1] [--port 0] [--cut-every SECONDS]

Prints `{"event":"listening","port":N}` once bound. Commands on standard input, one a line:
`freeze` stops forwarding (bytes stay unread in the kernel) and prints `{"event":"frozen"}`;
`thaw` resumes and prints `{"event":"thawed"}`; `cut` aborts every open connection, both sides,
keeps listening, and prints `{"event":"cut","connections":N}` with the number it cut.
`--cut-every SECONDS` cuts like that every SECONDS by itself. Each accepted connection prints
`{"event":"accepted","connections":N}` and each ended one `{"event":"ended","connections":N}`.
Exits when standard input closes.
"""

import argparse
import asyncio
import json
import sys


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Proxy:
    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.connections = 0
        self.open = set()  # (client transport, server transport) of each forwarded connection

    async def pipe(self, reader, writer):
        try:
            while True:
                await self.flowing.wait()
                data = await reader.read(65536)
                if not data:
                    break
                await self.flowing.wait()
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def accept(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        pair = (client_writer.transport, server_writer.transport)
        self.open.add(pair)
        self.connections += 1
        emit(event="accepted", connections=self.connections)
        await asyncio.gather(self.pipe(client_reader, server_writer),
                             self.pipe(server_reader, client_writer))
        self.open.discard(pair)
        self.connections -= 1
        emit(event="ended", connections=self.connections)

    def cut(self):
        pairs = list(self.open)
        self.open.clear()
        for client, server in pairs:
            client.abort()
            server.abort()
        emit(event="cut", connections=len(pairs))

    async def cut_every(self, seconds):
        while True:
            await asyncio.sleep(seconds)
            self.cut()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--target-port", type=int, required=True)
    parser.add_argument("--cut-every", type=float, metavar="SECONDS")
    args = parser.parse_args()
    proxy = Proxy(args.target_host, args.target_port)
    server = await asyncio.start_server(proxy.accept, "127.0.0.1", args.port)
    emit(event="listening", port=server.sockets[0].getsockname()[1])
    cutter = asyncio.create_task(proxy.cut_every(args.cut_every)) if args.cut_every else None
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    while True:
        line = await stdin.readline()
        if not line:
            break
        command = line.decode().strip()
        if command == "freeze":
            proxy.flowing.clear()
            emit(event="frozen")
        elif command == "thaw":
            proxy.flowing.set()
            emit(event="thawed")
        elif command == "cut":
            proxy.cut()
    server.close()
    if cutter:
        cutter.cancel()


if __name__ == "__main__":
    asyncio.run(main())
