#!/usr/bin/env bash
# The soak: SOAK_SECONDS (default 600) of mixed load against Tributary with its
# blob store on, in front of two real registries (Debian's docker-registry,
# "alpha" and "beta") and a fault-injecting fake upstream (bench/fault_upstream,
# answering from alpha's storage and spoiling some answers), all on 127.0.0.1.
#
# Content (pushed first; the catalog in $work/catalog.txt lists it):
#   soak/app, soak/beta   images (umoci + skopeo) and blobs of 1, 8, 64 and
#                         2, 32 MiB, on alpha and on beta only (beta's are
#                         reached after alpha's 404): always served.
#   mixed/MODE/app        on alpha, asked of the fault upstream first
#                         ("faulty-first-MODE", scope mixed/MODE/**), then
#                         alpha.
#   fault/MODE/app        asked of the fault upstream only ("faulty-last-MODE";
#                         alpha's and beta's scopes exclude fault/**).
#   MODE: reset (TCP resets mid-body or instead of an answer), 503 (bursts),
#   429 (Retry-After 1 or 3600), digest (one wrong byte in manifest and blob
#   bodies), hang (no answer, or a body that stops). Blobs of 1 and 16 MiB.
#
# bench/soak_load runs WORKERS (8) workers, each picking calls at random with
# seed SEED+i and checking every answer (see bench/soak_worker.h); each call's
# outcome is expected (success, or a code the content's fault or the worker's
# own deadline/cancel/stall explains; bench/soak_expectations.h) or not.
# Meanwhile Tributary's RSS and open fds are sampled every 10 s; growth is the
# median of the last three samples over the median of the first three after
# the warm-up (WARMUP_SECONDS, default a fifth of the run).
#
# Prints the load generator's tally (calls by operation and code, by
# repository kind, unexpected calls, bytes and blobs verified), the samples,
# the growth and the faults injected. Exit status 1 when a call was
# unexpected, RSS or fds grew by 5 % or more, or (SOAK_CONFIG=asan) the
# sanitizer reported anything.
#
# SOAK_LOGS=DIR keeps the logs, the config, the catalog and the samples there.
#
#   bench/soak.sh        # env SOAK_SECONDS=600 WORKERS=8 SEED=1
#                        #     SOAK_CONFIG=opt|asan BAZEL_JOBS=2 SOAK_LOGS=
set -euo pipefail
SOAK_SECONDS=${SOAK_SECONDS:-600}
WORKERS=${WORKERS:-8}
SEED=${SEED:-1}
SOAK_CONFIG=${SOAK_CONFIG:-opt}
BAZEL_JOBS=${BAZEL_JOBS:-2}
WARMUP_SECONDS=${WARMUP_SECONDS:-$((SOAK_SECONDS / 5))}
command_line="$(printf '%q ' "SOAK_SECONDS=$SOAK_SECONDS" "WORKERS=$WORKERS" \
  "SEED=$SEED" "SOAK_CONFIG=$SOAK_CONFIG" "$0" "$@")"
cd "$(dirname "$0")/.."

for number in "$SOAK_SECONDS" "$WORKERS" "$SEED" "$WARMUP_SECONDS"; do
  [[ "$number" =~ ^[0-9]+$ ]] || {
    echo "soak: SOAK_SECONDS, WORKERS, SEED and WARMUP_SECONDS must be numbers" >&2
    exit 2
  }
done
((SOAK_SECONDS >= 60 && WARMUP_SECONDS + 30 <= SOAK_SECONDS)) || {
  echo "soak: SOAK_SECONDS must be at least 60 and leave 30 s after WARMUP_SECONDS" >&2
  exit 2
}
case "$SOAK_CONFIG" in
  opt) tributary_flags=(-c opt) ;;
  asan) tributary_flags=(--config=asan) ;;
  *) echo "soak: SOAK_CONFIG must be opt or asan" >&2; exit 2 ;;
esac
for tool in docker-registry curl umoci skopeo python3 sha256sum; do
  command -v "$tool" >/dev/null || {
    echo "soak: $tool is missing (./scripts/setup.sh --test)" >&2
    exit 1
  }
done

BENCH_NAME=soak
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first

