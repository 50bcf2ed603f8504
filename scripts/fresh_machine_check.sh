#!/usr/bin/env bash
# Proves the README's "fresh Debian 12" claim: builds a clean Debian 12 root
# filesystem from Debian's archive (mmdebstrap, variant "important": what the
# Debian installer leaves on a minimal system), copies this checkout in (the
# files git tracks or would track: what a fresh clone holds) and runs the
# README's two commands in it, each in its own mount and PID namespace under
# chroot, so nothing of this machine (its packages, kubectl, Bazel cache, npm)
# is visible:
#   1. ./scripts/run.sh until gRPC health answers SERVING. Its set-up (apt)
#      runs first on the network; then the whole command runs again in a
#      network namespace of its own (nothing left to install, the build is
#      offline), so its ports 50051/9090 cannot clash with this machine's.
#   2. ./scripts/test.sh, whose last line ("N passed, N failed[, N skipped]")
#      is the verdict; kubectl is not a Debian package, so the deploy
#      renderings report skipped.
# Needs root, mmdebstrap and unshare, and the network (deb.debian.org,
# registry.npmjs.org). Slow: two clean Bazel builds; run it niced:
#   nice -n 19 ./scripts/fresh_machine_check.sh [WORKDIR]
# WORKDIR (default /var/tmp/tributary-fresh) keeps the root filesystem's
# tarball between runs, the root itself and the logs (run.log, test.log).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/var/tmp/tributary-fresh}"
root="$work/root"
health_wait="${HEALTH_WAIT_SECONDS:-3600}"

log() { echo "fresh-machine-check: $*" >&2; }

[[ $(id -u) -eq 0 ]] || { log "needs root (chroot, mounts)"; exit 2; }
for tool in mmdebstrap unshare chroot curl; do
  command -v "$tool" >/dev/null || { log "needs $tool (apt-get install $tool)"; exit 2; }
done
mkdir -p "$work"

if [[ ! -f "$work/bookworm.tar" ]]; then
  log "building a Debian 12 root filesystem"
  mmdebstrap --variant=important --mode=root bookworm "$work/bookworm.tar.part" \
    http://deb.debian.org/debian
  mv "$work/bookworm.tar.part" "$work/bookworm.tar"
fi
rm -rf "$root"
mkdir -p "$root"
tar -xf "$work/bookworm.tar" -C "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/src/tributary"
git -C "$repo" ls-files -z --cached --others --exclude-standard \
  | (cd "$repo" && tar --null -T - -cf -) | tar -xf - -C "$root/src/tributary"
log "repository copied to $root/src/tributary ($(git -C "$repo" rev-parse --short HEAD))"

# Runs $1 (a shell command line) in the fresh root: own mount and PID
# namespaces (every process it starts, the Bazel server too, ends with it),
# /proc, /sys and /dev mounted, a clean environment.
in_root() {
  unshare --mount --pid --fork --kill-child /bin/bash -euo pipefail -c '
    root=$1; shift
    mount -t proc proc "$root/proc"
    mount -t sysfs sys "$root/sys"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      /bin/bash -euo pipefail -c "cd /src/tributary && $*"' _ "$root" "$1"
}
export -f in_root
export root

# gRPC health over h2c with curl, from this machine's side of the namespace:
# the fresh root has no gRPC client before the test tools are installed. The
# reply message of grpc.health.v1.Health/Check is 08 01 for SERVING.
health_probe='
  for _ in $(seq '"$health_wait"'); do
    reply=$(printf "\0\0\0\0\0" | curl -s --max-time 2 --http2-prior-knowledge \
      -H "content-type: application/grpc" -H "te: trailers" --data-binary @- \
      http://127.0.0.1:50051/grpc.health.v1.Health/Check | od -An -tx1 | tr -d " \n")
    if [[ "$reply" == 00000000020801 ]]; then echo SERVING; exit 0; fi
    kill -0 "$1" 2>/dev/null || { echo "run.sh exited"; exit 1; }
    sleep 1
  done
  echo "no SERVING in '"$health_wait"'s"; exit 1'

started=$(date +%s)
log "1/2 ./scripts/run.sh: set-up on the network (log: $work/run.log)"
in_root "./scripts/setup.sh" "" >"$work/run.log" 2>&1 || {
  log "FAILED: ./scripts/setup.sh (first step of run.sh); tail of run.log:"
  tail -20 "$work/run.log" >&2
  exit 1
}
log "1/2 ./scripts/run.sh in its own network namespace, until health is SERVING"
# In a new network namespace (loopback only): run.sh in the background, the
# probe in front; leaving the namespace's PID 1 ends run.sh.
run_verdict=$(unshare --pid --net --fork --kill-child /bin/bash -c '
  ip link set lo up
  in_root ./scripts/run.sh >>"$2" 2>&1 &
  /bin/bash -c "$1" _ $!' _ "$health_probe" "$work/run.log") || true
run_seconds=$(($(date +%s) - started))
log "1/2 ./scripts/run.sh: ${run_verdict:-no verdict} after ${run_seconds}s"

started=$(date +%s)
log "2/2 ./scripts/test.sh (log: $work/test.log)"
test_rc=0
in_root "./scripts/test.sh" "" >"$work/test.log" 2>&1 || test_rc=$?
test_seconds=$(($(date +%s) - started))
grep '^skipped: ' "$work/test.log" >&2 || true
test_line=$(tail -1 "$work/test.log")
log "2/2 ./scripts/test.sh: \"$test_line\" (exit $test_rc) after ${test_seconds}s"

echo "run.sh: ${run_verdict:-no verdict} (${run_seconds}s); test.sh: $test_line (exit $test_rc, ${test_seconds}s)"
[[ "$run_verdict" == SERVING && $test_rc -eq 0 ]]
