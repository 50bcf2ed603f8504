#!/usr/bin/env bash
# Two tributary-frontend binaries on the blob path, A/B: one origin (Debian's
# docker-registry), one Tributary (disk store on, warm) and each frontend in
# turn in front of it (--plain_http, gRPC over TCP loopback), runs alternated
# (A, B, A, B, ...), each run on a freshly started frontend:
#
#   slow   SLOW clients `curl --limit-rate RATE` of a SLOW_MIB MiB blob at
#          once: the frontend's peak RSS (VmHWM of /proc/PID/status).
#   fast   one `curl -o /dev/null` of a BLOB_MIB MiB blob: MB/s, CPU-s per GiB
#          of the frontend and of Tributary (utime + stime, /proc/PID/stat,
#          read before and 0.3 s after), and the frontend's voluntary and
#          involuntary context switches per GiB (summed over
#          /proc/PID/task/*/status, before and after; they do not depend on
#          the machine's load the way seconds do).
#
# Prints one line per run and the median of each column per binary. A
# benchmark, not a test: everything listens on 127.0.0.1 and is stopped on
# exit.
#
#   bench/frontend_ab.sh OLD_FRONTEND NEW_FRONTEND [TRIBUTARY]
#       # env BLOB_MIB=1024 RUNS=3 SLOW=16 SLOW_MIB=64 RATE=4M
#       # TRIBUTARY: default the -c opt build in bazel-bin
set -euo pipefail
(($# >= 2)) || {
  echo "usage: bench/frontend_ab.sh OLD_FRONTEND NEW_FRONTEND [TRIBUTARY]" >&2
  exit 2
}
command_line="$(printf '%q ' "BLOB_MIB=${BLOB_MIB:-1024}" "RUNS=${RUNS:-3}" \
  "SLOW=${SLOW:-16}" "SLOW_MIB=${SLOW_MIB:-64}" "RATE=${RATE:-4M}" "$0" "$@")"
declare -A binary=([A]="$(realpath "$1")" [B]="$(realpath "$2")")
tributary_bin="$(realpath "${3:-$(bazel info -c opt bazel-bin 2>/dev/null)/service/tributary}")"
cd "$(dirname "$0")/.."
BLOB_MIB=${BLOB_MIB:-1024}
RUNS=${RUNS:-3}
SLOW=${SLOW:-16}
SLOW_MIB=${SLOW_MIB:-64}
RATE=${RATE:-4M}
repo=bench/blob

BENCH_NAME=frontend-ab
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the script cd'd to the repository root first

echo "\$ ${command_line% }"
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# A = ${binary[A]}, B = ${binary[B]}"
echo "# $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

start_registry
origin="http://127.0.0.1:$registry_port"
fast_digest="$(push_blob "$BLOB_MIB" "$repo")"
slow_digest="$(push_blob "$SLOW_MIB" "$repo")"
mkdir -p "$work/blobs"
start_origin_tributary "$tributary_bin" "$work/blobs" $((4 * (BLOB_MIB + SLOW_MIB) << 20))

arith() { awk "BEGIN { printf \"%.4f\", $1 }"; }
# Voluntary and involuntary context switches of all of PID's threads: "V I".
context_switches() {  # PID
  awk '/^voluntary_ctxt_switches/ { v += $2 } /^nonvoluntary_ctxt_switches/ { n += $2 }
       END { print v, n }' /proc/"$1"/task/*/status 2>/dev/null
}
start_frontend() {  # BINARY -> sets frontend_pid, frontend_host
  frontend_host="127.0.0.1:$(free_port)"
  "$1" --plain_http --listen_address "$frontend_host" \
    --tributary_address "127.0.0.1:$grpc_port" >>"$work/frontend.log" 2>&1 &
  frontend_pid=$!
  pids+=("$frontend_pid")
  wait_http "http://$frontend_host/healthz"
}
fetch() {  # DIGEST [CURL ARGS...] -> prints the bytes received
  local digest="$1"
  shift
  curl -fsS -o /dev/null -w '%{size_download}' "$@" \
    "http://$frontend_host/v2/$repo/blobs/$digest"
}

echo "== warming Tributary's store" >&2
start_frontend "${binary[A]}"
fetch "$fast_digest" >/dev/null
fetch "$slow_digest" >/dev/null
stop_process "$frontend_pid"

printf 'label\trun\tpeak_mib\tmbps\tfrontend_cpu\ttributary_cpu\tvoluntary\tinvoluntary\n' >"$work/samples.tsv"
gib="$(arith "$BLOB_MIB / 1024")"
for run in $(seq "$RUNS"); do
  for label in A B; do
    echo "== run $run of $RUNS, $label" >&2
    start_frontend "${binary[$label]}"
    slow_pids=()
    for _ in $(seq "$SLOW"); do
      fetch "$slow_digest" --limit-rate "$RATE" >/dev/null &
      slow_pids+=($!)
    done
    for pid in "${slow_pids[@]}"; do wait "$pid"; done
    peak_kib="$(awk '/^VmHWM/ { print $2 }' "/proc/$frontend_pid/status")"

    read -r v0 n0 <<<"$(context_switches "$frontend_pid")"
    f0="$(cpu_seconds "$frontend_pid")"
    t0="$(cpu_seconds "$tributary_pid")"
    start=$EPOCHREALTIME
    got="$(fetch "$fast_digest")"
    end=$EPOCHREALTIME
    ((got == BLOB_MIB << 20)) || { echo "frontend_ab: got $got bytes" >&2; exit 1; }
    sleep 0.3
    read -r v1 n1 <<<"$(context_switches "$frontend_pid")"
    f1="$(cpu_seconds "$frontend_pid")"
    t1="$(cpu_seconds "$tributary_pid")"
    stop_process "$frontend_pid"

    row="$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$label" "$run" \
      "$(arith "$peak_kib / 1024")" "$(arith "$got / ($end - $start) / 1e6")" \
      "$(arith "($f1 - $f0) / $gib")" "$(arith "($t1 - $t0) / $gib")" \
      "$(arith "($v1 - $v0) / $gib")" "$(arith "($n1 - $n0) / $gib")")"
    echo "$row" >>"$work/samples.tsv"
    awk -F'\t' '{ printf "run %s %s: slow peak RSS %.1f MiB; fast %.1f MB/s, CPU-s/GiB frontend %.2f + Tributary %.2f; frontend context switches/GiB %d voluntary, %d involuntary\n",
      $2, $1, $3, $4, $5, $6, $7, $8 }' <<<"$row"
  done
done

echo
echo "Median of $RUNS runs ($SLOW slow clients at $RATE of a $SLOW_MIB MiB blob; one $BLOB_MIB MiB fast pull, warm):"
echo
python3 - "$work/samples.tsv" "${binary[A]}" "${binary[B]}" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| frontend | slow: peak RSS MiB | fast: MB/s | CPU-s/GiB frontend | CPU-s/GiB Tributary | CPU-s/GiB both | voluntary cs/GiB | involuntary cs/GiB |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for label, path in (("A", sys.argv[2]), ("B", sys.argv[3])):
    mine = [r for r in rows if r["label"] == label]
    med = lambda key: statistics.median(float(r[key]) for r in mine)
    both = statistics.median(float(r["frontend_cpu"]) + float(r["tributary_cpu"]) for r in mine)
    print(f"| {label} ({path.rsplit('/', 1)[-1]}) | {med('peak_mib'):.1f} | {med('mbps'):.1f} | "
          f"{med('frontend_cpu'):.2f} | {med('tributary_cpu'):.2f} | {both:.2f} | "
          f"{med('voluntary'):,.0f} | {med('involuntary'):,.0f} |")
PY
echo
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
