#!/usr/bin/env bash
# Real clients pulling through tributary-frontend + Tributary vs through
# distribution's pull-through cache, in one run, both in front of the same
# origin (Debian's docker-registry) on loopback:
#
#   image   `skopeo copy docker://HOST/bench/image:v1 oci:DIR` of a LAYERS-layer
#           image of IMAGE_MIB MiB (one random file per layer; umoci + skopeo
#           push, as tests/e2e does); skopeo checks every digest.
#   blob    `curl -o /dev/null` of one BLOB_MIB MiB random blob.
#
# Each is pulled these ways (rows), every row the median of RUNS runs, runs
# interleaved (each run does every row once):
#
#   direct                 from the origin (the reference line).
#   proxy cold / warm      a docker-registry in proxy mode (proxy.remoteurl =
#                          the origin) started on an empty rootdirectory; the
#                          same pull again from it.
#   TCP cold / warm        tributary-frontend -> Tributary over TCP loopback;
#                          Tributary started with a fresh cache.blob_directory
#                          (and an empty memory cache); the same pull again.
#   Unix cold / warm       the same with Tributary on server.listen_address
#                          unix://$work/grpc.sock and the frontend's
#                          --tributary_address pointing at it.
#
# Plain HTTP everywhere (frontend --plain_http, proxy and origin without TLS),
# and gRPC without TLS between the frontend and Tributary; both -c opt.
# Seconds = wall time of the client (skopeo's includes its start and writing
# the layout to disk, the same on every row). MB/s = bytes / seconds (1 MB =
# 1e6 bytes; the image's bytes are its manifest, config and layers). CPU-s per
# GiB = utime + stime of the serving processes (/proc/PID/stat, read before the
# pull and 0.3 s after it ended, so a proxy committing its copy counts) / GiB
# served: the frontend and Tributary together vs the proxy (vs the origin for
# the direct line), with the frontend's and Tributary's shares and the
# origin's own CPU per GiB beside them. Per-run lines (printed before the
# tables) add the origin's blob GETs for each pull (its access log is on).
#
# A benchmark, not a test: run it by hand, on an idle machine for figures.
# Everything listens on 127.0.0.1 (or the Unix socket) and is stopped on exit.
#
#   bench/frontend_compare.sh   # env IMAGE_MIB=512 LAYERS=5 BLOB_MIB=1024 RUNS=3 BAZEL_JOBS=1
set -euo pipefail
command_line="$(printf '%q ' "IMAGE_MIB=${IMAGE_MIB:-512}" "LAYERS=${LAYERS:-5}" \
  "BLOB_MIB=${BLOB_MIB:-1024}" "RUNS=${RUNS:-3}" "$0" "$@")"
cd "$(dirname "$0")/.."
IMAGE_MIB=${IMAGE_MIB:-512}
LAYERS=${LAYERS:-5}
BLOB_MIB=${BLOB_MIB:-1024}
RUNS=${RUNS:-3}
BAZEL_JOBS=${BAZEL_JOBS:-1}
image_repo=bench/image
blob_repo=bench/blob

for value in "$IMAGE_MIB" "$LAYERS" "$BLOB_MIB" "$RUNS"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || {
    echo "frontend_compare: IMAGE_MIB, LAYERS, BLOB_MIB and RUNS must be positive integers" >&2
    exit 2
  }
done
((RUNS <= 20 && IMAGE_MIB >= LAYERS)) || {
  echo "frontend_compare: RUNS must be 1..20 and IMAGE_MIB at least LAYERS (1 MiB a layer)" >&2
  exit 2
}
for tool in docker-registry curl skopeo umoci python3 getconf lscpu; do
  command -v "$tool" >/dev/null || {
    echo "frontend_compare: $tool is missing (./scripts/setup.sh --test)" >&2
    exit 1
  }
done

BENCH_NAME=frontend-compare
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first

echo "\$ ${command_line% }"
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# $(nproc) cores; $(lscpu | grep 'Model name' | sed 's/  */ /g')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== building (bazel build -c opt --jobs=$BAZEL_JOBS)" >&2
bazel build -c opt --jobs="$BAZEL_JOBS" //service:tributary \
  //client/frontend:tributary-frontend >&2
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"

