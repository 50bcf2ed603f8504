#!/usr/bin/env bash
# GetManifest through Tributary to a real docker-registry on loopback, beside
# wrk on the registry's manifest URL directly, and tributary-loadgen against
# its in-process stub server (what the load generator reaches on its own); then
# GetManifest by digest (Tributary's cache) beside wrk on distribution's
# pull-through cache (docker-registry with proxy.remoteurl) asking the same digest.
# All three run in one invocation on this machine; see docs/benchmarks.md.
#
#   bench/manifest_bench.sh [SECONDS]        (default 10; env CONCURRENCY=32)
#
# Needs the packages of scripts/packages-test.txt and scripts/packages-bench.txt
# (wrk). Everything listens on 127.0.0.1 only and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
concurrency="${CONCURRENCY:-32}"
connections="${CONNECTIONS:-2}"
repo="bench/app"
tag="v1"

for tool in wrk docker-registry umoci skopeo curl python3; do
  command -v "$tool" >/dev/null || {
    echo "manifest_bench: $tool is missing (apt-get install $(
      [[ $tool == wrk ]] && echo wrk || echo "the packages in scripts/packages-test.txt"))" >&2
    exit 1
  }
done

BENCH_NAME=manifest_bench
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the scripts cd to the repository root first
build_opt

# --- the registry, with one image ------------------------------------------
start_registry
push_image "$repo" "$tag"

# --- distribution's pull-through cache (proxy mode) in front of it -------------
start_proxy_registry

accept="application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json"
manifest_url="http://127.0.0.1:$registry_port/v2/$repo/manifests/$tag"
manifest_bytes="$(curl -fsS -H "Accept: $accept" "$manifest_url" | wc -c)"
digest="sha256:$(curl -fsS -H "Accept: $accept" "$manifest_url" | sha256sum | cut -d' ' -f1)"
proxy_digest_url="http://127.0.0.1:$proxy_port/v2/$repo/manifests/$digest"
curl -fsS -o /dev/null -H "Accept: $accept" "$proxy_digest_url"  # warm the proxy

# --- Tributary (optimized build) in front of it ------------------------------
grpc_port="$(free_port)"
cat >"$work/tributary.yaml" <<EOF
server:
  listen_address: "127.0.0.1:$grpc_port"
  shutdown_grace: 1s
metrics:
  disabled: true
upstreams:
  - name: local
    url: http://127.0.0.1:$registry_port
    # As many idle keep-alive connections as calls in flight, so no call pays
    # for a new TCP connection to the registry.
    max_idle_connections: $concurrency
EOF
"$tributary" --config "$work/tributary.yaml" >"$work/tributary.log" 2>&1 &
pids+=($!)

common=(--duration "${seconds}s" --warmup 1s --concurrency "$concurrency"
        --connections "$connections")

echo
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== manifest: $repo:$tag, $manifest_bytes bytes, OCI image manifest"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
echo
echo "== 1. tributary-loadgen -> Tributary (-c opt) -> docker-registry"
echo "\$ tributary-loadgen --addr 127.0.0.1:$grpc_port ${common[*]} GetManifest $repo:$tag"
"$loadgen" --addr "127.0.0.1:$grpc_port" "${common[@]}" GetManifest "$repo:$tag"
echo
echo "== 2. wrk -> docker-registry directly (same manifest URL, same Accept)"
echo "\$ wrk -t2 -c$concurrency -d${seconds}s --latency -H 'Accept: ...' $manifest_url"
wrk -t2 -c"$concurrency" -d"${seconds}s" --latency -H "Accept: $accept" "$manifest_url"
echo
echo "== 3. tributary-loadgen -> in-process stub server (the load generator alone)"
echo "\$ tributary-loadgen --stub-server ${common[*]} GetManifest $repo:$tag"
"$loadgen" --stub-server "${common[@]}" GetManifest "$repo:$tag"
echo
echo "== 4. tributary-loadgen -> Tributary, GetManifest by digest (cache hits)"
echo "\$ tributary-loadgen --addr 127.0.0.1:$grpc_port ${common[*]} GetManifest $repo@$digest"
"$loadgen" --addr "127.0.0.1:$grpc_port" "${common[@]}" GetManifest "$repo@$digest"
echo
echo "== 5. wrk -> docker-registry in proxy mode (proxy.remoteurl), same manifest by digest"
echo "\$ wrk -t2 -c$concurrency -d${seconds}s --latency -H 'Accept: ...' $proxy_digest_url"
wrk -t2 -c"$concurrency" -d"${seconds}s" --latency -H "Accept: $accept" "$proxy_digest_url"
echo
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
