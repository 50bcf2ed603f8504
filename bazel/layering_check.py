#!/usr/bin/env python3
"""Fails when a file under service/ includes a header against the layering,
or a client of the service (client/frontend/) includes one of its layers.

The layers and what each may include are in docs/architecture.md; this is the
same table, checked on every `bazel build //...` (a genrule in service/BUILD
runs it), so an include against the direction fails the build even where the
BUILD deps would let it through transitively. Tests and test-only fakes are not
checked: they may reach across to set things up.
"""
import re
import sys

# Layer of a header or source, by path prefix (longest match wins).
LAYERS = {
    "service/util/": "util",
    "service/oci/": "oci",
    "service/config/": "config",
    "service/metrics/": "metrics",
    "service/http/": "http",
    "service/registry/types.h": "registry_types",
    "service/registry/": "registry",
    "service/cache/": "cache",
    "service/resolve/fanout/": "fanout",
    "service/resolve/blob/": "blob",
    # The plain types at the resolve/ boundary, below fanout/ and blob/.
    "service/resolve/blob_stream.h": "resolve_types",
    "service/resolve/upstream_snapshot.h": "resolve_types",
    # Builds the Resolver (needs Asio): for the composition root only.
    "service/resolve/make_resolver.h": "resolve_wiring",
    "service/resolve/": "resolve",
    "service/api/": "api",
    "service/": "server",
}

BASE = {"util", "oci", "config", "metrics"}

# What each layer may include besides itself.
ALLOWED = {
    "util": set(),
    "oci": {"util"},
    "config": {"util", "oci"},
    "metrics": set(),
    "http": {"util"},
    "registry_types": {"oci"},
    "registry": BASE | {"http", "registry_types"},
    "cache": BASE,
    "resolve_types": BASE | {"cache", "registry_types"},
    "fanout": BASE | {"registry", "registry_types", "cache", "resolve_types"},
    "blob": BASE | {"registry", "registry_types", "cache", "resolve_types",
                    "fanout"},
    "resolve": BASE | {"registry", "registry_types", "cache", "resolve_types",
                       "fanout", "blob", "resolve_wiring"},
    "resolve_wiring": BASE | {"registry", "registry_types", "cache",
                              "resolve_types", "blob", "resolve"},
    "api": BASE | {"resolve", "resolve_types"},
    "server": None,  # the composition root wires everything
}

# Third-party headers a layer must not see (api/ stays free of Asio/Beast).
FORBIDDEN_EXTERNAL = {
    "api": ("boost/asio", "boost/beast"),
    "registry": ("grpcpp/",),
    "http": ("grpcpp/",),
}

# Clients of the service (client/frontend/) may use only these service/ layers,
# the value types client/ itself links; never the service's own layers.
CLIENT_PREFIXES = ("client/frontend/",)
CLIENT_ALLOWED = {"util", "oci"}

INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]([^">]+)[">]', re.M)


def layer_of(path):
    best = None
    for prefix, layer in LAYERS.items():
        if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    return best[1] if best else None


def is_test_only(path):
    return (path.endswith("_test.cc") or path.endswith("_fuzz.cc")
            or "/testing/" in path or path.endswith("fake_clock.h"))


def check_client(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return [f"{path}: a client must not include {included} "
            f"({layer_of(included)}/)"
            for included in INCLUDE.findall(text)
            if included.startswith("service/")
            and layer_of(included) not in CLIENT_ALLOWED]


def main(paths):
    problems = []
    for path in paths:
        if path.startswith(CLIENT_PREFIXES) and not is_test_only(path):
            problems.extend(check_client(path))
            continue
        if not path.startswith("service/") or is_test_only(path):
            continue
        layer = layer_of(path)
        allowed = ALLOWED.get(layer)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for included in INCLUDE.findall(text):
            for forbidden in FORBIDDEN_EXTERNAL.get(layer, ()):
                if included.startswith(forbidden):
                    problems.append(f"{path}: {layer}/ must not include {included}")
            if allowed is None or not included.startswith("service/"):
                continue
            target = layer_of(included)
            if target != layer and target not in allowed:
                problems.append(
                    f"{path}: {layer}/ must not include {included} ({target}/)")
    for problem in problems:
        print("layering: " + problem, file=sys.stderr)
    if problems:
        print("layering: see docs/architecture.md for the direction",
              file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
