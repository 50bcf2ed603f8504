#!/usr/bin/env bash
# Blob streaming figures (issue 4): a 1 GiB blob from a real docker-registry on
# loopback, through Tributary (opt build, digest verification on) to a client
# that discards the bytes, against curl of the same blob from the registry in the
# same run; and Tributary's peak RSS for one 1 GiB stream and for 64 concurrent
# streams of a 64 MiB blob. STORE=1 turns the blob store on (a fresh folder for
# each Tributary started): the first stream of a blob fills it, the others are
# served from it. A benchmark, not a test: run it by hand.
#
# CHUNK_BYTES and CHUNK_MAX_BYTES set limits.blob_chunk_bytes and
# blob_chunk_max_bytes (default: the shipped 256 KiB, up to 1 MiB in budget).
#
#   ./bench/blob_bench.sh            # BIG_MIB=1024 SMALL_MIB=64 STREAMS=64 STORE=
set -euo pipefail
cd "$(dirname "$0")/.."
BIG_MIB=${BIG_MIB:-1024}
SMALL_MIB=${SMALL_MIB:-64}
STREAMS=${STREAMS:-64}
RUNS=${RUNS:-3}

./scripts/setup.sh --test >/dev/null
bazel build -c opt //service:tributary //bench:blob_pull >/dev/null 2>&1
bin=$(bazel info -c opt bazel-bin 2>/dev/null)

BENCH_NAME=blob-bench
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first
start_registry
registry="http://127.0.0.1:$registry_port"
big=$(push_blob "$BIG_MIB")
small=$(push_blob "$SMALL_MIB")

start_tributary() {
  grpc_port=$(free_port)
  cat >"$work/tributary.yaml" <<YAML
server: {listen_address: "127.0.0.1:$grpc_port"}
metrics: {disabled: true}
limits: {max_blob_streams: 1024, blob_chunk_bytes: ${CHUNK_BYTES:-262144}$(
  [[ -n "${CHUNK_MAX_BYTES:-}" ]] && echo ", blob_chunk_max_bytes: $CHUNK_MAX_BYTES")}
$(if [[ -n "${STORE:-}" ]]; then
    rm -rf "$work/store" && mkdir -p "$work/store"
    echo "cache: {blob_directory: \"$work/store\", blob_disk_bytes: $(((BIG_MIB + SMALL_MIB + 64) << 20))}"
  fi)
upstreams:
  - name: registry
    url: "$registry"
YAML
  ${TRIBUTARY_WRAPPER:-} "$bin/service/tributary" --config "$work/tributary.yaml" >"$work/tributary.log" 2>&1 &
  tributary_pid=$!
  pids+=("$tributary_pid")
  sleep 0.5
}
cpu_seconds() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$tributary_pid/stat"; }
peak_rss_mib() { awk '/VmHWM/{printf "%.1f", $2/1024}' "/proc/$tributary_pid/status"; }
stop_tributary() { kill "$tributary_pid"; wait "$tributary_pid" 2>/dev/null || true; }

echo "# $(date -u +%FT%TZ) $(nproc) cores; blob ${BIG_MIB} MiB; best of $RUNS"
best_curl=0
best_tributary=0
start_tributary
for _ in $(seq "$RUNS"); do
  c=$(curl -s -o /dev/null -w '%{speed_download}' "$registry/v2/bench/blob/blobs/$big")
  c=$(python3 -c "print(round($c/1e6,1))")
  t=$("$bin/bench/blob_pull" --addr "127.0.0.1:$grpc_port" --repository bench/blob \
        --digest "$big" --streams 1 | sed -E 's/.*throughput_MBps=([0-9.]+).*/\1/')
  echo "run: curl ${c} MB/s, tributary ${t} MB/s"
  best_curl=$(python3 -c "print(max($best_curl,$c))")
  best_tributary=$(python3 -c "print(max($best_tributary,$t))")
done
single_rss=$(peak_rss_mib)
echo "tributary CPU for $RUNS streams: $(cpu_seconds) s"
stop_tributary
echo "curl direct:        ${best_curl} MB/s"
echo "through tributary:  ${best_tributary} MB/s"
echo "ratio:              $(python3 -c "print(round($best_tributary/$best_curl,2))")  (goal >= 0.8)"
echo "peak RSS, ${RUNS} sequential ${BIG_MIB} MiB streams: ${single_rss} MiB  (goal <= 64)"

start_tributary
"$bin/bench/blob_pull" --addr "127.0.0.1:$grpc_port" --repository bench/blob \
  --digest "$small" --streams "$STREAMS"
echo "peak RSS, ${STREAMS} concurrent ${SMALL_MIB} MiB streams: $(peak_rss_mib) MiB  (goal <= 160)"
stop_tributary
