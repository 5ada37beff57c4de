#!/usr/bin/env python3
"""A raw HTTP/2 peer (Python `h2`) that sends one compressed gRPC message of zeros: a zip bomb.

    python3 compressed_h2_peer.py client --port N [--path P] [--encoding gzip]
        [--zeros BYTES | --body-file PATH] [--timeout S]
    python3 compressed_h2_peer.py server [--port 0] [--encoding gzip]
        [--zeros BYTES | --body-file PATH] [--watch-parent]

The message is BYTES zero bytes (default 100 MiB) compressed with zlib as the encoding says
(`deflate`: zlib format; anything else: gzip format), streamed, so the peer never holds the
zeros; 100 MiB come to about 100 KB. With `--body-file` the compressed bytes are read from the
file instead (the Swift tests pass the bomb they already built). It is sent with the
compressed flag set and the header `grpc-encoding: ENCODING` (any name, so unsupported ones
can be tested).

client: sends the message as a request (h2c, prior knowledge, flow control respected), stops
sending once the response ends, and prints one JSON line:
    {"headers": [[k, v], ...] | null, "trailers": [[k, v], ...] | null, "reset": CODE | null,
     "sent": BYTES_OF_BODY_SENT, "body": BYTES_OF_BODY, "elapsed_ms": N, "timed_out": bool}
server: prints `{"event":"listening","port":N}`, answers every request with response headers
and the message, prints `{"event":"served","body":B}` once it is sent, and leaves the stream
open: the client has to end it. Prints `{"event":"reset","error_code":N,"sent":B,"body":B}`
when the client resets a stream.
Runs until SIGTERM or SIGINT (exit 0); with `--watch-parent` also once its parent exits.
"""

import argparse
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
import zlib

import h2.config
import h2.connection
import h2.events
import h2.exceptions


def compressed_zeros(count, encoding):
    """`count` zeros compressed in the encoding's format, behind a gRPC prefix with flag 1."""
    # Run-length strategy: for zeros as small as level 9 (~1:1000) and three times faster.
    compressor = zlib.compressobj(9, zlib.DEFLATED, 15 if encoding == "deflate" else 31, 8, zlib.Z_RLE)
    chunk = bytes(1 << 20)
    parts = []
    remaining = count
    while remaining > 0:
        step = min(remaining, len(chunk))
        parts.append(compressor.compress(chunk[:step]))
        remaining -= step
    parts.append(compressor.flush())
    body = b"".join(parts)
    return struct.pack(">BI", 1, len(body)) + body


def decode(headers):
    return [[k.decode("utf-8", "replace"), v.decode("utf-8", "replace")] for k, v in headers]


def emit(obj):
    print(json.dumps(obj, separators=(",", ":")), flush=True)


class Sender:
    """Sends one body on one stream as flow control allows."""

    def __init__(self, conn, stream_id, body):
        self.conn, self.stream_id, self.body, self.sent = conn, stream_id, body, 0
        self.done = False

    def pump(self):
        while not self.done and self.sent < len(self.body):
            window = min(self.conn.local_flow_control_window(self.stream_id), self.conn.max_outbound_frame_size)
            if window <= 0:
                return
            step = min(window, len(self.body) - self.sent)
            self.conn.send_data(self.stream_id, self.body[self.sent:self.sent + step])
            self.sent += step


def run_client(args, body):
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))
    conn.initiate_connection()
    stream_id = conn.get_next_available_stream_id()
    conn.send_headers(stream_id, [
        (":method", "POST"), (":scheme", "http"), (":path", args.path),
        (":authority", f"127.0.0.1:{args.port}"), ("content-type", "application/grpc"),
        ("te", "trailers"), ("grpc-encoding", args.encoding),
    ])
    sender = Sender(conn, stream_id, body)
    result = {"headers": None, "trailers": None, "reset": None, "sent": 0, "body": len(body),
              "elapsed_ms": 0, "timed_out": False}
    start = time.monotonic()
    deadline = start + args.timeout
    ended = False
    while not ended:
        sender.pump()
        if sender.sent == len(body) and not sender.done:
            conn.end_stream(stream_id)
            sender.done = True
        sock.sendall(conn.data_to_send())
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            result["timed_out"] = True
            break
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            result["timed_out"] = True
            break
        if not chunk:
            break
        for event in conn.receive_data(chunk):
            if isinstance(event, h2.events.ResponseReceived):
                result["headers"] = decode(event.headers)
                if event.stream_ended is not None:
                    ended = True
            elif isinstance(event, h2.events.TrailersReceived):
                result["trailers"] = decode(event.headers)
            elif isinstance(event, h2.events.DataReceived):
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                ended = True
            elif isinstance(event, h2.events.StreamReset):
                result["reset"] = event.error_code
                ended = True
            elif isinstance(event, h2.events.ConnectionTerminated):
                ended = True
        sender.done = sender.done or ended
    result["sent"] = sender.sent
    result["elapsed_ms"] = round((time.monotonic() - start) * 1000)
    emit(result)
    sock.close()
    return 0


def serve_connection(sock, args, body):
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding=None))
    conn.initiate_connection()
    senders = {}
    try:
        while True:
            for stream_id, sender in list(senders.items()):
                sender.pump()
                if sender.sent == len(body) and not sender.done:
                    sender.done = True
                    emit({"event": "served", "body": len(body)})
            sock.sendall(conn.data_to_send())
            chunk = sock.recv(65536)
            if not chunk:
                return
            for event in conn.receive_data(chunk):
                if isinstance(event, h2.events.RequestReceived):
                    conn.send_headers(event.stream_id, [
                        (":status", "200"), ("content-type", "application/grpc"),
                        ("grpc-encoding", args.encoding),
                    ])
                    senders[event.stream_id] = Sender(conn, event.stream_id, body)
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamReset):
                    sender = senders.pop(event.stream_id, None)
                    emit({"event": "reset", "error_code": event.error_code,
                          "sent": sender.sent if sender else None, "body": len(body)})
                elif isinstance(event, h2.events.ConnectionTerminated):
                    return
    except (OSError, h2.exceptions.ProtocolError):
        pass
    finally:
        sock.close()


def run_server(args, body):
    listener = socket.create_server(("127.0.0.1", args.port))
    emit({"event": "listening", "port": listener.getsockname()[1]})

    def accept():
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve_connection, args=(sock, args, body), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    parent = os.getppid()
    while not stop.wait(0.5):
        if args.watch_parent and os.getppid() != parent:
            break
    listener.close()
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("client", "server"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--path", default="/echo.Echo/Get")
    parser.add_argument("--encoding", default="gzip")
    parser.add_argument("--zeros", type=int, default=100 << 20)
    parser.add_argument("--body-file", help="the compressed message, instead of --zeros")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--watch-parent", action="store_true")
    args = parser.parse_args()
    if args.body_file:
        with open(args.body_file, "rb") as file:
            compressed = file.read()
        body = struct.pack(">BI", 1, len(compressed)) + compressed
    else:
        body = compressed_zeros(args.zeros, args.encoding)
    return run_client(args, body) if args.mode == "client" else run_server(args, body)


if __name__ == "__main__":
    sys.exit(main())
