#!/usr/bin/env bash
# Asks grpc.health.v1.Health/Check at HOST:PORT (default 127.0.0.1:50051) over
# plaintext HTTP/2 with curl alone, for machines without a gRPC client (a
# fresh root, an image under test). Prints SERVING, NOT_SERVING or what came
# back; exits 0 only on SERVING.
#   scripts/grpc_health.sh [HOST:PORT] [--wait SECONDS]
set -uo pipefail
addr="${1:-127.0.0.1:50051}"
wait_seconds=0
[[ "${2:-}" == "--wait" ]] && wait_seconds="${3:-60}"

# The request is one gRPC frame: no compression, length 0 (an empty
# HealthCheckRequest). The reply's message is field 1 (status): 08 01 is
# SERVING, 08 02 NOT_SERVING.
check() {
  printf '\0\0\0\0\0' | curl -s --max-time 2 --http2-prior-knowledge \
    -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @- \
    "http://$addr/grpc.health.v1.Health/Check" | od -An -tx1 | tr -d ' \n'
}

deadline=$((SECONDS + wait_seconds))
while :; do
  reply=$(check)
  case "$reply" in
    00000000020801) echo SERVING; exit 0 ;;
    00000000020802) status=NOT_SERVING ;;
    "") status="no answer" ;;
    *) status="unexpected reply: $reply" ;;
  esac
  ((SECONDS >= deadline)) && { echo "$status"; exit 1; }
  sleep 1
done
