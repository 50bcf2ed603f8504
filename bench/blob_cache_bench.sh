#!/usr/bin/env bash
# Blob store figures (issue 7), counted and timed against a real docker-registry
# on loopback whose access log is on (one line per request, so upstream GETs are
# counted at the upstream):
#
#   1. cold: STREAMS concurrent whole-blob GetBlob of one COLD_MIB blob through
#      Tributary (opt build, disk store in the scratch folder) -> how many GETs of
#      that blob the registry served. Baseline: distribution's pull-through cache
#      (a second docker-registry with proxy.remoteurl) receiving STREAMS
#      concurrent curl GETs of another, equally cold blob of the same size.
#   2. warm: a WARM_MIB blob pulled once through Tributary (fills the store), then
#      RUNS timed pulls of it from the store beside RUNS timed curl of the same
#      blob from the registry directly; MB/s per run, medians and their ratio.
#
# A benchmark, not a test: run it by hand. Everything listens on 127.0.0.1 and
# is stopped on exit.
#
#   bench/blob_cache_bench.sh     # env COLD_MIB=256 STREAMS=20 WARM_MIB=1024 RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."
COLD_MIB=${COLD_MIB:-256}
STREAMS=${STREAMS:-20}
WARM_MIB=${WARM_MIB:-1024}
RUNS=${RUNS:-3}
repo=bench/blob

for tool in docker-registry curl python3 sha256sum; do
  command -v "$tool" >/dev/null || {
    echo "blob_cache_bench: $tool is missing (./scripts/setup.sh --test)" >&2
    exit 1
  }
done

BENCH_NAME=blob-cache-bench
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first
echo "== building (bazel build -c opt)" >&2
bazel build -c opt //service:tributary //bench:blob_pull >&2
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"

REGISTRY_ACCESS_LOG=on start_registry
registry="http://127.0.0.1:$registry_port"

# --- distribution's pull-through cache in front of the registry ----------------
start_proxy_registry

# --- Tributary (optimized build) with its disk store in the scratch folder -----
grpc_port="$(free_port)"
metrics_port="$(free_port)"
cat >"$work/tributary.yaml" <<YAML
server:
  listen_address: "127.0.0.1:$grpc_port"
  shutdown_grace: 1s
metrics:
  listen_address: "127.0.0.1:$metrics_port"
cache:
  blob_directory: "$work/blobs"
  blob_disk_bytes: $(((COLD_MIB + WARM_MIB + 64) << 20))
upstreams:
  - name: registry
    url: "$registry"
YAML
"$bin/service/tributary" --config "$work/tributary.yaml" >"$work/tributary.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$metrics_port/metrics"

# Prints "GETS HEADS BYTES": requests for DIGEST's blob URL in the registry's
# access log, excluding AGENT (a User-Agent prefix; none when empty), and the
# bytes the GETs sent. Lines are written when a response ends.
upstream_requests() {  # DIGEST [AGENT]
  local path="/v2/$repo/blobs/$1" agent="${2:-}"
  awk -v path="$path" -v agent="$agent" '
    $6 ~ /^"(GET|HEAD)$/ && $7 == path && (agent == "" || index($0, "\"" agent) == 0) {
      if ($6 == "\"GET") { gets++; bytes += $10 } else { heads++ }
    }
    END { printf "%d %d %d\n", gets, heads, bytes }' "$work/registry.log"
}
upstream_gets() {  # DIGEST -> its GET lines in the access log, at most 8
  grep -F "\"GET /v2/$repo/blobs/$1 " "$work/registry.log" |
    awk 'NR <= 8 { print "  " $0 } END { if (NR > 8) print "  ... " NR " GETs in all" }'
}
blob_metrics() {
  curl -fsS "http://127.0.0.1:$metrics_port/metrics" |
    grep -E '^tributary_(cache_blob_bytes_total|upstream_requests_total)' | awk '$NF != 0' || true
}
pull() {  # DIGEST STREAMS [blob_pull flags...]
  local digest="$1" streams="$2"
  shift 2
  "$bin/bench/blob_pull" --addr "127.0.0.1:$grpc_port" --repository "$repo" \
    --digest "$digest" --streams "$streams" "$@"
}
field() {  # NAME REPORT -> the value of NAME=... in a blob_pull report
  grep -oE "(^| )$1=[0-9.]+" <<<"$2" | cut -d= -f2
}
median() { python3 -c 'import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 1))' "$@"; }
mbps() { python3 -c "print(round($1 / 1e6, 1))"; }

