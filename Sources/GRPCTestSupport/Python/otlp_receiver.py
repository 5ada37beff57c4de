#!/usr/bin/env python3
"""A small OTLP/HTTP trace receiver: what an OpenTelemetry collector does with spans, minus the
collector. It decodes the collector's ExportTraceServiceRequest (the opentelemetry-proto
package's generated code) and prints one JSON line per span.

    python3 otlp_receiver.py

Prints {"event": "listening", "port": N} first (a free loopback port), then for every span
received on POST /v1/traces:

    {"event": "span", "name": N, "kind": "SPAN_KIND_SERVER", "trace_id": HEX, "span_id": HEX,
     "parent_span_id": HEX or "", "service": SERVICE_NAME, "attributes": {KEY: VALUE}}

Answers 200 with an empty ExportTraceServiceResponse (application/x-protobuf). Runs until
killed.
"""

import http.server
import json
import sys

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2


def value_of(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/x-protobuf":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource_spans in request.resource_spans:
            service = next(
                (value_of(a.value) for a in resource_spans.resource.attributes if a.key == "service.name"), None
            )
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    line = {
                        "event": "span",
                        "name": span.name,
                        "kind": trace_pb2.Span.SpanKind.Name(span.kind),
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "service": service,
                        "attributes": {a.key: value_of(a.value) for a in span.attributes},
                    }
                    print(json.dumps(line), flush=True)
        reply = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    print(json.dumps({"event": "listening", "port": server.server_address[1]}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
