#!/usr/bin/env bash
# The cost of a dead first upstream once its circuit breaker has opened.
#
# GetManifest through Tributary (-c opt, cache off so every call goes to the
# upstreams) with two upstreams: a dead one first, a real docker-registry
# second. Two kinds of dead: "refused" (nothing listens on the port) and
# "hanging" (a listener that accepts TCP connections and never answers). Each
# run starts a fresh Tributary with the default retry, timeout and breaker
# settings, then:
#   1. opening: load until the breaker has opened (refused: 3 s; hanging:
#      header_timeout + 2 s), counting the calls that paid for the dead one;
#   2. measured: SECONDS of load with the breaker open.
# Baseline: the same load with only the healthy upstream, before and after.
# Prints each loadgen report and, at the end, the ratios of p50 and p99 with
# the breaker open to the baseline's (goal: <= 1.2).
#
#   bench/breaker_bench.sh [SECONDS]     (default 10; env CONCURRENCY=32)
#
# Needs the packages of scripts/packages-test.txt. Everything listens on
# 127.0.0.1 only and is stopped on exit. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
concurrency="${CONCURRENCY:-32}"
connections="${CONNECTIONS:-2}"
header_timeout_s=10  # the default upstreams[*].header_timeout
repo="bench/app"
tag="v1"

for tool in docker-registry umoci skopeo curl python3; do
  command -v "$tool" >/dev/null || {
    echo "breaker_bench: $tool is missing (apt-get install the packages in scripts/packages-test.txt)" >&2
    exit 1
  }
done

BENCH_NAME=breaker_bench
# shellcheck source=bench/lib.sh
source bench/lib.sh  # the scripts cd to the repository root first
build_opt

# --- the registry, with one image ------------------------------------------
start_registry
push_image "$repo" "$tag"

# --- the dead upstreams ---------------------------------------------------------
refused_port="$(free_port)"  # nothing listens here
hanging_port="$(free_port)"
python3 - "$hanging_port" >"$work/hanging.log" 2>&1 <<'PY' &
# Accepts TCP connections and holds them open without reading or answering.
import socket, sys
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(4096)
held = []
while True:
    connection, _ = listener.accept()
    held.append(connection)
PY
pids+=($!)

# --- Tributary ------------------------------------------------------------------
tributary_pid=""
grpc_port=""
metrics_port=""
start_tributary() {  # DEAD_URL (empty: only the healthy upstream)
  grpc_port="$(free_port)"
  metrics_port="$(free_port)"
  {
    cat <<YAML
server:
  listen_address: "127.0.0.1:$grpc_port"
  shutdown_grace: 1s
metrics:
  listen_address: "127.0.0.1:$metrics_port"
# Every call goes to the upstreams: the fan-out is what is measured.
cache:
  disabled: true
upstreams:
YAML
    if [[ -n "$1" ]]; then
      printf '  - name: dead\n    url: %s\n    max_idle_connections: %s\n' "$1" "$concurrency"
    fi
    printf '  - name: local\n    url: http://127.0.0.1:%s\n    max_idle_connections: %s\n' \
      "$registry_port" "$concurrency"
  } >"$work/tributary.yaml"
  "$tributary" --config "$work/tributary.yaml" >>"$work/tributary.log" 2>&1 &
  tributary_pid=$!
  pids+=("$tributary_pid")
  wait_http "http://127.0.0.1:$metrics_port/metrics"
}
stop_tributary() {
  kill "$tributary_pid" 2>/dev/null || true
  wait "$tributary_pid" 2>/dev/null || true
}
scrape() { curl -fsS "http://127.0.0.1:$metrics_port/metrics"; }

# Callers' deadline: 30 s, Tributary's default, above the dead upstream's
# header_timeout (10 s) as it should be; with a deadline at or below it, the
# calls in flight when the upstream died fail instead of falling through.
common=(--concurrency "$concurrency" --connections "$connections" --timeout 30s --json)
run_load() {  # NAME DURATION WARMUP -> $work/NAME.json
  echo "\$ tributary-loadgen --addr 127.0.0.1:$grpc_port --duration $2 --warmup $3 ${common[*]} GetManifest $repo:$tag"
  "$loadgen" --addr "127.0.0.1:$grpc_port" --duration "$2" --warmup "$3" \
    "${common[@]}" GetManifest "$repo:$tag" | tee "$work/$1.json"
}

