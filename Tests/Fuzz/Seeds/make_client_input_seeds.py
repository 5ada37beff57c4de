#!/usr/bin/env python3
"""Writes the seed corpus of FuzzClientInput: what gRPC servers answer to three calls (streams 1,
3 and 5), built with Python's h2.

Each seed is one byte (the chunk size the target feeds, minus one) and a server's bytes.
Run from the repository root: python3 Tests/Fuzz/Seeds/make_client_input_seeds.py
"""
import gzip
import os
import struct

import h2.config
import h2.connection
import h2.errors

OUT = "Tests/Fuzz/Corpus/FuzzClientInput"
REQUEST = [
    (":method", "POST"), (":scheme", "http"), (":path", "/echo.Echo/Get"),
    (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
]
OK = [(":status", "200"), ("content-type", "application/grpc")]


def frame(body, compressed=False):
    return struct.pack(">BI", 1 if compressed else 0, len(body)) + body


def server():
    """A server that has received three requests; its output so far is only its preface."""
    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    client.initiate_connection()
    for stream in (1, 3, 5):
        client.send_headers(stream, REQUEST, end_stream=True)
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
    conn.initiate_connection()
    conn.receive_data(client.data_to_send())
    return conn


def seed(name, conn, chunk=255):
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(bytes([chunk]) + conn.data_to_send())


def answer(conn, stream, headers=OK, body=frame(b"\x0a\x02hi"), trailers=(("grpc-status", "0"),)):
    conn.send_headers(stream, headers)
    if body:
        conn.send_data(stream, body)
    conn.send_headers(stream, list(trailers), end_stream=True)


os.makedirs(OUT, exist_ok=True)

s = server(); [answer(s, n) for n in (1, 3, 5)]; seed("three-answers", s)
s = server(); answer(s, 1); seed("byte-by-byte", s, chunk=0)
s = server(); answer(s, 1, headers=OK + [("grpc-encoding", "gzip")], body=frame(gzip.compress(b"\x0a\x01x"), compressed=True)); seed("gzip", s)
s = server(); s.send_headers(1, OK + [("grpc-status", "5"), ("grpc-message", "not%20found")], end_stream=True); seed("trailers-only", s)
s = server(); s.send_headers(1, [(":status", "503")], end_stream=True); seed("http-503", s)
s = server(); s.send_headers(1, [(":status", "200"), ("content-type", "text/html")]); s.send_data(1, b"<html>", end_stream=True); seed("html", s)
s = server(); answer(s, 1, body=frame(b"a") + frame(b"bb") + frame(b"")); seed("several-messages", s)
s = server(); answer(s, 1, body=frame(b"hello")[:-2], trailers=(("grpc-status", "0"),)); seed("cut-message", s)
s = server(); s.send_headers(1, OK); s.send_data(1, frame(b"x"), end_stream=True); seed("no-trailers", s)
s = server(); s.reset_stream(1, h2.errors.ErrorCodes.REFUSED_STREAM); s.reset_stream(3, h2.errors.ErrorCodes.CANCEL); seed("resets", s)
s = server(); s.close_connection(h2.errors.ErrorCodes.ENHANCE_YOUR_CALM, b"too_many_pings", last_stream_id=1); seed("goaway", s)
s = server(); answer(s, 1, trailers=(("grpc-status", "3"), ("grpc-message", "bad"), ("x-trailer", "1"))); seed("error-trailers", s)
