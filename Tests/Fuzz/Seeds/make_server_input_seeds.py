#!/usr/bin/env python3
"""Writes the seed corpus of FuzzServerInput: what gRPC clients send, built with Python's h2.

Each seed is one byte (the chunk size the target feeds, minus one) and a client's bytes.
Run from the repository root: python3 Tests/Fuzz/Seeds/make_server_input_seeds.py
"""
import gzip
import os
import struct
import zlib

import h2.config
import h2.connection

OUT = "Tests/Fuzz/Corpus/FuzzServerInput"
GRPC = [
    (":method", "POST"), (":scheme", "http"), (":path", "/echo.Echo/Get"),
    (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
]


def frame(body, compressed=False):
    return struct.pack(">BI", 1 if compressed else 0, len(body)) + body


def client():
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    return conn


def seed(name, conn, chunk=255):
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(bytes([chunk]) + conn.data_to_send())


def unary(conn, stream, headers=GRPC, body=frame(b"\x0a\x02hi"), end=True):
    conn.send_headers(stream, headers)
    pieces = [body[i:i + 16384] for i in range(0, len(body), 16384)] or [b""]
    for i, piece in enumerate(pieces):
        conn.send_data(stream, piece, end_stream=end and i == len(pieces) - 1)


os.makedirs(OUT, exist_ok=True)

c = client(); unary(c, 1); seed("unary", c)
c = client(); unary(c, 1); seed("unary-byte-by-byte", c, chunk=0)
c = client(); unary(c, 1, headers=GRPC + [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip")],
                   body=frame(gzip.compress(b"\x0a\x05hello"), compressed=True)); seed("gzip", c)
c = client(); unary(c, 1, headers=GRPC + [("grpc-encoding", "deflate")],
                   body=frame(zlib.compress(b"\x0a\x01x"), compressed=True)); seed("deflate", c)
c = client(); unary(c, 1, headers=GRPC + [("grpc-timeout", "100m"), ("x-user", "ada"), ("x-bin", "AAE=")]); seed("metadata", c)
c = client(); unary(c, 1, headers=[(k, "GET" if k == ":method" else v) for k, v in GRPC]); seed("get", c)
c = client(); unary(c, 1, headers=[(k, "text/plain" if k == "content-type" else v) for k, v in GRPC]); seed("text-plain", c)
c = client(); unary(c, 1, headers=[(k, "/echo.Echo/Nope" if k == ":path" else v) for k, v in GRPC]); seed("unknown-path", c)
c = client(); unary(c, 1, body=frame(b"\x0a\x02hi")[:-1]); seed("truncated", c)
c = client(); unary(c, 1, body=frame(b"x" * 20000)); seed("large-message", c, chunk=127)
c = client(); unary(c, 1, body=frame(b"a") + frame(b"bb") + frame(b"ccc") + frame(b"")); seed("several-messages", c)
c = client()
unary(c, 1, end=False)
c.send_headers(1, [("x-trailer", "1")], end_stream=True)
seed("request-trailers", c)
c = client()
unary(c, 1, end=False)
c.reset_stream(1)
seed("reset", c)
c = client()
for stream in (1, 3, 5):
    unary(c, stream, body=frame(bytes([stream]) * stream))
c.ping(b"12345678")
c.increment_flow_control_window(100000)
seed("three-streams-ping-window", c)
