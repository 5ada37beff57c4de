#!/usr/bin/env python3
"""grpcio client checks against a server of `echo.Echo` (the Swift server in the interop tests).

    python3 echo_client_checks.py --target 127.0.0.1:PORT [--only a,b] [--list] [--proto PATH]

Prints one JSON line per check, `{"check": NAME, "ok": true|false, "detail": "..."}`, and exits
0 only when every check that ran passed (1 otherwise, 2 on bad arguments or stub generation).
Every check has its own RPC deadlines and a wall-clock guard, so a stuck server fails the
check instead of hanging the script. The server must have grpc's default 4 MiB receive limit.
"""

import argparse
import json
import os
import queue
import sys
import threading
import time
from concurrent import futures

import grpc

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import echo_stubs  # noqa: E402

RPC_TIMEOUT = 5.0     # seconds, deadline of an ordinary call
CHECK_GUARD = 20.0    # seconds, wall-clock bound of one check
MIB = 1024 * 1024
CHANNEL_OPTIONS = [
    ("grpc.enable_http_proxy", 0),
    ("grpc.max_send_message_length", -1),
    ("grpc.max_receive_message_length", 16 * MIB),
]


class CheckFailed(Exception):
    """A check saw something other than what the echo semantics promise."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def expect_status(error, code, what):
    expect(isinstance(error, grpc.RpcError), f"{what}: expected {code.name}, got {error!r}")
    expect(error.code() == code, f"{what}: expected {code.name}, got {error.code().name} "
                                 f"({error.details()!r})")


class Checks:
    """The named checks; each method returns a detail string or raises."""

    def __init__(self, channel, pb2, pb2_grpc):
        self.channel = channel
        self.pb2 = pb2
        self.stub = pb2_grpc.EchoStub(channel)

    def request(self, **fields):
        return self.pb2.EchoRequest(**fields)

    def get_error(self, request, timeout=RPC_TIMEOUT, **kwargs):
        try:
            response = self.stub.Get(request, timeout=timeout, **kwargs)
        except grpc.RpcError as error:
            return error
        raise CheckFailed(f"expected an error status, got a response {response!r}")

    # -- unary ---------------------------------------------------------------------------------

    def unary_ok(self):
        response = self.stub.Get(self.request(text="hello", payload=b"\x00\x01\xff"),
                                 timeout=RPC_TIMEOUT)
        expect(response.text == "hello", f"text {response.text!r}")
        expect(response.payload == b"\x00\x01\xff", f"payload {response.payload!r}")
        return "Get returned the text and payload"

    def metadata_echo(self):
        binary = bytes(range(256))
        sent = [("x-echo-a", "1"), ("x-echo-b", "first"), ("x-echo-b", "second"),
                ("x-echo-bin", binary), ("x-other", "not echoed")]
        response, call = self.stub.Get.with_call(self.request(text="md"), metadata=sent,
                                                 timeout=RPC_TIMEOUT)
        expect(response.text == "md", f"text {response.text!r}")
        initial = list(call.initial_metadata() or ())
        echoed = {}
        for key, value in initial:
            echoed.setdefault(key, []).append(value)
        expect(echoed.get("x-echo-a") == ["1"], f"x-echo-a: {echoed.get('x-echo-a')!r}")
        expect(echoed.get("x-echo-b") == ["first", "second"],
               f"x-echo-b (repeated, in order): {echoed.get('x-echo-b')!r}")
        expect(echoed.get("x-echo-bin") == [binary],
               f"x-echo-bin: {echoed.get('x-echo-bin')!r:.80}")
        expect("x-other" not in echoed, "x-other was echoed but does not start with x-echo-")
        trailing = [tuple(entry) for entry in call.trailing_metadata() or ()]
        expect(("x-trailer", "done") in trailing, f"trailers {trailing!r}")
        return f"initial keys {[key for key, _ in initial]}, trailers {trailing}"

    def unary_error_status(self):
        message = "not found: 100% ✓"
        error = self.get_error(self.request(text="x", status_code=5, status_message=message))
        expect_status(error, grpc.StatusCode.NOT_FOUND, "Get")
        expect(error.details() == message, f"message {error.details()!r}, want {message!r}")
        return f"NOT_FOUND with {message!r}"

    def error_trailers(self):
        error = self.get_error(self.request(text="x", status_code=9, status_message="nope"))
        expect_status(error, grpc.StatusCode.FAILED_PRECONDITION, "Get")
        trailing = [tuple(entry) for entry in error.trailing_metadata() or ()]
        expect(("x-trailer", "done") in trailing, f"trailers of the error {trailing!r}")
        return "the error carried x-trailer: done"

    def all_status_codes(self):
        for number in range(1, 17):
            message = f"code {number}"
            error = self.get_error(self.request(status_code=number, status_message=message))
            expect(isinstance(error, grpc.RpcError), f"code {number}: {error!r}")
            got = error.code().value[0]
            expect(got == number, f"sent code {number}, got {got} ({error.details()!r})")
            expect(error.details() == message, f"code {number}: message {error.details()!r}")
        return "codes 1...16 round-tripped with their messages"

    def deadline(self):
        start = time.monotonic()
        error = self.get_error(self.request(text="slow", delay_ms=2000), timeout=0.2)
        elapsed = time.monotonic() - start
        expect_status(error, grpc.StatusCode.DEADLINE_EXCEEDED, "Get with delay 2 s, timeout 0.2 s")
        expect(elapsed < 1.0, f"took {elapsed:.2f} s")
        return f"DEADLINE_EXCEEDED after {elapsed:.3f} s"

    # -- streaming -----------------------------------------------------------------------------

    def client_streaming(self):
        texts = ["alpha", "beta", "gamma"]
        response, call = self.stub.Collect.with_call(
            iter([self.request(text=t) for t in texts]), timeout=RPC_TIMEOUT)
        expect(response.text == "alpha beta gamma", f"text {response.text!r}")
        expect(call.code() == grpc.StatusCode.OK, f"status {call.code()}")
        return "Collect joined 3 texts"

    def server_streaming(self):
        call = self.stub.Expand(self.request(text="the quick brown fox"), timeout=RPC_TIMEOUT)
        words = [response.text for response in call]
        expect(words == ["the", "quick", "brown", "fox"], f"words {words!r}")
        expect(call.code() == grpc.StatusCode.OK, f"status {call.code()}")
        trailing = [tuple(entry) for entry in call.trailing_metadata() or ()]
        expect(("x-trailer", "done") in trailing, f"trailers {trailing!r}")
        return "Expand streamed 4 words"

    def bidi_pingpong(self):
        outbox = queue.Queue()
        call = self.stub.Update(iter(outbox.get, None), timeout=RPC_TIMEOUT)
        try:
            for index in range(10):
                text = f"message {index}"
                outbox.put(self.request(text=text))
                response = next(call)  # one in flight: send one, read one
                expect(response.text == text, f"reply {index}: {response.text!r}")
            outbox.put(None)
            rest = list(call)
            expect(rest == [], f"unexpected extra replies {rest!r}")
            expect(call.code() == grpc.StatusCode.OK, f"status {call.code()}")
        finally:
            outbox.put(None)
            call.cancel()
        return "10 interleaved messages in order, then OK"

    def bidi_half_close(self):
        outbox = queue.Queue()
        call = self.stub.Update(iter(outbox.get, None), timeout=RPC_TIMEOUT)
        try:
            outbox.put(self.request(text="one"))
            outbox.put(self.request(text="two"))
            outbox.put(None)  # half-close
            texts = [response.text for response in call]
            expect(texts == ["one", "two"], f"replies {texts!r}")
            expect(call.code() == grpc.StatusCode.OK, f"status {call.code()}")
            trailing = [tuple(entry) for entry in call.trailing_metadata() or ()]
            expect(("x-trailer", "done") in trailing, f"trailers {trailing!r}")
        finally:
            call.cancel()
        return "server ended with OK after the half-close"

    def client_cancel(self):
        outbox = queue.Queue()
        call = self.stub.Update(iter(outbox.get, None), timeout=RPC_TIMEOUT)
        outbox.put(self.request(text="before cancel"))
        first = next(call)
        expect(first.text == "before cancel", f"reply {first.text!r}")
        start = time.monotonic()
        call.cancel()
        outbox.put(None)
        try:
            extra = list(call)
            raise CheckFailed(f"stream went on after cancel: {extra!r}")
        except grpc.RpcError as error:
            expect_status(error, grpc.StatusCode.CANCELLED, "cancelled Update")
        elapsed = time.monotonic() - start
        expect(elapsed < 1.0, f"cancel took {elapsed:.2f} s")
        after = self.stub.Get(self.request(text="after"), timeout=RPC_TIMEOUT)
        expect(after.text == "after", f"call after cancel: {after.text!r}")
        return f"cancelled in {elapsed:.3f} s; the connection still serves calls"

    # -- limits and routing --------------------------------------------------------------------

    def large_message(self):
        payload = bytes(range(256)) * (3 * MIB // 256)
        response = self.stub.Get(self.request(text="big", payload=payload), timeout=RPC_TIMEOUT * 2)
        expect(response.payload == payload, f"payload of {len(response.payload)} bytes differs")
        return f"{len(payload)} bytes round-tripped"

    def too_large_message(self):
        payload = b"\x5a" * (5 * MIB)
        error = self.get_error(self.request(text="too big", payload=payload),
                               timeout=RPC_TIMEOUT * 2)
        expect_status(error, grpc.StatusCode.RESOURCE_EXHAUSTED, "Get with 5 MiB")
        return f"RESOURCE_EXHAUSTED ({error.details()!r})"

    def unknown_method(self):
        return self.unimplemented("/echo.Echo/Nope")

    def unknown_service(self):
        return self.unimplemented("/echo.Nope/Get")

    def unimplemented(self, path):
        method = self.channel.unary_unary(
            path, request_serializer=self.pb2.EchoRequest.SerializeToString,
            response_deserializer=self.pb2.EchoResponse.FromString)
        try:
            method(self.request(text="x"), timeout=RPC_TIMEOUT)
        except grpc.RpcError as error:
            expect_status(error, grpc.StatusCode.UNIMPLEMENTED, path)
            return f"{path}: UNIMPLEMENTED ({error.details()!r})"
        raise CheckFailed(f"{path} succeeded")

    def concurrent_unary(self):
        count = 50
        calls = [self.stub.Get.future(self.request(text=f"c{i}"), timeout=RPC_TIMEOUT)
                 for i in range(count)]
        texts = [call.result().text for call in calls]
        expect(texts == [f"c{i}" for i in range(count)], "replies do not match their requests")
        return f"{count} concurrent calls on one channel succeeded"


CHECKS = [
    ("unary_ok", Checks.unary_ok),
    ("metadata_echo", Checks.metadata_echo),
    ("unary_error_status", Checks.unary_error_status),
    ("error_trailers", Checks.error_trailers),
    ("all_status_codes", Checks.all_status_codes),
    ("client_streaming", Checks.client_streaming),
    ("server_streaming", Checks.server_streaming),
    ("bidi_pingpong", Checks.bidi_pingpong),
    ("bidi_half_close", Checks.bidi_half_close),
    ("deadline", Checks.deadline),
    ("client_cancel", Checks.client_cancel),
    ("large_message", Checks.large_message),
    ("too_large_message", Checks.too_large_message),
    ("unknown_method", Checks.unknown_method),
    ("unknown_service", Checks.unknown_service),
    ("concurrent_unary", Checks.concurrent_unary),
]


def run_check(checks, function):
    """Runs one check in a daemon thread bounded by CHECK_GUARD; returns (ok, detail)."""
    outcome = {}

    def body():
        try:
            outcome["result"] = (True, function(checks))
        except CheckFailed as failure:
            outcome["result"] = (False, str(failure))
        except grpc.RpcError as error:
            outcome["result"] = (False, f"unexpected status {error.code().name}: {error.details()!r}")
        except Exception as error:  # report, never crash the run
            outcome["result"] = (False, f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(CHECK_GUARD)
    return outcome.get("result", (False, f"no result within {CHECK_GUARD:.0f} s (hung)"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", help="HOST:PORT of the echo.Echo server")
    parser.add_argument("--only", default="", help="comma-separated check names to run")
    parser.add_argument("--list", action="store_true", help="print the check names and exit")
    parser.add_argument("--proto", default=None, help="path of echo.proto (default ../echo.proto)")
    args = parser.parse_args()
    names = [name for name, _ in CHECKS]
    if args.list:
        print("\n".join(names))
        return 0
    if not args.target:
        parser.error("--target is required")
    selected = [name for name in args.only.split(",") if name] or names
    unknown = [name for name in selected if name not in names]
    if unknown:
        parser.error(f"unknown checks {unknown}; known: {names}")
    try:
        pb2, pb2_grpc = echo_stubs.load(args.proto)
    except echo_stubs.StubGenerationError as error:
        print(f"echo_client_checks: {error}", file=sys.stderr, flush=True)
        return 2

    channel = grpc.insecure_channel(args.target, options=CHANNEL_OPTIONS)
    checks = Checks(channel, pb2, pb2_grpc)
    all_ok = True
    for name, function in CHECKS:
        if name not in selected:
            continue
        ok, detail = run_check(checks, function)
        all_ok = all_ok and ok
        print(json.dumps({"check": name, "ok": ok, "detail": detail}, ensure_ascii=False),
              flush=True)
    # A hung check leaves a thread inside grpc; leave without joining it.
    sys.stdout.flush()
    os._exit(0 if all_ok else 1)


if __name__ == "__main__":
    sys.exit(main())
