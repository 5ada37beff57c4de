"""Parses Prometheus text exposition with prometheus_client's parser (the reference one) and
prints its samples as one JSON line: [[name, {label: value}, value], ...].

The text comes from standard input, or from GET URL with --url (a /metrics endpoint). Only
samples whose name starts with one of the --prefix values are printed. Text the parser
rejects exits 1 with its error on standard error.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="scrape this URL instead of reading standard input")
    parser.add_argument("--prefix", action="append", default=[], help="keep samples with this name prefix")
    args = parser.parse_args()

    if args.url:
        try:
            with urllib.request.urlopen(args.url, timeout=30) as response:
                content_type = response.headers.get("Content-Type", "")
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            print(f"{args.url} answered HTTP {error.code}", file=sys.stderr)
            return 1
        if not content_type.startswith("text/plain"):
            print(f"{args.url} answered Content-Type {content_type!r}, not text/plain", file=sys.stderr)
            return 1
    else:
        text = sys.stdin.read()

    samples = []
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if args.prefix and not any(sample.name.startswith(p) for p in args.prefix):
                    continue
                samples.append([sample.name, dict(sample.labels), sample.value])
    except ValueError as error:
        print(f"the exposition does not parse: {error}", file=sys.stderr)
        return 1
    print(json.dumps(samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
