#!/usr/bin/env bash
# The floor under Tributary's GetBlob: what gRPC's own transport costs per GiB
# on this machine with nothing of Tributary in the way. bench/grpc_floor (-c opt)
# streams a BIG_MIB blob through the same raw callback method Tributary uses,
# one write in flight, in four variants (see bench/grpc_floor.cc):
#
#   inline   the next StartWrite from OnWriteDone itself (no hand-off of ours);
#   post     OnWriteDone posts to an Asio strand on IO_THREADS threads, which
#            calls StartWrite (Tributary's hand-off);
#   pread    like post, each chunk pread from a page-cached file into a pooled
#            buffer, read ahead of the write (Tributary's warm path);
#   inline_pread
#            each chunk pread as in pread, on gRPC's thread in OnWriteDone,
#            which starts the write itself (the warm path without the hand-off);
#
# each at every chunk size of CHUNK_KIB, pulled by bench/blob_pull --streams 1
# (raw reads, bytes discarded). In the same run, for reference, `curl` of a
# BIG_MIB blob from Debian's docker-registry (the "curl direct" of
# bench/blob_compare.sh). Each row is the median of RUNS runs, runs interleaved;
# each gRPC row's server is started afresh for its pull.
#
# Per row: MB/s (bytes / wall seconds, 1 MB = 1e6 bytes), and of the serving
# process (grpc_floor or the registry), per GiB served: CPU-s (utime + stime,
# /proc/PID/stat, read before the pull and 0.3 s after it), of which system, and
# voluntary context switches (summed over /proc/PID/task/*/status: a thread
# waiting, so a count of hand-offs that does not grow with the machine's load);
# and the receiving client's CPU-s per GiB (curl or blob_pull, user + system as
# bash's `time` reports them): what receiving over loopback costs, which an
# upstream fetch (Tributary cold or with the store off) pays too.
#
# With PROFILE_OUT=DIR, each gRPC pull is also sampled with `perf record -g -p`
# (software cpu-clock, as bench/blob_profile.sh does) into DIR/ROW-runN.data, and
# after the table each row's first run is grouped by bench/perf_buckets.py;
# perf's sampling costs a few per cent, so take the figures from a run without.
#
# A benchmark, not a test: run it by hand, on an idle machine for MB/s and CPU.
# Everything listens on 127.0.0.1 and is stopped on exit.
#
#   bench/grpc_floor.sh    # env BIG_MIB=1024 RUNS=3 CHUNK_KIB="256 1024"
#                          #     VARIANTS="inline post pread inline_pread"
#                          #     IO_THREADS=4
#                          #     PROFILE_OUT=DIR (perf profiles)
set -euo pipefail
command_line="$(printf '%q ' "BIG_MIB=${BIG_MIB:-1024}" "RUNS=${RUNS:-3}" \
  "CHUNK_KIB=${CHUNK_KIB:-256 1024}" "$0" "$@")"
cd "$(dirname "$0")/.."
BIG_MIB=${BIG_MIB:-1024}
RUNS=${RUNS:-3}
CHUNK_KIB=${CHUNK_KIB:-256 1024}
VARIANTS=${VARIANTS:-inline post pread inline_pread}
IO_THREADS=${IO_THREADS:-4}
BAZEL_JOBS=${BAZEL_JOBS:-1}
repo=bench/blob

[[ "$BIG_MIB" =~ ^[1-9][0-9]*$ && "$RUNS" =~ ^[1-9][0-9]*$ && "$RUNS" -le 20 ]] || {
  echo "grpc_floor: BIG_MIB must be a positive integer, RUNS 1..20" >&2
  exit 2
}
for kib in $CHUNK_KIB; do
  # gRPC's default 4 MiB message limit, less the framing (grpc_floor checks).
  [[ "$kib" =~ ^[1-9][0-9]*$ && "$kib" -lt 4096 ]] || {
    echo "grpc_floor: CHUNK_KIB: $kib is not in 1..4095" >&2
    exit 2
  }
