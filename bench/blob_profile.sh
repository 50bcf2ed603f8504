#!/usr/bin/env bash
# Where Tributary's CPU goes while it serves one blob: a `perf record` profile of
# the serving process (software cpu-clock sampling, which works in VMs without
# hardware counters), for each of the three paths of bench/blob_compare.sh:
#
#   cold    store on, empty store: fetch from the origin, hash, write the file,
#           stream to the client;
#   off     no store: fetch, hash, stream;
#   warm    from the store.
#
# Prints, per path: user vs system CPU-s per GiB (/proc/PID/stat), context
# switches per GiB (its threads' voluntary ones count the hand-offs and waits,
# whatever else the machine runs; involuntary ones grow with load), then the
# samples grouped into buckets (what the CPU was doing, by symbol and library:
# SHA-256, socket receive and send, file write and read, gRPC/HTTP2 framing, ...)
# and the top symbols by self time. The perf.data files stay in PROFILE_OUT
# (default: a temporary folder that is removed) for `perf report -i`.
#
# A profiling aid, not a benchmark: perf's sampling costs a few per cent.
#
#   bench/blob_profile.sh          # env BIG_MIB=1024 PATHS="cold off warm"
set -euo pipefail
cd "$(dirname "$0")/.."
BIG_MIB=${BIG_MIB:-1024}
PATHS=${PATHS:-cold off warm}
BAZEL_JOBS=${BAZEL_JOBS:-1}
repo=bench/blob

[[ "$BIG_MIB" =~ ^[1-9][0-9]*$ ]] || { echo "blob_profile: BIG_MIB must be a positive integer" >&2; exit 2; }
for tool in docker-registry curl python3 getconf perf; do
  command -v "$tool" >/dev/null || {
    echo "blob_profile: $tool is missing (./scripts/setup.sh --bench)" >&2
    exit 1
  }
done

BENCH_NAME=blob-profile
# shellcheck source=bench/lib.sh
source bench/lib.sh
out="${PROFILE_OUT:-$work/perf}"
mkdir -p "$out"

echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $BIG_MIB MiB"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bazel build -c opt --jobs="$BAZEL_JOBS" //service:tributary //bench:blob_pull >&2
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"

start_registry
origin="http://127.0.0.1:$registry_port"
digest="$(push_blob "$BIG_MIB" "$repo")"
gib="$(python3 -c "print($BIG_MIB / 1024)")"

start_tributary() {  # [BLOB_DIRECTORY]
  start_origin_tributary "$bin/service/tributary" "${1:-}" $(((BIG_MIB + 64) << 20))
}

pull() {
  "$bin/bench/blob_pull" --addr "127.0.0.1:$grpc_port" --repository "$repo" \
    --digest "$digest" --streams 1 >/dev/null
}

# Profiles one pull; prints the CPU split and the buckets.
profile_pull() {  # NAME
  local name="$1" u0 s0 u1 s1 v0 n0 v1 n1 data="$out/$1.data"
  read -r u0 s0 <<<"$(user_system "$tributary_pid")"
  read -r v0 n0 <<<"$(context_switches "$tributary_pid")"
  perf record -q -g -F 2000 -o "$data" -p "$tributary_pid" 2>/dev/null &
  local perf_pid=$!
  sleep 0.5
  pull
  sleep 0.3
  kill -INT "$perf_pid"
  wait "$perf_pid" 2>/dev/null || true
  read -r u1 s1 <<<"$(user_system "$tributary_pid")"
  read -r v1 n1 <<<"$(context_switches "$tributary_pid")"
  python3 - "$name" "$u0" "$s0" "$u1" "$s1" "$v0" "$n0" "$v1" "$n1" "$gib" <<'PY'
import sys
name = sys.argv[1]
u0, s0, u1, s1, v0, n0, v1, n1, gib = map(float, sys.argv[2:])
u, s = (u1 - u0) / gib, (s1 - s0) / gib
print(f"\n## {name}: {u + s:.2f} CPU-s/GiB = user {u:.2f} + system {s:.2f}; "
      f"per GiB {(v1 - v0) / gib:.0f} voluntary context switches (a thread "
      f"waited), {(n1 - n0) / gib:.0f} involuntary (preempted)")
PY
  perf script -i "$data" -F tid,ip,sym,dso 2>/dev/null | python3 bench/perf_buckets.py
}

for path in $PATHS; do
  case "$path" in
    cold)
      rm -rf "$work/blobs" && mkdir -p "$work/blobs"
      start_tributary "$work/blobs"
      profile_pull cold
      ;;
    off)
      start_tributary
      profile_pull off
      ;;
    warm)
      rm -rf "$work/blobs" && mkdir -p "$work/blobs"
      start_tributary "$work/blobs"
      pull  # fills the store
      profile_pull warm
      ;;
    *) echo "blob_profile: unknown path $path (cold, off, warm)" >&2; exit 2 ;;
  esac
  stop_process "$tributary_pid"
done
echo
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# An `if`: a false test as the last command would be the script's exit status.
if [[ -n "${PROFILE_OUT:-}" ]]; then
  echo "# perf data in $out"
fi
