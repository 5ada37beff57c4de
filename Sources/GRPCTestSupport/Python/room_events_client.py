#!/usr/bin/env python3
"""A grpcio client of `chat.v1.RoomEvents`: an independent implementation that subscribes to a
room on one or more servers, or publishes into it.

    python3 room_events_client.py subscribe --target HOST:PORT [--target ...] --room R
        [--after ID] [--count N] [--timeout SECONDS] [--tls-ca FILE [--server-name NAME]]
    python3 room_events_client.py publish --target HOST:PORT --room R --user U TEXT
        [--tls-ca FILE [--server-name NAME]]

Both take `--metadata KEY=VALUE` (repeatable): request metadata sent with every call, for
example a W3C `traceparent`.

`subscribe` opens one `Subscribe` per target, at once, and prints one JSON line per event, each
with its `target`:

    {"target": T, "event": "subscribed", "last_id": ID}     the first heartbeat; chat-last-id
    {"target": T, "event": "heartbeat"}                     a later heartbeat
    {"target": T, "id": ID, "user": U, "message": TEXT}     a message
    {"target": T, "event": "end", "status": "OK" | CODE, "details": D, "oldest_id": O}

With `--count N` a subscription ends (status `OK`, details `count reached`) after N messages;
otherwise it runs until the server ends it or `--timeout` passes. Exits 0 when every
subscription ended OK, 1 otherwise.

`publish` prints the stored message, `{"id": ID, "user": U, "message": TEXT, "timestamp": MS}`,
and exits 0, or prints `{"status": CODE, "details": D}` and exits 1.

The stubs are generated at run time from `Protos/chat.proto` and `Protos/room_events.proto`
(echo_stubs.load_files); none is checked in. Exits 2 when they cannot be generated.
"""

import argparse
import json
import os
import sys
import threading

import grpc

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import echo_stubs  # noqa: E402

PROTOS = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Protos")
)

print_lock = threading.Lock()


def emit(**fields):
    with print_lock:
        print(json.dumps(fields), flush=True)


def channel_for(target, args):
    options = [("grpc.enable_http_proxy", 0)]
    if not args.tls_ca:
        return grpc.insecure_channel(target, options=options)
    with open(args.tls_ca, "rb") as file:
        credentials = grpc.ssl_channel_credentials(root_certificates=file.read())
    options.append(("grpc.ssl_target_name_override", args.server_name))
    return grpc.secure_channel(target, credentials, options=options)


def subscribe(stubs, target, args, outcomes):
    pb2, pb2_grpc = stubs
    with channel_for(target, args) as channel:
        call = pb2_grpc.RoomEventsStub(channel).Subscribe(
            pb2.SubscribeRequest(room=args.room, after_id=args.after), timeout=args.timeout,
            metadata=args.metadata,
        )
        received = 0
        first = True
        try:
            for event in call:
                if first:
                    last_id = dict(call.initial_metadata()).get("chat-last-id")
                    emit(target=target, event="subscribed", last_id=last_id)
                    first = False
                    if not event.id:
                        continue
                if not event.id and not event.HasField("message"):
                    emit(target=target, event="heartbeat")
                    continue
                emit(target=target, id=event.id, user=event.message.user, message=event.message.message)
                received += 1
                if args.count is not None and received >= args.count:
                    call.cancel()
                    emit(target=target, event="end", status="OK", details="count reached", oldest_id=None)
                    outcomes[target] = True
                    return
            emit(target=target, event="end", status="OK", details="", oldest_id=None)
            outcomes[target] = True
        except grpc.RpcError as error:
            oldest = dict(error.trailing_metadata() or ()).get("chat-oldest-id")
            emit(target=target, event="end", status=error.code().name, details=error.details(), oldest_id=oldest)
            outcomes[target] = False


def publish(stubs, chat_pb2, args):
    pb2, pb2_grpc = stubs
    with channel_for(args.target[0], args) as channel:
        try:
            event = pb2_grpc.RoomEventsStub(channel).Publish(
                pb2.PublishRequest(room=args.room, message=chat_pb2.ChatMessage(user=args.user, message=args.text)),
                timeout=args.timeout,
                metadata=args.metadata,
            )
        except grpc.RpcError as error:
            emit(status=error.code().name, details=error.details())
            return 1
    emit(id=event.id, user=event.message.user, message=event.message.message, timestamp=event.message.timestamp)
    return 0


def metadata_entry(text):
    key, separator, value = text.partition("=")
    if not separator or not key:
        raise argparse.ArgumentTypeError(f"--metadata {text!r} is not KEY=VALUE")
    return (key.lower(), value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("subscribe", "publish"):
        command = commands.add_parser(name)
        command.add_argument("--target", action="append", required=True)
        command.add_argument("--room", default="lobby")
        command.add_argument("--timeout", type=float, default=120)
        command.add_argument("--tls-ca")
        command.add_argument("--server-name", default="localhost")
        command.add_argument("--metadata", action="append", default=[], type=metadata_entry)
        if name == "subscribe":
            command.add_argument("--after", default="")
            command.add_argument("--count", type=int)
        else:
            command.add_argument("--user", required=True)
            command.add_argument("text")
    args = parser.parse_args()
    try:
        modules = echo_stubs.load_files(PROTOS, ["chat.proto", "room_events.proto"])
    except echo_stubs.StubGenerationError as error:
        print(f"room_events_client: {error}", file=sys.stderr, flush=True)
        return 2
    stubs = (modules["room_events_pb2"], modules["room_events_pb2_grpc"])
    if args.command == "publish":
        return publish(stubs, modules["chat_pb2"], args)
    outcomes = {}
    threads = [threading.Thread(target=subscribe, args=(stubs, target, args, outcomes)) for target in args.target]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return 0 if all(outcomes.get(target) for target in args.target) else 1


if __name__ == "__main__":
    sys.exit(main())
