# Shared by the bench/*.sh scripts (sourced, not run): a scratch folder, processes
# stopped on exit, free loopback ports, waiting for a TCP port or an HTTP endpoint,
# a process's CPU seconds and context switches, the origin and proxy registries,
# images and blobs pushed to them.
# Before sourcing, set BENCH_NAME (used in messages and the scratch folder's name).

work="$(mktemp -d "/tmp/tributary-${BENCH_NAME}.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Stops one process this script started (by its id) and forgets it.
stop_process() {  # PID
  local pid="$1" kept=() p
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${pids[@]}"; do
    [[ "$p" == "$pid" ]] || kept+=("$p")
  done
  pids=("${kept[@]}")
}

# utime + stime of a process (all its threads) in seconds, from /proc/PID/stat.
cpu_seconds() {  # PID
  local stat
  stat="$(<"/proc/$1/stat")"
  # Fields after "(comm) ": state is the 3rd field of the line, so utime (14)
  # and stime (15) are the 12th and 13th of the rest.
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($12 + $13) / tck }' <<<"${stat##*) }"
}
# utime and stime of a process (all its threads) in seconds: "USER SYSTEM".
user_system() {  # PID
  local stat
  stat="$(<"/proc/$1/stat")"
  awk -v tck="$(getconf CLK_TCK)" '{ printf "%.2f %.2f\n", $12 / tck, $13 / tck }' <<<"${stat##*) }"
}
# A process's context switches summed over its threads: "VOLUNTARY INVOLUNTARY".
# Voluntary ones are a thread waiting (each hand-off between threads costs one),
# whatever else the machine runs; involuntary ones (preemption) grow with load.
context_switches() {  # PID
  cat /proc/"$1"/task/*/status 2>/dev/null |
    awk '/^voluntary_ctxt/{v+=$2} /^nonvoluntary_ctxt/{n+=$2} END{print v, n}'
}
calc() { python3 -c "print($1)"; }
median() { python3 -c 'import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))' "$@"; }

# Returns once something accepts TCP connections on the loopback PORT.
wait_tcp() {  # PORT
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "${BENCH_NAME}: port $1 did not open" >&2
  return 1
}

wait_http() {  # URL
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "${BENCH_NAME}: $1 did not come up" >&2
  return 1
}

# Builds the optimized service and load generator; sets $tributary and $loadgen.
build_opt() {
  echo "== building (bazel build -c opt)" >&2
  bazel build -c opt //service:tributary //client/loadgen:tributary-loadgen >&2
  local bin
  bin="$(bazel info -c opt bazel-bin 2>/dev/null)"
  tributary="$bin/service/tributary"
  loadgen="$bin/client/loadgen/tributary-loadgen"
}

# Starts Debian's docker-registry on a free loopback port; sets $registry_port
# and $registry_pid. NAME (default "registry") names its config, storage and
# log in $work, so a script can start several (each call sets the two
# variables anew: keep them before the next call).
# Its output goes to $work/NAME.log; with REGISTRY_ACCESS_LOG=on that includes
# one combined-format line per request, written when the response has been sent:
#   127.0.0.1 - - [date] "GET /v2/NAME/blobs/DIGEST HTTP/1.1" 200 BYTES "" "AGENT"
start_registry() {  # [NAME]
  local name="${1:-registry}"
  registry_port="$(free_port)"
  local access_log_disabled=true
  [[ "${REGISTRY_ACCESS_LOG:-off}" == on ]] && access_log_disabled=false
  cat >"$work/$name.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: $access_log_disabled
storage:
  filesystem:
    rootdirectory: $work/$name
http:
  addr: 127.0.0.1:$registry_port
  secret: tributary-bench
YAML
  docker-registry serve "$work/$name.yml" >"$work/$name.log" 2>&1 &
  registry_pid=$!
  pids+=("$registry_pid")
  wait_http "http://127.0.0.1:$registry_port/v2/"
}

# Starts a second docker-registry in proxy mode (distribution's pull-through
# cache, its own storage: $PROXY_ROOT, default $work/proxy) in front of the one
# start_registry started; sets $proxy_port and $proxy_pid. Stop it with
# stop_process "$proxy_pid" before starting another.
start_proxy_registry() {
  local root="${PROXY_ROOT:-$work/proxy}"
  proxy_port="$(free_port)"
  cat >"$work/proxy.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $root
http:
  addr: 127.0.0.1:$proxy_port
  secret: tributary-bench
proxy:
  remoteurl: http://127.0.0.1:$registry_port
YAML
  docker-registry serve "$work/proxy.yml" >>"$work/proxy.log" 2>&1 &
  proxy_pid=$!
  pids+=("$proxy_pid")
  wait_http "http://127.0.0.1:$proxy_port/v2/"
}

# Gives umoci and skopeo a private HOME and TMPDIR under $work and a policy
# accepting any image ($work/policy.json), as tests/e2e does.
image_tools_env() {
  export HOME="$work/home" TMPDIR="$work/tmp" XDG_RUNTIME_DIR="$work/run"
  mkdir -p "$HOME" "$TMPDIR" "$XDG_RUNTIME_DIR"
  echo '{"default":[{"type":"insecureAcceptAnything"}]}' >"$work/policy.json"
}

# Builds a one-layer image with umoci and pushes it with skopeo to the registry
# (as tests/e2e does); each call builds in a fresh folder, so a script may push
# several.
push_image() {  # REPO TAG
  local repo="$1" tag="$2" build
  image_tools_env
  build="$(mktemp -d "$work/image.XXXXXX")"
  umoci init --layout "$build/layout"
  umoci new --image "$build/layout:$tag"
  umoci unpack --rootless --image "$build/layout:$tag" "$build/bundle" >/dev/null
  mkdir -p "$build/bundle/rootfs/tributary"
  echo "tributary benchmark image $repo:$tag" >"$build/bundle/rootfs/tributary/image.txt"
  umoci repack --image "$build/layout:$tag" "$build/bundle"
  skopeo --policy "$work/policy.json" --tmpdir "$TMPDIR" copy --quiet \
    --dest-tls-verify=false --format oci \
    "oci:$build/layout:$tag" "docker://127.0.0.1:$registry_port/$repo:$tag"
  rm -rf "$build"
}

# Builds an image of LAYERS layers, each one file of MiB random bytes (umoci
# insert, gzip-compressed: random bytes do not shrink), and pushes it with
# skopeo to the registry of start_registry.
push_layered_image() {  # REPO TAG LAYERS MiB
  local repo="$1" tag="$2" layers="$3" mib="$4" layout="$work/layered" i
  image_tools_env
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  for i in $(seq "$layers"); do
    head -c "$((mib << 20))" /dev/urandom >"$work/layer-$i"
    umoci insert --rootless --image "$layout:$tag" "$work/layer-$i" "/data/layer-$i"
    rm -f "$work/layer-$i"
  done
  skopeo --policy "$work/policy.json" --tmpdir "$TMPDIR" copy --quiet \
    --dest-tls-verify=false --format oci \
    "oci:$layout:$tag" "docker://127.0.0.1:$registry_port/$repo:$tag"
  rm -rf "$layout"
}

# Uploads MiB random bytes as a blob of REPO (default bench/blob) to the registry
# of start_registry with the distribution API (monolithic PUT); prints the digest.
push_blob() {  # MiB [REPO]
  local mib="$1" repo="${2:-bench/blob}" registry="http://127.0.0.1:$registry_port"
  local file="$work/blob-$mib" digest location
  head -c "$((mib << 20))" /dev/urandom >"$file"
  digest="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
  location=$(curl -sf -D - -o /dev/null -X POST "$registry/v2/$repo/blobs/uploads/" |
    tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  [[ "$location" == http* ]] || location="$registry$location"
  curl -sf -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
    -T "$file" "$location&digest=$digest"
  rm -f "$file"
  echo "$digest"
}

# The limits section for CHUNK_MAX_BYTES (limits.blob_chunk_max_bytes), when
# set: CHUNK_MAX_BYTES=262144 gives every stream the fixed 256 KiB chunks of
# before the chunk budget.
chunk_limits() {
  [[ -z "${CHUNK_MAX_BYTES:-}" ]] || printf 'limits:\n  blob_chunk_max_bytes: %d\n' "$CHUNK_MAX_BYTES"
}

# Starts Tributary (BIN) with one upstream, $origin, gRPC and metrics on free
# loopback ports, and a blob store in DIR holding up to BYTES when DIR is given;
# appends its output to $work/tributary.log; returns once its gRPC port accepts
# (metrics come up first). Sets $tributary_pid and $grpc_port.
start_origin_tributary() {  # BIN [DIR BYTES]
  local bin="$1" dir="${2:-}" bytes="${3:-}" metrics_port
  grpc_port="$(free_port)"
  metrics_port="$(free_port)"
  {
    printf 'server:\n  listen_address: "127.0.0.1:%s"\n  shutdown_grace: 1s\n' "$grpc_port"
    printf 'metrics:\n  listen_address: "127.0.0.1:%s"\n' "$metrics_port"
    printf 'upstreams:\n  - name: origin\n    url: "%s"\n' "$origin"
    [[ -z "$dir" ]] || printf 'cache:\n  blob_directory: "%s"\n  blob_disk_bytes: %d\n' \
      "$dir" "$bytes"
    chunk_limits
  } >"$work/tributary.yaml"
  "$bin" --config "$work/tributary.yaml" >>"$work/tributary.log" 2>&1 &
  tributary_pid=$!
  pids+=("$tributary_pid")
  wait_http "http://127.0.0.1:$metrics_port/metrics"
  wait_tcp "$grpc_port"
}
