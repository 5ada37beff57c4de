"""Generates the grpcio stubs of echo.proto (or other protos) at runtime and imports them.

Used by echo_server.py, echo_client_checks.py and room_events_client.py; no generated file is
ever checked in.

    pb2, pb2_grpc = echo_stubs.load(proto_path)  # proto_path None: ../echo.proto
    modules = echo_stubs.load_files(proto_dir, ["chat.proto", "room_events.proto"])
    modules["room_events_pb2_grpc"].RoomEventsStub(channel)

The stubs are written by `python3 -m grpc_tools.protoc` into a temporary directory that is
removed again once they are imported.
"""

import importlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

DEFAULT_PROTO = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "echo.proto")
)


class StubGenerationError(RuntimeError):
    """protoc could not generate the stubs (missing file, bad proto, grpc_tools not installed)."""


def load(proto_path=None):
    """Returns the modules (echo_pb2, echo_pb2_grpc) generated from `proto_path`."""
    proto_path = os.path.abspath(proto_path or DEFAULT_PROTO)
    proto_dir, proto_name = os.path.split(proto_path)
    module = os.path.splitext(proto_name)[0]
    modules = load_files(proto_dir, [proto_name])
    return modules[f"{module}_pb2"], modules[f"{module}_pb2_grpc"]


def load_files(proto_dir, proto_names):
    """Returns {"NAME_pb2": module, "NAME_pb2_grpc": module} for each of `proto_names`, files of
    `proto_dir` (which is also the import path, so they may import each other)."""
    proto_dir = os.path.abspath(proto_dir)
    for name in proto_names:
        if not os.path.isfile(os.path.join(proto_dir, name)):
            raise StubGenerationError(f"no such proto file: {os.path.join(proto_dir, name)}")
    out_dir = tempfile.mkdtemp(prefix="echo-stubs-")
    try:
        return _generate_and_import(proto_dir, proto_names, out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def _generate_and_import(proto_dir, proto_names, out_dir):
    command = [
        sys.executable, "-m", "grpc_tools.protoc",
        f"-I{proto_dir}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", *proto_names,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise StubGenerationError(
            f"protoc failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
        )
    modules = {}
    sys.path.insert(0, out_dir)
    try:
        for name in proto_names:
            module = os.path.splitext(name)[0]
            for suffix in ("_pb2", "_pb2_grpc"):
                modules[module + suffix] = importlib.import_module(module + suffix)
    finally:
        sys.path.remove(out_dir)
    return modules
