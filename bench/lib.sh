# Shared by the bench/*.sh scripts (sourced, not run): a scratch folder, processes
# stopped on exit, free loopback ports, waiting for an HTTP endpoint.
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

wait_http() {  # URL
  for _ in $(seq 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "${BENCH_NAME}: $1 did not come up" >&2
  return 1
}