REGISTRY_ACCESS_LOG=on start_registry
origin_host="127.0.0.1:$registry_port"
echo "== pushing a $LAYERS-layer, $IMAGE_MIB MiB random image and a $BLOB_MIB MiB random blob" >&2
push_layered_image "$image_repo" v1 "$LAYERS" $((IMAGE_MIB / LAYERS)) >&2
blob_digest="$(push_blob "$BLOB_MIB" "$blob_repo")"
manifest="$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://$origin_host/v2/$image_repo/manifests/v1")"
declare -A bytes=(
  [image]="$(python3 -c 'import json,sys; m=sys.stdin.read().strip(); j=json.loads(m)
print(len(m.encode()) + j["config"]["size"] + sum(l["size"] for l in j["layers"]))' <<<"$manifest")"
  [blob]=$((BLOB_MIB << 20))
)
echo "# image $image_repo:v1, $LAYERS layers, ${bytes[image]} bytes; blob $blob_digest, ${bytes[blob]} bytes"
echo "# median of $RUNS runs; plain HTTP on loopback, gRPC without TLS"

origin_blob_gets() {  # -> blob GETs the origin has answered so far
  grep -cE '"GET /v2/[^ ]+/blobs/' "$work/registry.log" || true
}
# Arithmetic without a Python start per figure (a loaded machine makes those
# slow): awk, 4 places.
arith() { awk "BEGIN { printf \"%.4f\", $1 }"; }

