"""Generates the grpcio stubs of echo.proto at runtime and imports them.

Used by echo_server.py and echo_client_checks.py; no generated file is ever checked in.

    pb2, pb2_grpc = echo_stubs.load(proto_path)  # proto_path None: ../echo.proto

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
    if not os.path.isfile(proto_path):
        raise StubGenerationError(f"no such proto file: {proto_path}")
    out_dir = tempfile.mkdtemp(prefix="echo-stubs-")
    try:
        return _generate_and_import(proto_path, out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def _generate_and_import(proto_path, out_dir):
    proto_dir, proto_name = os.path.split(proto_path)
    command = [
        sys.executable, "-m", "grpc_tools.protoc",
        f"-I{proto_dir}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}", proto_name,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise StubGenerationError(
            f"protoc failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
        )
    module = os.path.splitext(proto_name)[0]
    sys.path.insert(0, out_dir)
    try:
        pb2 = importlib.import_module(f"{module}_pb2")
        pb2_grpc = importlib.import_module(f"{module}_pb2_grpc")
    finally:
        sys.path.remove(out_dir)
    return pb2, pb2_grpc
