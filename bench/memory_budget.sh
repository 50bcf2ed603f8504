#!/usr/bin/env bash
# The memory one Tributary pod needs, for the Deployment's requests and limits:
# the cluster config's caps (cache.memory_bytes 32 MiB, limits.max_blob_streams
# 128, the disk store on), the memory cache filled past its cap with 1 MiB
# manifests, then STREAMS concurrent GetBlob of a BLOB_MIB blob (cold: through
# the disk store's fill; then warm: from disk) while LOOPS loops re-fetch the
# manifests from the upstream (cache mode refresh: bodies in flight). Reports
# the process's RSS and, from a memory cgroup of its own (v1), the peak usage
# including page cache and the working set (usage minus inactive file pages:
# what the kubelet compares with the limit). A benchmark, not a test.
#
#   sudo bench/memory_budget.sh      # env STREAMS=128 BLOB_MIB=64 MANIFESTS=48 LOOPS=8
#                                    #     MODE=opt (or fastbuild) BAZEL_JOBS
set -euo pipefail
cd "$(dirname "$0")/.."
STREAMS=${STREAMS:-128}
BLOB_MIB=${BLOB_MIB:-64}
MANIFESTS=${MANIFESTS:-48}
LOOPS=${LOOPS:-8}
cgroup_root=/sys/fs/cgroup/memory

BENCH_NAME=memory-budget
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first
[[ -w "$cgroup_root" ]] || { echo "memory_budget: needs a writable $cgroup_root (cgroup v1, root)" >&2; exit 1; }

MODE=${MODE:-opt}
echo "== building (bazel build -c $MODE)" >&2
bazel build -c "$MODE" ${BAZEL_JOBS:+--jobs="$BAZEL_JOBS"} \
  //service:tributary //client/cli:tributaryctl //bench:blob_pull >&2
bin="$(bazel info -c "$MODE" bazel-bin 2>/dev/null)"

start_registry
registry="http://127.0.0.1:$registry_port"
repo=bench/big
layer=$(push_blob "$BLOB_MIB" "$repo")

# Uploads FILE as a blob of $repo; prints its digest.
put_file() {
  local file="$1" digest location
  digest="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
  location=$(curl -sf -D - -o /dev/null -X POST "$registry/v2/$repo/blobs/uploads/" |
    tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  [[ "$location" == http* ]] || location="$registry$location"
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
    -T "$file" "$location&digest=$digest"
  echo "$digest"
}
echo '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' >"$work/config.json"
config=$(put_file "$work/config.json")
config_size=$(stat -c %s "$work/config.json")

# MANIFESTS manifests of ~1 MiB each (a random annotation), tags t1..tN.
echo "== pushing $MANIFESTS manifests of ~1 MiB" >&2
for i in $(seq "$MANIFESTS"); do
  python3 - "$config" "$config_size" "$layer" "$((BLOB_MIB << 20))" >"$work/manifest.json" <<'PY'
import json, os, sys
config, config_size, layer, layer_size = sys.argv[1:]
print(json.dumps({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": config, "size": int(config_size)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                "digest": layer, "size": int(layer_size)}],
    "annotations": {"filler": os.urandom(512 * 1024).hex()},
}))
PY
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$work/manifest.json" "$registry/v2/$repo/manifests/t$i"
done

grpc_port=$(free_port)
metrics_port=$(free_port)
cat >"$work/tributary.yaml" <<YAML
server: {listen_address: "127.0.0.1:$grpc_port", io_threads: 2}
metrics: {listen_address: "127.0.0.1:$metrics_port"}
limits: {max_blob_streams: 128}
cache:
  memory_bytes: 33554432
  blob_directory: $work/blobs
  blob_disk_bytes: 8589934592
upstreams:
  - name: registry
    url: "$registry"
    max_idle_connections: 16
YAML
"$bin/service/tributary" --config "$work/tributary.yaml" >"$work/tributary.log" 2>&1 &
tributary_pid=$!
pids+=("$tributary_pid")
wait_http "http://127.0.0.1:$metrics_port/metrics"

cgroup="$cgroup_root/tributary-membench-$$"
mkdir "$cgroup"
# Pages the process touched before joining move with it (v1: anon and file).
echo 3 >"$cgroup/memory.move_charge_at_immigrate"
cleanup_cgroup() { cleanup; rmdir "$cgroup" 2>/dev/null || true; }
trap cleanup_cgroup EXIT
echo "$tributary_pid" >"$cgroup/cgroup.procs"

rss_mib() { awk '/^VmRSS/{printf "%.1f", $2/1024}' "/proc/$tributary_pid/status"; }
hwm_mib() { awk '/^VmHWM/{printf "%.1f", $2/1024}' "/proc/$tributary_pid/status"; }
# The kubelet's working set: usage minus inactive file-backed pages.
working_set_mib() {
  local usage inactive
  usage=$(cat "$cgroup/memory.usage_in_bytes")
  inactive=$(awk '$1=="total_inactive_file"{print $2}' "$cgroup/memory.stat")
  echo $(((usage - inactive) >> 20))
}
cache_mib() {
  curl -s "http://127.0.0.1:$metrics_port/metrics" |
    awk '/^tributary_cache_size_bytes\{store="memory"\}/{printf "%.1f", $2/1048576}'
}
ctl() { "$bin/client/cli/tributaryctl" --addr "127.0.0.1:$grpc_port" "$@"; }

# Samples the working set every 0.2 s while PID runs; prints the peak (MiB).
peak_while() {
  local pid="$1" peak=0 now
  while kill -0 "$pid" 2>/dev/null; do
    now=$(working_set_mib)
    ((now > peak)) && peak=$now
    sleep 0.2
  done
  echo "$peak"
}

manifest_loops() {
  for _ in $(seq "$LOOPS"); do
    (for round in 1 2 3; do
       for i in $(seq "$MANIFESTS"); do
         ctl --cache-mode refresh manifest "$repo:t$i" --raw >/dev/null
       done
     done) &
  done
  wait
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, -c $MODE; cache.memory_bytes 32 MiB, $MANIFESTS x 1 MiB manifests, $STREAMS x $BLOB_MIB MiB GetBlob, $LOOPS manifest loops"
echo "idle: RSS $(rss_mib) MiB, working set $(working_set_mib) MiB"
for i in $(seq "$MANIFESTS"); do ctl manifest "$repo:t$i" --raw >/dev/null; done
echo "memory cache filled: cache $(cache_mib) MiB, RSS $(rss_mib) MiB, working set $(working_set_mib) MiB"

for pass in cold warm; do
  ( manifest_loops &
    "$bin/bench/blob_pull" --addr "127.0.0.1:$grpc_port" --repository "$repo" \
      --digest "$layer" --streams "$STREAMS" >"$work/pull-$pass.log"
    wait ) &
  load=$!
  peak=$(peak_while "$load")
  wait "$load"
  echo "$pass blobs + manifest loops: peak working set ${peak} MiB, peak RSS $(hwm_mib) MiB," \
    "peak usage with page cache $(($(cat "$cgroup/memory.max_usage_in_bytes") >> 20)) MiB;" \
    "after: cache $(cache_mib) MiB, RSS $(rss_mib) MiB; $(tail -1 "$work/pull-$pass.log")"
done