baseline() {  # NAME
  echo
  echo "== $1: only the healthy upstream"
  start_tributary ""
  run_load "$1" "${seconds}s" 1s
  stop_tributary
}

dead_first() {  # NAME DEAD_URL OPENING_SECONDS
  echo
  echo "== $1: dead upstream first ($2), docker-registry second"
  start_tributary "$2"
  echo "-- opening the breaker ($3 s of load)"
  run_load "$1-opening" "${3}s" 0s
  scrape >"$work/$1-opening.metrics"
  echo "-- breaker open: measured"
  run_load "$1" "${seconds}s" 1s
  scrape >"$work/$1.metrics"
  stop_tributary
}

echo
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
baseline baseline-1
dead_first refused "http://127.0.0.1:$refused_port" 3
dead_first hanging "http://127.0.0.1:$hanging_port" "$((header_timeout_s + 2))"
baseline baseline-2
echo
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]

def report(name):
    return json.load(open(f"{work}/{name}.json"))

def metric(text, name, labels):
    """Sum of the samples of `name` whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        m = re.match(r'^(\w+)\{([^}]*)\} (\S+)$', line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(m.group(3))
    return total

base = [report("baseline-1"), report("baseline-2")]
base_p50 = sum(b["latency_ms"]["p50"] for b in base) / 2
base_p99 = sum(b["latency_ms"]["p99"] for b in base) / 2
print()
print("== summary")
print(f"baseline (mean of two runs): p50 {base_p50:.2f} ms  p99 {base_p99:.2f} ms  "
      f"({base[0]['requests_per_second']:.0f} and {base[1]['requests_per_second']:.0f} req/s)")
for name in ("refused", "hanging"):
    r = report(name)
    opening = open(f"{work}/{name}-opening.metrics").read()
    measured = open(f"{work}/{name}.metrics").read()
    exchanges = metric(opening, "tributary_upstream_requests_total", {"upstream": "dead"})
    retries = metric(opening, "tributary_upstream_retries_total", {"upstream": "dead"})
    timeouts = metric(opening, "tributary_upstream_requests_total",
                      {"upstream": "dead", "outcome": "timeout"})
    calls = metric(opening, "tributary_rpc_duration_seconds_count", {"method": "GetManifest"})
    under_1s = metric(opening, "tributary_rpc_duration_seconds_bucket",
                      {"method": "GetManifest", "le": "1"})
    later = metric(measured, "tributary_upstream_requests_total", {"upstream": "dead"}) - exchanges
    skips = (metric(measured, "tributary_upstream_breaker_skips_total", {"upstream": "dead"})
             - metric(opening, "tributary_upstream_breaker_skips_total", {"upstream": "dead"}))
    state = "open" if metric(measured, "tributary_upstream_breaker_state",
                             {"upstream": "dead", "state": "open"}) == 1 else "NOT open"
    p50, p99 = r["latency_ms"]["p50"], r["latency_ms"]["p99"]
    codes = ", ".join(f"{k} {v}" for k, v in r["codes"].items())
    print(f"{name}: breaker {state}; measured p50 {p50:.2f} ms  p99 {p99:.2f} ms  "
          f"{r['requests_per_second']:.0f} req/s ({codes})")
    print(f"  ratio to baseline: p50 {p50 / base_p50:.2f}  p99 {p99 / base_p99:.2f}")
    first = report(f"{name}-opening")
    failed = first["requests"] - first["codes"].get("OK", 0)
    print(f"  before it opened: {int(exchanges - retries)} calls asked the dead upstream "
          f"({int(exchanges)} exchanges, {int(retries)} retries, {int(timeouts)} timed out); "
          f"{int(calls - under_1s)} of {int(calls)} calls took over 1 s; {failed} failed")
    print(f"  while measured: {int(later)} exchanges with it (probes), {int(skips)} calls skipped it")
PY