done
for variant in $VARIANTS; do
  [[ "$variant" =~ ^(inline|post|pread|inline_pread)$ ]] || {
    echo "grpc_floor: VARIANTS: $variant is not inline, post, pread or inline_pread" >&2
    exit 2
  }
done
tools=(docker-registry curl python3 getconf lscpu)
[[ -z "${PROFILE_OUT:-}" ]] || tools+=(perf)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || {
    echo "grpc_floor: $tool is missing (./scripts/setup.sh --test)" >&2
    exit 1
  }
done

BENCH_NAME=grpc-floor
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first
[[ -z "${PROFILE_OUT:-}" ]] || mkdir -p "$PROFILE_OUT"

echo "\$ ${command_line% }"
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# $(nproc) cores; $(lscpu | grep 'Model name' | sed 's/  */ /g')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== building (bazel build -c opt --jobs=$BAZEL_JOBS)" >&2
bazel build -c opt --jobs="$BAZEL_JOBS" //bench:grpc_floor //bench:blob_pull >&2
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"

start_registry
origin="http://127.0.0.1:$registry_port"
echo "== pushing a $BIG_MIB MiB random blob to the origin" >&2
digest="$(push_blob "$BIG_MIB" "$repo")"
size=$((BIG_MIB << 20))
gib="$(calc "$size / 2**30")"
# The pread variant's file, in the page cache as a warm store's file would be.
file="$work/floor-blob"
head -c "$size" /dev/urandom >"$file"
cat "$file" >/dev/null
echo "# blob $size bytes; median of $RUNS runs; IO_THREADS=$IO_THREADS"

# Both measures set $mbps; per GiB of the serving process $cpu (CPU-s), $sys
# (system CPU-s) and $vcs (voluntary context switches); and $client (the
# client's CPU-s per GiB).
before() {  # PID
  read -r u0 s0 <<<"$(user_system "$1")"
  read -r v0 _ <<<"$(context_switches "$1")"
}
after() {  # PID BYTES SECONDS
  local u1 s1 v1
  ((${2} == size)) || { echo "grpc_floor: got $2 bytes, not $size" >&2; exit 1; }
  sleep 0.3
  read -r u1 s1 <<<"$(user_system "$1")"
  read -r v1 _ <<<"$(context_switches "$1")"
  mbps="$(calc "round($2 / $3 / 1e6, 1)")"
  cpu="$(calc "round(($u1 + $s1 - $u0 - $s0) / $gib, 3)")"
  sys="$(calc "round(($s1 - $s0) / $gib, 3)")"
  vcs="$(calc "round(($v1 - $v0) / $gib)")"
  client="$(calc "round(($(sed 's/ / + /' "$work/time")) / $gib, 3)")"
}
# Runs COMMAND... with its output in $work/out and its CPU ("USER SYSTEM") in
# $work/time.
timed() {
  local TIMEFORMAT='%U %S'
  { time "$@" >"$work/out" 2>"$work/err"; } 2>"$work/time" ||
    { echo "grpc_floor: $1 failed: $(cat "$work/out" "$work/err")" >&2; exit 1; }
}
measure_curl() {
  local bytes secs
  before "$registry_pid"
  timed curl -fsS -o /dev/null -w '%{size_download} %{time_total}\n' \
    "$origin/v2/$repo/blobs/$digest"
  read -r bytes secs <"$work/out"
  after "$registry_pid" "$bytes" "$secs"
}
start_perf() {  # PID DATA_FILE -> sets $perf_pid
  perf record -q -g -F 2000 -o "$2" -p "$1" 2>/dev/null &
  perf_pid=$!
  sleep 0.5
}
stop_perf() {
  kill -INT "$perf_pid"
  wait "$perf_pid" 2>/dev/null || true
}
measure_floor() {  # VARIANT KIB
  local port pid bytes secs
  port="$(free_port)"
  "$bin/bench/grpc_floor" --port "$port" --variant "$1" --chunk_bytes $(($2 << 10)) \
    --blob_bytes "$size" --io_threads "$IO_THREADS" --file "$file" \
    >>"$work/grpc_floor.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_tcp "$port"
  before "$pid"
  [[ -z "${PROFILE_OUT:-}" ]] || start_perf "$pid" "$PROFILE_OUT/$1-$2-run$run.data"
  timed "$bin/bench/blob_pull" --addr "127.0.0.1:$port" --repository "$repo" \
    --digest "$digest" --streams 1
  [[ -z "${PROFILE_OUT:-}" ]] || stop_perf
  bytes="$(grep -oE '(^| )bytes=[0-9]+' "$work/out" | cut -d= -f2)"
  secs="$(grep -oE 'seconds=[0-9.]+' "$work/out" | cut -d= -f2)"
  after "$pid" "$bytes" "$secs"
  stop_process "$pid"
}

