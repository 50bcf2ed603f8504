#!/usr/bin/env bash
# One blob, six ways, one table: throughput and the serving process's CPU for a
# BIG_MIB random blob on loopback, each row the median of RUNS runs:
#
#   curl direct            curl from the origin (Debian's docker-registry);
#                          CPU of the origin.
#   distribution proxy,    a second docker-registry in proxy mode in front of the
#     cold                 origin, restarted on an empty rootdirectory before each
#                          run; curl through it; CPU of the proxy.
#     warm                 the same blob again from that proxy.
#   Tributary cold,        Tributary (opt build) restarted with cache.blob_directory
#     store on             a fresh folder each run; bench/blob_pull --streams 1
#                          (bytes discarded, no client hashing); CPU of Tributary.
#   Tributary, store off   no cache.blob_directory: every pull streams from the
#                          origin.
#   Tributary warm         the store-on instance again, the blob now in its store.
#
# Tributary runs the shipped chunk sizes (256 KiB, up to 1 MiB within the chunk
# budget: a lone stream gets 1 MiB); CHUNK_MAX_BYTES=262144 pins 256 KiB.
#
# MB/s = bytes / wall seconds (1 MB = 1e6 bytes; curl's time_total, blob_pull's
# seconds). CPU-s per GiB = (utime + stime of the serving process from
# /proc/PID/stat, after minus before, / CLK_TCK) / GiB served; "after" is read
# 0.3 s after the client finished, so work the server does right after the last
# byte (a proxy committing its copy) counts. Per-run lines (printed before the
# table) add, for each pull, the origin's GETs of the blob (its access log is on)
# and, for the proxied rows, the origin's CPU per GiB.
#
# A benchmark, not a test: run it by hand, on an idle machine for figures.
# Everything listens on 127.0.0.1 and is stopped on exit.
#
#   bench/blob_compare.sh          # env BIG_MIB=1024 RUNS=3 BAZEL_JOBS=1
set -euo pipefail
command_line="$(printf '%q ' ${CHUNK_MAX_BYTES:+"CHUNK_MAX_BYTES=$CHUNK_MAX_BYTES"} "BIG_MIB=${BIG_MIB:-1024}" "RUNS=${RUNS:-3}" "$0" "$@")"
cd "$(dirname "$0")/.."
BIG_MIB=${BIG_MIB:-1024}
RUNS=${RUNS:-3}
BAZEL_JOBS=${BAZEL_JOBS:-1}
repo=bench/blob

[[ "$BIG_MIB" =~ ^[1-9][0-9]*$ && "$RUNS" =~ ^[1-9][0-9]*$ && "$RUNS" -le 20 ]] || {
  echo "blob_compare: BIG_MIB must be a positive integer, RUNS 1..20" >&2
  exit 2
}
for tool in docker-registry curl python3 getconf lscpu; do
  command -v "$tool" >/dev/null || {
    echo "blob_compare: $tool is missing (./scripts/setup.sh --test)" >&2
    exit 1
  }
done

BENCH_NAME=blob-compare
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first

echo "\$ ${command_line% }"
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# $(nproc) cores; $(lscpu | grep 'Model name' | sed 's/  */ /g')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== building (bazel build -c opt --jobs=$BAZEL_JOBS)" >&2
bazel build -c opt --jobs="$BAZEL_JOBS" //service:tributary //bench:blob_pull >&2
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"

REGISTRY_ACCESS_LOG=on start_registry
origin="http://127.0.0.1:$registry_port"
echo "== pushing a $BIG_MIB MiB random blob to the origin" >&2
digest="$(push_blob "$BIG_MIB" "$repo")"
size=$((BIG_MIB << 20))
gib="$(calc "$size / 2**30")"
echo "# blob $digest, $size bytes; median of $RUNS runs"

start_tributary() {  # [BLOB_DIRECTORY] -> sets tributary_pid, grpc_port
  local store="${1:-}"
  grpc_port="$(free_port)"
  local metrics_port
  metrics_port="$(free_port)"
  {
    cat <<YAML
server:
  listen_address: "127.0.0.1:$grpc_port"
  shutdown_grace: 1s
metrics:
  listen_address: "127.0.0.1:$metrics_port"
upstreams:
  - name: origin
    url: "$origin"
YAML
    if [[ -n "$store" ]]; then
      printf 'cache:\n  blob_directory: "%s"\n  blob_disk_bytes: %d\n' "$store" $((size + (64 << 20)))
    fi
    chunk_limits
  } >"$work/tributary.yaml"
  "$bin/service/tributary" --config "$work/tributary.yaml" >>"$work/tributary.log" 2>&1 &
  tributary_pid=$!
  pids+=("$tributary_pid")
  wait_http "http://127.0.0.1:$metrics_port/metrics"
}

origin_gets() {  # -> GETs of the blob the origin has answered so far (access log)
  grep -cF "\"GET /v2/$repo/blobs/$digest " "$work/registry.log" || true
}