echo
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); registry, proxy, Tributary and clients all on loopback"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. cold: one upstream transfer shared by STREAMS callers -------------------
echo
echo "== 1. cold: $STREAMS concurrent GetBlob of one $COLD_MIB MiB blob (pushing blobs)"
cold="$(push_blob "$COLD_MIB" "$repo")"
cold_proxy="$(push_blob "$COLD_MIB" "$repo")"
echo "\$ blob_pull --digest $cold --streams $STREAMS --verify"
report="$(pull "$cold" "$STREAMS" --verify)" || { echo "$report"; exit 1; }
echo "$report"
sleep 0.5  # the access-log line follows the response's last byte
read -r gets heads bytes < <(upstream_requests "$cold")
verified="$(field verified "$report")"
echo "registry access log, GETs of the blob:"
upstream_gets "$cold"
echo "tributary metrics:"
blob_metrics | sed 's/^/  /'
echo "cold: $STREAMS concurrent GetBlob of $COLD_MIB MiB -> $gets upstream GETs" \
  "($heads HEADs, $(mbps "$bytes") MB sent by the registry)," \
  "$verified/$STREAMS digests verified by the client, $(field seconds "$report") s"

echo
echo "== 1b. baseline: $STREAMS concurrent curl GETs of another cold $COLD_MIB MiB blob from distribution's proxy"
proxy_url="http://127.0.0.1:$proxy_port/v2/$repo/blobs/$cold_proxy"
echo "\$ $STREAMS x curl -fsS $proxy_url | sha256sum"
start=$(date +%s.%N)
curls=()
for i in $(seq "$STREAMS"); do
  (set -o pipefail; curl -fsS "$proxy_url" | sha256sum | cut -d' ' -f1 >"$work/proxy-sum-$i") &
  curls+=($!)
done
wait_status=0
for job in "${curls[@]}"; do
  wait "$job" || wait_status=1
done
proxy_seconds=$(python3 -c "import time; print(round(time.time() - $start, 3))")
proxy_ok="$(cat "$work"/proxy-sum-* | grep -cx "${cold_proxy#sha256:}" || true)"
sleep 0.5
read -r pgets pheads pbytes < <(upstream_requests "$cold_proxy")
echo "registry access log, GETs of the blob:"
upstream_gets "$cold_proxy"
echo "baseline (distribution proxy): $STREAMS concurrent GETs of $COLD_MIB MiB ->" \
  "$pgets upstream GETs ($pheads HEADs, $(mbps "$pbytes") MB sent by the registry)," \
  "$proxy_ok/$STREAMS digests verified by the client, $proxy_seconds s"
((wait_status == 0)) || echo "  (a curl failed)"

# --- 2. warm: the disk store vs. curl from the registry -------------------------
echo
echo "== 2. warm: $WARM_MIB MiB blob from the disk store vs. curl from the registry (pushing the blob)"
warm="$(push_blob "$WARM_MIB" "$repo")"
echo "\$ blob_pull --digest $warm --streams 1 --verify   # fills the store"
report="$(pull "$warm" 1 --verify)" || { echo "$report"; exit 1; }
echo "$report"
tributary_runs=()
curl_runs=()
for run in $(seq "$RUNS"); do
  report="$(pull "$warm" 1)" || { echo "$report"; exit 1; }
  t="$(field throughput_MBps "$report")"
  c="$(curl -fsS -o /dev/null -w '%{speed_download}' "$registry/v2/$repo/blobs/$warm")"
  c="$(mbps "$c")"
  echo "run $run: tributary (store) $t MB/s (cache_hits=$(field cache_hits "$report")), curl direct $c MB/s"
  tributary_runs+=("$t")
  curl_runs+=("$c")
done
sleep 0.5
read -r wgets wheads _ < <(upstream_requests "$warm" curl/)
echo "upstream requests for the warm blob from Tributary: $wgets GETs, $wheads HEADs (the fill only)"
echo "tributary metrics:"
blob_metrics | sed 's/^/  /'
mt="$(median "${tributary_runs[@]}")"
mc="$(median "${curl_runs[@]}")"
echo "warm: median of $RUNS: tributary from the disk store $mt MB/s, curl from the registry $mc MB/s," \
  "ratio $(python3 -c "print(round($mt / $mc, 2))") (goal >= 1.0)"
echo
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