echo "\$ ${command_line% }"
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), Tributary built $SOAK_CONFIG"
echo "# $(nproc) cores, shared; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== building (Tributary: ${tributary_flags[*]}; soak tools: -c opt)" >&2
bazel build "${tributary_flags[@]}" --jobs="$BAZEL_JOBS" //service:tributary >&2
tributary="$(bazel info "${tributary_flags[@]}" bazel-bin 2>/dev/null)/service/tributary"
bazel build -c opt --jobs="$BAZEL_JOBS" //bench:soak_load //bench:fault_upstream >&2
tools="$(bazel info -c opt bazel-bin 2>/dev/null)/bench"

start_registry alpha
alpha_port=$registry_port
start_registry beta
beta_port=$registry_port
catalog="$work/catalog.txt"
echo "# kind repository tag|digest [digest] size, as bench/soak_catalog.h reads it" >"$catalog"

push_images() {  # PORT REPO TAG...
  local port="$1" repo="$2" tag headers
  shift 2
  for tag in "$@"; do
    registry_port=$port push_image "$repo" "$tag"
    headers="$(curl -fsS -I -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
      "http://127.0.0.1:$port/v2/$repo/manifests/$tag" | tr -d '\r')"
    echo "image $repo $tag $(awk 'tolower($1)=="docker-content-digest:"{print $2}' <<<"$headers") $(awk 'tolower($1)=="content-length:"{print $2}' <<<"$headers")" >>"$catalog"
  done
}
push_blobs() {  # PORT REPO MIB...
  local port="$1" repo="$2" mib
  shift 2
  for mib in "$@"; do
    echo "blob $repo $(registry_port=$port push_blob "$mib" "$repo") $((mib << 20))" >>"$catalog"
  done
}

echo "== pushing images and blobs" >&2
push_images "$alpha_port" soak/app v1 v2 v3 v4 v5
push_blobs "$alpha_port" soak/app 1 8 64
push_images "$beta_port" soak/beta a b c
push_blobs "$beta_port" soak/beta 2 32
for mode in reset 503 429 digest hang; do
  for group in mixed fault; do
    push_images "$alpha_port" "$group/$mode/app" v1 v2
    push_blobs "$alpha_port" "$group/$mode/app" 1 16
  done
done
echo "# catalog: $(grep -c '^image' "$catalog") images, $(grep -c '^blob' "$catalog") blobs of $(awk '$1=="blob"{s+=$4} END {printf "%d", s / 1048576}' "$catalog") MiB"

"$tools/fault_upstream" --backend "127.0.0.1:$alpha_port" --catalog "$catalog" \
  --port_file "$work/fault.port" --seed "$SEED" >"$work/fault.log" 2>&1 &
fault_pid=$!
pids+=("$fault_pid")
for _ in $(seq 100); do
  [[ -s "$work/fault.port" ]] && break
  sleep 0.1
done
fault_port="$(cat "$work/fault.port")"

grpc_port="$(free_port)"
metrics_port="$(free_port)"
mkdir -m 700 "$work/blobs"
# The store holds less than the blobs pushed, so blobs are evicted and
# fetched again (through the faults) all along. Short TTLs for the same
# reason: the memory cache would otherwise answer nearly every unary call.
# The fault upstream appears once per mode and place (faulty-first-MODE,
# faulty-last-MODE, each scoped to its repositories), so one mode's failures
# open only that mode's circuit. They give up on a silent answer after 3 s
# (1 s was tighter than the scheduler of a shared 2-core machine at load 20
# under ASan: a few answers the fault upstream did not hold timed out) and
# on a body after 10 s; their circuits let a probe through after 5 s.
faulty_upstream() {  # NAME SCOPE
  cat <<YAML
  - name: $1
    url: "http://127.0.0.1:$fault_port"
    scope: {include: ["$2"]}
    header_timeout: 3s
    request_timeout: 10s
    circuit_breaker: {open_duration: 5s}
YAML
}
{
  cat <<YAML
server:
  listen_address: "127.0.0.1:$grpc_port"
  shutdown_grace: 2s
metrics:
  listen_address: "127.0.0.1:$metrics_port"
limits:
  blob_write_stall: 3s
cache:
  blob_directory: "$work/blobs"
  blob_disk_bytes: $((192 << 20))
  manifest_ttl: 2s
  head_manifest_ttl: 2s
  head_blob_ttl: 2s
  tags_ttl: 2s
  negative_ttl: 1s
upstreams:
YAML
  for mode in reset 503 429 digest hang; do
    faulty_upstream "faulty-first-$mode" "mixed/$mode/**"
  done
  cat <<YAML
  - name: alpha
    url: "http://127.0.0.1:$alpha_port"
    scope: {exclude: ["fault/**"]}
  - name: beta
    url: "http://127.0.0.1:$beta_port"
    scope: {exclude: ["fault/**", "mixed/**"]}
YAML
  for mode in reset 503 429 digest hang; do
    faulty_upstream "faulty-last-$mode" "fault/$mode/**"
  done
} >"$work/tributary.yaml"
"$tributary" --config "$work/tributary.yaml" >"$work/tributary.log" 2>&1 &
tributary_pid=$!
pids+=("$tributary_pid")
wait_http "http://127.0.0.1:$metrics_port/metrics"

