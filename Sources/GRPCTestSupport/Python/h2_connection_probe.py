#!/usr/bin/env python3
"""A raw HTTP/2 client (hyperframe + hpack, no HTTP/2 state machine) that reports the
connection-level frames a server sends: GOAWAY, PING, and the frames of one optional stream.

    python3 h2_connection_probe.py --port N [--host 127.0.0.1] [--open-stream PATH]
        [--body-hex HEX] [--ping-count N] [--ping-interval-ms M] [--ack-pings yes|no]
        [--streams-after-settings N] [--timeout S]

Opens h2c with prior knowledge (preface + empty SETTINGS), acknowledges the server's SETTINGS
and, with `--ack-pings yes` (the default), its PINGs. With `--open-stream PATH` it opens one gRPC
request stream (`--body-hex` sent as DATA) and leaves it open; `--streams-after-settings N`
opens N more (stream 3, 5, ...) right after acknowledging the server's SETTINGS. It then prints
`{"event":"ready"}` and, with `--ping-count N`, sends N PINGs `--ping-interval-ms` apart
(stopping at the first GOAWAY). Every frame that follows is printed as one JSON line, in
arrival order:

    {"event":"goaway","last_stream_id":N,"error_code":C,"debug":"..."}
    {"event":"ping","ack":bool,"data":"HEX"}
    {"event":"headers"|"data"|"rst_stream","stream_id":N,...}

and finally `{"event":"closed","elapsed_ms":N}` when the server closes the connection (from
`ready`), or `{"event":"timeout"}` after `--timeout` seconds. Exits 0 after either, 2 when it
cannot connect.
"""

import argparse
import json
import select
import socket
import sys
import time

import hpack
from hyperframe.frame import (DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame,
                              RstStreamFrame, SettingsFrame, WindowUpdateFrame)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--open-stream")
    parser.add_argument("--body-hex", default="")
    parser.add_argument("--ping-count", type=int, default=0)
    parser.add_argument("--ping-interval-ms", type=int, default=10)
    parser.add_argument("--ack-pings", choices=("yes", "no"), default="yes")
    parser.add_argument("--streams-after-settings", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60.0)
    return parser.parse_args()


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Connection:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""
        self.decoder = hpack.Decoder()

    def send(self, frame):
        """Sends `frame`; a connection the server already closed is reported by the next read
        (`closed`), not here."""
        try:
            self.sock.sendall(frame.serialize())
        except OSError:
            pass

    def read_frames(self, timeout):
        """Frames that arrive within `timeout`; None once the server closed the connection."""
        ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if ready:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self.buffer += chunk
        frames = []
        while len(self.buffer) >= 9:
            frame, length = Frame.parse_frame_header(memoryview(self.buffer[:9]))
            if len(self.buffer) < 9 + length:
                break
            frame.parse_body(memoryview(self.buffer[9:9 + length]))
            self.buffer = self.buffer[9 + length:]
            frames.append(frame)
        return frames

    def describe(self, frame):
        if isinstance(frame, GoAwayFrame):
            return dict(event="goaway", last_stream_id=frame.last_stream_id,
                        error_code=frame.error_code,
                        debug=frame.additional_data.decode("utf-8", "replace"))
        if isinstance(frame, PingFrame):
            return dict(event="ping", ack="ACK" in frame.flags, data=frame.opaque_data.hex())
        if isinstance(frame, HeadersFrame):
            headers = [[k.decode() if isinstance(k, bytes) else k,
                        v.decode() if isinstance(v, bytes) else v]
                       for k, v in self.decoder.decode(frame.data)]
            return dict(event="headers", stream_id=frame.stream_id, headers=headers,
                        end_stream="END_STREAM" in frame.flags)
        if isinstance(frame, DataFrame):
            return dict(event="data", stream_id=frame.stream_id, data=frame.data.hex(),
                        end_stream="END_STREAM" in frame.flags)
        if isinstance(frame, RstStreamFrame):
            return dict(event="rst_stream", stream_id=frame.stream_id, error_code=frame.error_code)
        return None


def main():
    args = parse_args()
    try:
        sock = socket.create_connection((args.host, args.port), timeout=5)
    except OSError as error:
        print(f"h2_connection_probe: cannot connect to {args.host}:{args.port}: {error}",
              file=sys.stderr)
        return 2
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection = Connection(sock)
    sock.sendall(PREFACE + SettingsFrame(0).serialize())
    encoder = hpack.Encoder()

    def open_stream(stream_id):
        headers = HeadersFrame(stream_id)
        headers.data = encoder.encode([
            (":method", "POST"), (":scheme", "http"), (":path", args.open_stream),
            (":authority", f"{args.host}:{args.port}"), ("content-type", "application/grpc"),
            ("te", "trailers")])
        headers.flags.add("END_HEADERS")
        connection.send(headers)

    if args.open_stream:
        open_stream(1)
        if args.body_hex:
            connection.send(DataFrame(1, data=bytes.fromhex(args.body_hex)))

    started = time.monotonic()
    deadline = started + args.timeout
    announced = False
    pings_sent = 0
    next_ping = None
    goaway_seen = False
    while time.monotonic() < deadline:
        wait = deadline - time.monotonic()
        if next_ping is not None:
            wait = min(wait, next_ping - time.monotonic())
        frames = connection.read_frames(wait)
        if frames is None:
            emit(event="closed", elapsed_ms=int((time.monotonic() - started) * 1000))
            return 0
        for frame in frames:
            if isinstance(frame, SettingsFrame) and "ACK" not in frame.flags:
                connection.send(SettingsFrame(0, flags=["ACK"]))
                if not announced and args.open_stream:
                    for index in range(args.streams_after_settings):
                        open_stream(3 + 2 * index)
                if not announced:
                    announced = True
                    started = time.monotonic()
                    emit(event="ready")
                    if args.ping_count:
                        next_ping = time.monotonic()
                continue
            if isinstance(frame, PingFrame) and "ACK" not in frame.flags and args.ack_pings == "yes":
                connection.send(PingFrame(0, opaque_data=frame.opaque_data, flags=["ACK"]))
            if isinstance(frame, DataFrame) and frame.flow_controlled_length:
                connection.send(WindowUpdateFrame(0, window_increment=frame.flow_controlled_length))
                connection.send(WindowUpdateFrame(frame.stream_id,
                                                  window_increment=frame.flow_controlled_length))
            if isinstance(frame, GoAwayFrame):
                goaway_seen = True
            described = connection.describe(frame)
            if described:
                emit(**described)
        if next_ping is not None and time.monotonic() >= next_ping:
            if goaway_seen or pings_sent >= args.ping_count:
                next_ping = None
            else:
                pings_sent += 1
                try:
                    connection.send(PingFrame(0, opaque_data=pings_sent.to_bytes(8, "big")))
                except OSError:
                    pass
                next_ping = time.monotonic() + args.ping_interval_ms / 1000
    emit(event="timeout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
