#!/usr/bin/env bash
# The blob benchmark's three paths under AddressSanitizer, for SECONDS (default
# 600): Tributary and bench/blob_pull built with --config=asan, a real
# docker-registry as the origin, and in a loop, in turn:
#   cold   a fresh blob store, STREAMS concurrent pulls of one blob (one fills
#          the store, the others follow it);
#   warm   the same pulls again from the store;
#   off    a Tributary without a store, STREAMS concurrent pulls;
#   range  ranged pulls from the store (offset and length);
#   cancel a fresh store, every caller cancelling a quarter of the way in,
#          then a verified pull.
# Fails on any failed pull, any unverified full pull, and any sanitizer report
# in Tributary's log; prints the pulls done and the GiB moved. A check, not a
# figure: ASan makes everything several times slower.
#
#   bench/blob_asan.sh            # env SECONDS_TOTAL=600 BLOB_MIB=256 STREAMS=4
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SECONDS_TOTAL:-600}
BLOB_MIB=${BLOB_MIB:-256}
STREAMS=${STREAMS:-4}
BAZEL_JOBS=${BAZEL_JOBS:-1}
repo=bench/blob

BENCH_NAME=blob-asan
# shellcheck source=bench/lib.sh
source bench/lib.sh

echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
bazel build --config=asan --jobs="$BAZEL_JOBS" //service:tributary //bench:blob_pull >&2
bin="$(bazel info --config=asan bazel-bin 2>/dev/null)"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0

start_registry
origin="http://127.0.0.1:$registry_port"
digest="$(push_blob "$BLOB_MIB" "$repo")"

start_tributary() {  # [BLOB_DIRECTORY]
  start_origin_tributary "$bin/service/tributary" "${1:-}" $(((BLOB_MIB + 64) << 20))
}

# Stops Tributary with SIGTERM and fails unless it exited cleanly: ASan's
# leak check runs at exit and turns the exit code non-zero.
stop_tributary() {
  kill "$tributary_pid"
  local code=0
  wait "$tributary_pid" || code=$?
  local kept=() p
  for p in "${pids[@]}"; do [[ "$p" == "$tributary_pid" ]] || kept+=("$p"); done
  pids=("${kept[@]}")
  if ((code != 0)); then
    echo "blob_asan: tributary exited with $code" >&2
    tail -50 "$work/tributary.log" >&2
    exit 1
  fi
}

pulls=0
bytes=0
pull() {  # STREAMS [extra blob_pull flags...]
  local streams="$1" report
  shift
  report="$("$bin/bench/blob_pull" --addr "127.0.0.1:$grpc_port" --repository "$repo" \
    --digest "$digest" --streams "$streams" "$@")" || {
    echo "blob_asan: blob_pull failed: $report" >&2
    exit 1
  }
  grep -q 'failures=0' <<<"$report" || { echo "blob_asan: $report" >&2; exit 1; }
  pulls=$((pulls + streams))
  bytes=$((bytes + $(grep -oE '(^| )bytes=[0-9]+' <<<"$report" | cut -d= -f2)))
}

deadline=$((SECONDS + SECONDS_TOTAL))
rounds=0
while ((SECONDS < deadline)); do
  rm -rf "$work/blobs" && mkdir -p "$work/blobs"
  start_tributary "$work/blobs"
  pull "$STREAMS" --verify   # cold: one fills the store, the others follow
  pull "$STREAMS" --verify   # warm
  pull 2 --offset $((BLOB_MIB << 19)) --length 1048577
  stop_tributary
  rm -rf "$work/blobs" && mkdir -p "$work/blobs"
  start_tributary "$work/blobs"
  pull "$STREAMS" --cancel_after_bytes $((BLOB_MIB << 18))  # callers leave mid-fill
  pull 1 --verify            # a cancelled fill leaves a working store
  stop_tributary
  start_tributary
  pull "$STREAMS" --verify   # store off
  stop_tributary
  rounds=$((rounds + 1))
  echo "round $rounds: $pulls pulls, $(python3 -c "print(round($bytes / 2**30, 2))") GiB" >&2
done

if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$work/tributary.log"; then
  grep -E -A20 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$work/tributary.log" >&2
  exit 1
fi
echo "blob_asan: $rounds rounds in ${SECONDS_TOTAL}s, $pulls pulls, $(python3 -c "print(round($bytes / 2**30, 2))") GiB, no sanitizer report"