rows=(curl)
# shellcheck disable=SC2016  # backquotes are Markdown, not a command
declare -A label=([curl]='`curl` from docker-registry')
declare -A chunk_kib=([curl]=0)
for kib in $CHUNK_KIB; do
  for variant in $VARIANTS; do
    rows+=("$variant-$kib")
    label[$variant-$kib]="gRPC alone, $variant, $kib KiB"
    chunk_kib[$variant-$kib]=$kib
  done
done
declare -A all_mbps all_cpu all_sys all_vcs all_client
record() {  # ROW
  all_mbps[$1]+=" $mbps"
  all_cpu[$1]+=" $cpu"
  all_sys[$1]+=" $sys"
  all_vcs[$1]+=" $vcs"
  all_client[$1]+=" $client"
  echo "run $run: ${label[$1]}: $mbps MB/s, $cpu CPU-s/GiB (system $sys)," \
    "$vcs voluntary context switches/GiB; client $client CPU-s/GiB"
}

for run in $(seq "$RUNS"); do
  echo "== run $run of $RUNS" >&2
  measure_curl
  record curl
  for row in "${rows[@]:1}"; do
    measure_floor "${row%-*}" "${chunk_kib[$row]}"
    record "$row"
  done
done

echo
echo "$BIG_MIB MiB on loopback, median of $RUNS runs (serving process: the registry for curl, grpc_floor otherwise):"
echo
echo "| path | MB/s | × curl MB/s | CPU-s per GiB | of which system | voluntary context switches per GiB | per message | client CPU-s per GiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
# shellcheck disable=SC2086  # a space-separated list
curl_mbps="$(median ${all_mbps[curl]})"
for row in "${rows[@]}"; do
  # shellcheck disable=SC2086  # the lists are space-separated numbers
  {
    m="$(median ${all_mbps[$row]})"
    c="$(median ${all_cpu[$row]})"
    s="$(median ${all_sys[$row]})"
    v="$(median ${all_vcs[$row]})"
    k="$(median ${all_client[$row]})"
  }
  per_message="–"
  if ((chunk_kib[$row] > 0)); then
    per_message="$(calc "format($v / (2**20 / ${chunk_kib[$row]}), '.2f')")"
  fi
  printf '| %s | %.1f | %.2f | %.2f | %.2f | %.0f | %s | %.2f |\n' "${label[$row]}" "$m" \
    "$(calc "$m / $curl_mbps")" "$c" "$s" "$v" "$per_message" "$k"
done
echo
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "${PROFILE_OUT:-}" ]]; then
  for row in "${rows[@]:1}"; do
    echo
    echo "## ${label[$row]}, run 1: where grpc_floor's samples went"
    perf script -i "$PROFILE_OUT/$row-run1.data" -F tid,ip,sym,dso 2>/dev/null |
      python3 bench/perf_buckets.py
  done
fi
