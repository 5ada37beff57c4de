"""Checks the configuration files that kubernetes-validate has no schema for.

kubernetes-validate knows the Kubernetes API's own kinds; for a custom resource (GKE's
BackendConfig, Cloud Run's serving.knative.dev Service, Google Managed Prometheus's
PodMonitoring) it only warns and passes, and Kong's
declarative file is no Kubernetes resource at all. This script validates each document of the
given files against the matching JSON Schema in this folder (strict: unknown fields are errors).
The pod part of a Cloud Run service is also validated as a Kubernetes PodSpec with
kubernetes-validate --strict, the JSON of its run.googleapis.com/network-interfaces annotation
against the schema's definitions/networkInterfaces, and its volume mounts must name its volumes.
A document with no schema here is an error, never a pass.

Usage: python3 k8s/schemas/validate.py FILE...   (exit 0 when every document passes)
Needs: the PyPI packages kubernetes-validate (which brings jsonschema and PyYAML).
"""
import json
import os
import sys

import jsonschema
import kubernetes_validate
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
KUBERNETES_VERSION = "1.37.0"
SCHEMAS = {
    ("cloud.google.com/v1", "BackendConfig"): "backendconfig.schema.json",
    ("serving.knative.dev/v1", "Service"): "cloudrun-service.schema.json",
    ("kong", "3.0"): "kong.schema.json",
    ("monitoring.googleapis.com/v1", "PodMonitoring"): "podmonitoring.schema.json",
}


def schema_key(document):
    if "_format_version" in document:
        return ("kong", document["_format_version"])
    return (document.get("apiVersion"), document.get("kind"))


def check_pod_part(document):
    """Validates a Knative template's pod part as a Kubernetes Pod."""
    spec = dict(document["spec"]["template"]["spec"])
    for knative_only in ("containerConcurrency", "timeoutSeconds"):
        spec.pop(knative_only, None)
    # Cloud Run fills in the container name; a PodSpec needs one.
    spec["containers"] = [dict({"name": "container-%d" % i}, **c) for i, c in enumerate(spec["containers"])]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pod-part"}, "spec": spec}
    kubernetes_validate.validate(pod, KUBERNETES_VERSION, strict=True)


def check_knative_references(document, schema):
    """What a JSON Schema cannot say about a Cloud Run service: the JSON inside the
    run.googleapis.com/network-interfaces annotation, and volume mounts naming declared volumes."""
    failures = []
    template = document["spec"]["template"]
    annotations = template.get("metadata", {}).get("annotations", {})
    interfaces = annotations.get("run.googleapis.com/network-interfaces")
    if interfaces is not None:
        try:
            decoded = json.loads(interfaces)
        except ValueError as error:
            failures.append("run.googleapis.com/network-interfaces is not JSON: %s" % error)
        else:
            validator = jsonschema.Draft7Validator(schema["definitions"]["networkInterfaces"])
            for error in validator.iter_errors(decoded):
                failures.append("run.googleapis.com/network-interfaces: %s" % error.message)
    volumes = {v["name"] for v in template["spec"].get("volumes", [])}
    for container in template["spec"]["containers"]:
        for mount in container.get("volumeMounts", []):
            if mount["name"] not in volumes:
                failures.append("volumeMounts: no volume named %s" % mount["name"])
    return failures


def check(path):
    failures = []
    with open(path) as file:
        documents = [d for d in yaml.safe_load_all(file) if d is not None]
    if not documents:
        return ["%s: no YAML document" % path]
    for index, document in enumerate(documents):
        failures_before = len(failures)
        key = schema_key(document)
        name = SCHEMAS.get(key)
        if name is None:
            failures.append("%s[%d]: no schema for %s %s" % (path, index, key[0], key[1]))
            continue
        with open(os.path.join(HERE, name)) as file:
            schema = json.load(file)
        validator = jsonschema.Draft7Validator(schema)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path) or "(document)"
            failures.append("%s[%d]: %s: %s" % (path, index, where, error.message))
        if key == ("serving.knative.dev/v1", "Service") and not errors:
            try:
                check_pod_part(document)
            except kubernetes_validate.ValidationError as error:
                failures.append("%s[%d]: pod part: %s" % (path, index, error.message))
            for failure in check_knative_references(document, schema):
                failures.append("%s[%d]: %s" % (path, index, failure))
        if len(failures) == failures_before:
            print("%s[%d]: passed %s" % (path, index, name))
    return failures


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failures = [f for path in paths for f in check(path)]
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
