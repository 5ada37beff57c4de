#!/usr/bin/env python3
"""A raw HTTP/2 client (Python `h2`) that sends exactly one request, as the test asks for it.

    python3 raw_h2_client.py --port N --path /echo.Echo/Get [--host 127.0.0.1] [--method POST]
        [--header k:v]... [--drop-header k]... [--body-hex HEX] [--end-stream yes|no]
        [--rst-after-ms N] [--hold-ms N] [--timeout S]

Opens h2c with prior knowledge and sends one request. The default headers are `:method POST`,
`:scheme http`, `:path`, `:authority 127.0.0.1:N`, `content-type application/grpc` and
`te trailers`; `--header k:v` replaces the default of the same name (or adds a header; repeat
a name to send it several times) and `--drop-header k` removes one. The body is sent as is (the
caller builds the gRPC frames); `--end-stream no` leaves the request stream open after it.

Then it reads until the response stream ends, is reset, the connection ends, or `--timeout`
seconds pass (it never sends a timer of its own to the server), and prints ONE JSON line:

    {"headers": [[k, v], ...] | null, "headers_end_stream": bool, "data": "HEX",
     "trailers": [[k, v], ...] | null, "reset": CODE | null, "goaway": CODE | null,
     "ended": bool, "timed_out": bool, "elapsed_ms": N}

`elapsed_ms` runs from sending the request to the end of the response. With `--rst-after-ms N`
it sends RST_STREAM(CANCEL) N ms after the request (if the stream is still open), then a PING,
and prints the line once the PING is acknowledged (so the server has read the reset); with
`--hold-ms M` it keeps the connection open M ms more before closing it. Exits 0 after printing
the line, 2 when it cannot connect.
"""

import argparse
import json
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events

CANCEL = 8


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--method", default="POST")
    parser.add_argument("--header", action="append", default=[], help="k:v (repeatable)")
    parser.add_argument("--drop-header", action="append", default=[], help="k (repeatable)")
    parser.add_argument("--body-hex", default="")
    parser.add_argument("--end-stream", choices=("yes", "no"), default="yes")
    parser.add_argument("--rst-after-ms", type=int)
    parser.add_argument("--hold-ms", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=5.0)
    return parser.parse_args()


def request_headers(args):
    """The default headers, then the overrides, additions and removals, pseudo-headers first."""
    headers = [
        (":method", args.method), (":scheme", "http"), (":path", args.path),
        (":authority", f"{args.host}:{args.port}"),
        ("content-type", "application/grpc"), ("te", "trailers"),
    ]
    extra = []
    for item in args.header:
        name, sep, value = item.partition(":")
        if item.startswith(":"):  # a pseudo-header: ":name:value"
            name, sep, value = item[1:].partition(":")
            name = ":" + name
        if not sep:
            sys.exit(f"raw_h2_client: --header '{item}' is not k:v")
        extra.append((name.lower(), value))
    overridden = {name for name, _ in extra} | {name.lower() for name in args.drop_header}
    headers = [(k, v) for k, v in headers if k not in overridden]
    dropped = {name.lower() for name in args.drop_header}
    headers += [(k, v) for k, v in extra if k not in dropped]
    return sorted(headers, key=lambda field: not field[0].startswith(":"))


def decode(headers):
    return [[k.decode("utf-8", "replace"), v.decode("utf-8", "replace")] for k, v in headers]


class Exchange:
    """One connection, one stream; `pump` reads frames until a condition or a deadline."""

    def __init__(self, sock, conn):
        self.sock, self.conn = sock, conn
        self.stream_id = None
        self.result = {
            "headers": None, "headers_end_stream": False, "data": "", "trailers": None,
            "reset": None, "goaway": None, "ended": False, "timed_out": False, "elapsed_ms": 0,
        }
        self.data = bytearray()
        self.closed = False
        self.ping_acked = False

    @property
    def finished(self):
        r = self.result
        return r["ended"] or r["reset"] is not None or self.closed

    def flush(self):
        out = self.conn.data_to_send()
        if out:
            self.sock.sendall(out)

    def pump(self, until, deadline):
        """Reads until `until()` or `deadline`; returns False on the deadline."""
        while not until():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                return until()
            for event in self.conn.receive_data(chunk):
                self.handle(event)
            self.flush()
        return True

    def handle(self, event):
        r = self.result
        if isinstance(event, h2.events.ResponseReceived):
            r["headers"] = decode(event.headers)
            r["headers_end_stream"] = event.stream_ended is not None
        elif isinstance(event, h2.events.InformationalResponseReceived):
            pass
        elif isinstance(event, h2.events.DataReceived):
            self.data += event.data
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.TrailersReceived):
            r["trailers"] = decode(event.headers)
        elif isinstance(event, h2.events.StreamEnded):
            r["ended"] = True
        elif isinstance(event, h2.events.StreamReset):
            r["reset"] = event.error_code
        elif isinstance(event, h2.events.PingAckReceived):
            self.ping_acked = True
        elif isinstance(event, h2.events.ConnectionTerminated):
            r["goaway"] = event.error_code
            self.closed = True

    def send_request(self, args):
        headers = request_headers(args)
        body = bytes.fromhex(args.body_hex)
        end = args.end_stream == "yes"
        self.stream_id = self.conn.get_next_available_stream_id()
        self.conn.send_headers(self.stream_id, headers, end_stream=end and not body)
        step = self.conn.max_outbound_frame_size
        for offset in range(0, len(body), step):
            last = offset + step >= len(body)
            self.conn.send_data(self.stream_id, body[offset:offset + step], end_stream=end and last)
        self.flush()


def main():
    args = parse_args()
    try:
        sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
    except OSError as error:
        print(f"raw_h2_client: cannot connect to {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    config = h2.config.H2Configuration(client_side=True, header_encoding=None)
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    exchange = Exchange(sock, conn)
    exchange.flush()

    start = time.monotonic()
    deadline = start + args.timeout
    exchange.send_request(args)
    if args.rst_after_ms is not None:
        rst_at = min(deadline, start + args.rst_after_ms / 1000)
        exchange.pump(lambda: exchange.finished, rst_at)
        if not exchange.finished:
            conn.reset_stream(exchange.stream_id, error_code=CANCEL)
            conn.ping(b"rawh2ok!")
            exchange.flush()
            exchange.pump(lambda: exchange.ping_acked or exchange.closed, deadline)
            exchange.result["timed_out"] = not (exchange.ping_acked or exchange.closed)
    else:
        exchange.result["timed_out"] = not exchange.pump(lambda: exchange.finished, deadline)
    result = exchange.result
    result["elapsed_ms"] = round((time.monotonic() - start) * 1000)
    result["data"] = exchange.data.hex()
    print(json.dumps(result, separators=(",", ":")), flush=True)

    if args.hold_ms > 0 and not exchange.closed:
        exchange.pump(lambda: exchange.closed, time.monotonic() + args.hold_ms / 1000)
    try:
        conn.close_connection()
        exchange.flush()
    except OSError:
        pass
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