# Every 10 s: seconds since the start, RSS in KiB, open fds.
sample() {
  local start=$SECONDS rss fds
  while kill -0 "$tributary_pid" 2>/dev/null; do
    rss="$(awk '$1=="VmRSS:"{print $2}' "/proc/$tributary_pid/status" 2>/dev/null || true)"
    fds="$(find "/proc/$tributary_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
    [[ -n "$rss" ]] && echo "$((SECONDS - start)) $rss $fds" >>"$work/samples"
    sleep 10
  done
}
sample &
sampler_pid=$!
pids+=("$sampler_pid")

echo "== soak: $SOAK_SECONDS s, $WORKERS workers" >&2
load_status=0
"$tools/soak_load" --addr "127.0.0.1:$grpc_port" --catalog "$catalog" \
  --seconds "$SOAK_SECONDS" --workers "$WORKERS" --seed "$SEED" --stall 5s \
  >"$work/load.txt" 2>&1 || load_status=$?
stop_process "$sampler_pid"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
tributary_alive=1
kill -0 "$tributary_pid" 2>/dev/null || tributary_alive=0
if [[ -n "${SOAK_LOGS:-}" ]]; then
  mkdir -p "$SOAK_LOGS"
  cp "$work"/*.log "$work"/*.yaml "$work/catalog.txt" "$work/samples" "$SOAK_LOGS/"
fi

echo
cat "$work/load.txt"
echo
echo "Tributary's RSS and open fds every 10 s (warm-up: the first $WARMUP_SECONDS s):"
echo
python3 - "$work/samples" "$WARMUP_SECONDS" >"$work/growth.txt" <<'PY'
import statistics, sys
rows = [tuple(map(int, line.split())) for line in open(sys.argv[1]) if line.strip()]
warmup = int(sys.argv[2])
print("| s | RSS MiB | fds |")
print("| ---: | ---: | ---: |")
for t, rss, fds in rows:
    print(f"| {t} | {rss / 1024:.1f} | {fds} |")
after = [r for r in rows if r[0] >= warmup]
if len(after) < 6:
    print("\ngrowth: too few samples after the warm-up")
    print("growth_ok=0")
    sys.exit()
def growth(i):
    first = statistics.median(r[i] for r in after[:3])
    last = statistics.median(r[i] for r in after[-3:])
    return first, last, (last - first) / first * 100
rss0, rss1, rss_growth = growth(1)
fds0, fds1, fds_growth = growth(2)
print(f"\nRSS after the warm-up {rss0 / 1024:.1f} MiB, at the end {rss1 / 1024:.1f} MiB: "
      f"{rss_growth:+.1f} %; peak {max(r[1] for r in rows) / 1024:.1f} MiB")
print(f"open fds after the warm-up {fds0:g}, at the end {fds1:g}: {fds_growth:+.1f} %; "
      f"peak {max(r[2] for r in rows)}")
print(f"growth_ok={int(rss_growth < 5 and fds_growth < 5)}")
PY
grep -v '^growth_ok=' "$work/growth.txt"
growth_ok="$(sed -n 's/^growth_ok=//p' "$work/growth.txt")"

if ((tributary_alive == 0)); then
  echo "Tributary exited during the soak; the end of its log:"
  tail -40 "$work/tributary.log"
fi
stop_process "$tributary_pid"
stop_process "$fault_pid"
echo
cat "$work/fault.log"
sanitizer_reports="$(grep -c 'ERROR: \(Address\|Leak\)Sanitizer' "$work/tributary.log" || true)"
echo "sanitizer reports in Tributary's log: $sanitizer_reports"
if ((sanitizer_reports > 0)); then
  grep -A30 'ERROR: \(Address\|Leak\)Sanitizer' "$work/tributary.log" | head -80
fi
echo "# load average after: $load_after"

((load_status == 0 && growth_ok == 1 && sanitizer_reports == 0 && tributary_alive == 1))