# Each measure_* sets $mbps, $cpu (CPU-s per GiB of the serving process) and
# $gets (GETs of the blob the origin answered meanwhile, counting the client's).
measure_curl() {  # SERVER_PID URL [OTHER_PID]
  local server="$1" url="$2" other="${3:-}" before other_before out bytes secs after gets0
  gets0="$(origin_gets)"
  before="$(cpu_seconds "$server")"
  [[ -z "$other" ]] || other_before="$(cpu_seconds "$other")"
  out="$(curl -fsS -o /dev/null -w '%{size_download} %{time_total}' "$url")" || {
    echo "blob_compare: curl $url failed" >&2
    exit 1
  }
  read -r bytes secs <<<"$out"
  ((bytes == size)) || { echo "blob_compare: curl $url got $bytes bytes, not $size" >&2; exit 1; }
  sleep 0.3
  after="$(cpu_seconds "$server")"
  mbps="$(calc "round($bytes / $secs / 1e6, 1)")"
  cpu="$(calc "round(($after - $before) / $gib, 3)")"
  gets=$(($(origin_gets) - gets0))
  other_cpu=""
  [[ -z "$other" ]] || other_cpu="$(calc "round(($(cpu_seconds "$other") - $other_before) / $gib, 3)")"
}
measure_pull() {  # -> against the running Tributary; also sets $hits
  local before report bytes secs after gets0
  gets0="$(origin_gets)"
  before="$(cpu_seconds "$tributary_pid")"
  report="$("$bin/bench/blob_pull" --addr "127.0.0.1:$grpc_port" --repository "$repo" \
    --digest "$digest" --streams 1)" || { echo "blob_compare: blob_pull failed: $report" >&2; exit 1; }
  bytes="$(grep -oE '(^| )bytes=[0-9]+' <<<"$report" | cut -d= -f2)"
  secs="$(grep -oE 'seconds=[0-9.]+' <<<"$report" | cut -d= -f2)"
  hits="$(grep -oE 'cache_hits=[0-9]+' <<<"$report" | cut -d= -f2)"
  ((bytes == size)) || { echo "blob_compare: blob_pull got $bytes bytes, not $size" >&2; exit 1; }
  sleep 0.3
  after="$(cpu_seconds "$tributary_pid")"
  gets=$(($(origin_gets) - gets0))
  mbps="$(calc "round($bytes / $secs / 1e6, 1)")"
  cpu="$(calc "round(($after - $before) / $gib, 3)")"
}

rows=(curl proxy_cold proxy_warm trib_cold trib_off trib_warm)
# shellcheck disable=SC2016  # backquotes are Markdown, not a command
declare -A label=(
  [curl]='`curl` from the origin directly'
  [proxy_cold]='distribution proxy, cold'
  [proxy_warm]='distribution proxy, warm'
  [trib_cold]='Tributary, cold, blob store on'
  [trib_off]='Tributary, blob store off'
  [trib_warm]='Tributary, warm (from its store)'
)
declare -A all_mbps all_cpu
record() {  # ROW
  all_mbps[$1]+=" $mbps"
  all_cpu[$1]+=" $cpu"
}

for run in $(seq "$RUNS"); do
  echo "== run $run of $RUNS" >&2

  measure_curl "$registry_pid" "$origin/v2/$repo/blobs/$digest"
  record curl
  echo "run $run: curl direct $mbps MB/s, origin $cpu CPU-s/GiB, origin GETs $gets"

  rm -rf "$work/proxy-root"
  PROXY_ROOT="$work/proxy-root" start_proxy_registry
  proxy_url="http://127.0.0.1:$proxy_port/v2/$repo/blobs/$digest"
  measure_curl "$proxy_pid" "$proxy_url" "$registry_pid"
  record proxy_cold
  echo "run $run: proxy cold $mbps MB/s, proxy $cpu CPU-s/GiB (origin $other_cpu, origin GETs $gets)"
  measure_curl "$proxy_pid" "$proxy_url" "$registry_pid"
  record proxy_warm
  echo "run $run: proxy warm $mbps MB/s, proxy $cpu CPU-s/GiB (origin $other_cpu, origin GETs $gets)"
  stop_process "$proxy_pid"
  rm -rf "$work/proxy-root"

  rm -rf "$work/blobs"
  mkdir -p "$work/blobs"
  start_tributary "$work/blobs"
  measure_pull
  record trib_cold
  echo "run $run: tributary cold (store on) $mbps MB/s, $cpu CPU-s/GiB, cache_hits=$hits, origin GETs $gets"
  measure_pull
  record trib_warm
  echo "run $run: tributary warm $mbps MB/s, $cpu CPU-s/GiB, cache_hits=$hits, origin GETs $gets"
  ((hits == 1)) || echo "  (warm pull did not report a store hit)"
  stop_process "$tributary_pid"
  rm -rf "$work/blobs"

  start_tributary
  measure_pull
  record trib_off
  echo "run $run: tributary store off $mbps MB/s, $cpu CPU-s/GiB, cache_hits=$hits, origin GETs $gets"
  stop_process "$tributary_pid"
done

declare -A med_mbps med_cpu
echo
echo "$BIG_MIB MiB blob on loopback, median of $RUNS runs:"
echo
echo "| path | MB/s | CPU-s per GiB (serving process) |"
echo "| --- | ---: | ---: |"
for row in "${rows[@]}"; do
  # shellcheck disable=SC2086  # the lists are space-separated numbers
  med_mbps[$row]="$(median ${all_mbps[$row]})"
  # shellcheck disable=SC2086
  med_cpu[$row]="$(median ${all_cpu[$row]})"
  printf '| %s | %.1f | %.2f |\n' "${label[$row]}" "${med_mbps[$row]}" "${med_cpu[$row]}"
done
echo
ratio() {  # A B -> A/B to 2 places, or n/a when B is 0
  calc "'n/a' if float($2) == 0 else format($1 / $2, '.2f')"
}
echo "Tributary cold (store on) / distribution proxy cold, CPU-s per GiB: $(ratio "${med_cpu[trib_cold]}" "${med_cpu[proxy_cold]}")"
echo "Tributary cold (store on) / distribution proxy cold, MB/s:          $(ratio "${med_mbps[trib_cold]}" "${med_mbps[proxy_cold]}")"
echo "Tributary warm / curl direct, MB/s:                                 $(ratio "${med_mbps[trib_warm]}" "${med_mbps[curl]}")"
echo
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