# One pull of ITEM (image or blob) from HOST:PORT, timed. Sets $secs and, in
# $cpu_by, the CPU seconds each process of $watched ("role:pid" words) used
# meanwhile; $gets is the origin's blob GETs meanwhile.
declare -A cpu_by
pull() {  # ITEM HOST
  local item="$1" host="$2" word start end got gets0
  local -A before after
  for word in $watched; do before[$word]="$(cpu_seconds "${word#*:}")"; done
  gets0="$(origin_blob_gets)"
  start=$EPOCHREALTIME
  if [[ "$item" == image ]]; then
    rm -rf "$work/pulled"
    skopeo --policy "$work/policy.json" --tmpdir "$TMPDIR" copy --quiet \
      --src-tls-verify=false "docker://$host/$image_repo:v1" "oci:$work/pulled:v1" || {
      echo "frontend_compare: skopeo copy from $host failed" >&2
      exit 1
    }
  else
    got="$(curl -fsS -o /dev/null -w '%{size_download}' \
      "http://$host/v2/$blob_repo/blobs/$blob_digest")" || {
      echo "frontend_compare: curl of the blob from $host failed" >&2
      exit 1
    }
    ((got == bytes[blob])) || {
      echo "frontend_compare: curl from $host got $got bytes, not ${bytes[blob]}" >&2
      exit 1
    }
  fi
  end=$EPOCHREALTIME
  sleep 0.3
  for word in $watched; do after[$word]="$(cpu_seconds "${word#*:}")"; done
  cpu_by=()
  for word in $watched; do
    cpu_by[${word%%:*}]="$(arith "${after[$word]} - ${before[$word]}")"
  done
  secs="$(arith "$end - $start")"
  gets=$(($(origin_blob_gets) - gets0))
  rm -rf "$work/pulled"
}

# Pulls ITEM from HOST as ROW, prints the run's line and appends it to
# $work/samples.tsv (bench/frontend_compare_report.py reads it). SERVING: the
# roles whose CPU is the row's serving CPU (the origin's is kept apart, always).
measure() {  # ITEM ROW HOST SERVING...
  local item="$1" row="$2" host="$3" role total=0 gib mbps cpu front=- trib=- origin extra=""
  shift 3
  pull "$item" "$host"
  for role in "$@"; do total="$(arith "$total + ${cpu_by[$role]}")"; done
  gib="$(arith "${bytes[$item]} / 1073741824")"
  mbps="$(arith "${bytes[$item]} / $secs / 1e6")"
  cpu="$(arith "$total / $gib")"
  origin="$(arith "${cpu_by[origin]} / $gib")"
  if [[ -v cpu_by[frontend] ]]; then
    front="$(arith "${cpu_by[frontend]} / $gib")"
    trib="$(arith "${cpu_by[tributary]} / $gib")"
    extra="$(printf ' (frontend %.2f, Tributary %.2f)' "$front" "$trib")"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$item" "$row" "$secs" "$mbps" "$cpu" \
    "$front" "$trib" "$origin" >>"$work/samples.tsv"
  printf 'run %s: %s %s: %.2f s, %.1f MB/s, %.2f CPU-s/GiB%s; origin %.2f CPU-s/GiB, %s blob GETs\n' \
    "$run" "$item" "$row" "$secs" "$mbps" "$cpu" "$extra" "$origin" "$gets"
}

start_tributary() {  # GRPC_LISTEN_ADDRESS BLOB_DIRECTORY -> sets tributary_pid
  local metrics_port
  metrics_port="$(free_port)"
  cat >"$work/tributary.yaml" <<YAML
server:
  listen_address: "$1"
  shutdown_grace: 1s
metrics:
  listen_address: "127.0.0.1:$metrics_port"
cache:
  blob_directory: "$2"
upstreams:
  - name: origin
    url: "http://$origin_host"
YAML
  "$bin/service/tributary" --config "$work/tributary.yaml" >>"$work/tributary.log" 2>&1 &
  tributary_pid=$!
  pids+=("$tributary_pid")
  wait_http "http://127.0.0.1:$metrics_port/metrics"
}
start_frontend() {  # TRIBUTARY_ADDRESS -> sets frontend_pid, frontend_host
  frontend_host="127.0.0.1:$(free_port)"
  "$bin/client/frontend/tributary-frontend" --plain_http \
    --listen_address "$frontend_host" --tributary_address "$1" \
    >>"$work/frontend.log" 2>&1 &
  frontend_pid=$!
  pids+=("$frontend_pid")
  wait_http "http://$frontend_host/healthz"
}

# Both items cold then warm as ROW_PREFIX-cold / -warm from HOST.
cold_and_warm() {  # ROW_PREFIX HOST SERVING...
  local prefix="$1" host="$2" item
  shift 2
  for item in image blob; do
    measure "$item" "$prefix-cold" "$host" "$@"
    measure "$item" "$prefix-warm" "$host" "$@"
  done
}

# The frontend and Tributary, fresh, with Tributary listening on ADDRESS.
through_tributary() {  # ROW_PREFIX GRPC_LISTEN_ADDRESS
  rm -rf "$work/blobs" "$work/grpc.sock"
  mkdir -p "$work/blobs"
  start_tributary "$2" "$work/blobs"
  start_frontend "$2"
  watched="origin:$registry_pid frontend:$frontend_pid tributary:$tributary_pid"
  cold_and_warm "$1" "$frontend_host" frontend tributary
  stop_process "$frontend_pid"
  stop_process "$tributary_pid"
  rm -rf "$work/blobs" "$work/grpc.sock"
}

for run in $(seq "$RUNS"); do
  echo "== run $run of $RUNS" >&2
  watched="origin:$registry_pid"
  measure image direct "$origin_host" origin
  measure blob direct "$origin_host" origin

  rm -rf "$work/proxy-root"
  PROXY_ROOT="$work/proxy-root" start_proxy_registry
  watched="origin:$registry_pid proxy:$proxy_pid"
  cold_and_warm proxy "127.0.0.1:$proxy_port" proxy
  stop_process "$proxy_pid"
  rm -rf "$work/proxy-root"

  through_tributary tcp "127.0.0.1:$(free_port)"
  through_tributary unix "unix://$work/grpc.sock"
done

python3 bench/frontend_compare_report.py "$work/samples.tsv" \
  "\`skopeo copy\` of the $LAYERS-layer, $IMAGE_MIB MiB image (${bytes[image]} bytes) to an OCI layout" \
  "\`curl\` of the $BLOB_MIB MiB blob"
echo
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
