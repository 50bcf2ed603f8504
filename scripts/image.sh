#!/usr/bin/env bash
# Builds Tributary's runtime image (tributary and tributary-frontend, the
# pod's two containers) from Debian's packages alone, for machines
# where no container engine runs and no base image can be pulled: the same
# image as deploy/docker/Dockerfile's runtime stage, made with
#   mmdebstrap  a Debian 12 minbase root (what debian:bookworm-slim holds) with
#               scripts/packages-runtime.txt, user and group 10001, both
#               binaries, the shipped config and /var/cache/tributary;
#   umoci       that root packed as an OCI image (user 10001, entrypoint, ports);
#   skopeo      the image pushed to a registry: $REGISTRY, or a docker-registry
#               started on loopback for the run.
# Then it starts the image's entrypoint the way a pod would (--check): as UID
# 10001 in a chroot of the unpacked image, root filesystem read-only, a
# writable tmpfs at /tmp and /var/cache/tributary (the pod's emptyDirs), its own
# network namespace; it checks gRPC health answers SERVING and that the process
# runs as 10001 on a read-only root; then it starts the frontend binary from
# the same root and user (--plain_http here: no certificate), against that
# Tributary, and checks that /healthz answers and /v2/ is the registry API.
#
#   sudo scripts/image.sh [--check] [TAG]        (TAG default: 0.1.0)
# Env: TRIBUTARY_BINARY, TRIBUTARY_FRONTEND_BINARY (default: both from
# bazel build -c opt //service:tributary //client/frontend:tributary-frontend),
# REGISTRY (host:port to push to; default: a local docker-registry),
# WORKDIR (default /var/tmp/tributary-image). Needs root, the network to
# deb.debian.org, and mmdebstrap, umoci, skopeo, docker-registry, curl.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
check=false
[[ "${1:-}" == "--check" ]] && { check=true; shift; }
tag="${1:-0.1.0}"
work="${WORKDIR:-/var/tmp/tributary-image}"

log() { echo "image: $*" >&2; }

[[ $(id -u) -eq 0 ]] || { log "needs root (mmdebstrap --mode=root, chroot)"; exit 2; }
for tool in mmdebstrap umoci skopeo docker-registry curl unshare; do
  command -v "$tool" >/dev/null || { log "needs $tool (apt-get install $tool)"; exit 2; }
done

binary="${TRIBUTARY_BINARY:-}"
frontend="${TRIBUTARY_FRONTEND_BINARY:-}"
if [[ -z "$binary" || -z "$frontend" ]]; then
  (cd "$repo" && bazel build -c opt //service:tributary //client/frontend:tributary-frontend)
  binary="${binary:-$repo/bazel-bin/service/tributary}"
  frontend="${frontend:-$repo/bazel-bin/client/frontend/tributary-frontend}"
fi
rm -rf "$work"
mkdir -p "$work"

# --- the root filesystem. Hooks run outside the root with it as $1.
packages=$(grep -hv '^\s*#' "$repo/scripts/packages-runtime.txt" | sed '/^\s*$/d' | paste -sd, -)
log "mmdebstrap: Debian 12 minbase + scripts/packages-runtime.txt"
mmdebstrap --variant=minbase --mode=root --include="$packages" \
  --customize-hook='chroot "$1" groupadd --system --gid 10001 tributary' \
  --customize-hook='chroot "$1" useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tributary' \
  --customize-hook='install -d -o 10001 -g 10001 "$1/var/cache/tributary"' \
  --customize-hook="install -D -m 0755 '$binary' \"\$1/usr/local/bin/tributary\"" \
  --customize-hook="strip \"\$1/usr/local/bin/tributary\"" \
  --customize-hook="install -D -m 0755 '$frontend' \"\$1/usr/local/bin/tributary-frontend\"" \
  --customize-hook="strip \"\$1/usr/local/bin/tributary-frontend\"" \
  --customize-hook="install -D -m 0644 '$repo/deploy/config/tributary.yaml' \"\$1/etc/tributary/tributary.yaml\"" \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin "$1"/var/log/*.log' \
  bookworm "$work/rootfs.tar" http://deb.debian.org/debian

# --- the OCI image: one layer from the root, the Dockerfile's config.
log "umoci: packing oci:$work/oci:$tag"
umoci init --layout "$work/oci"
umoci new --image "$work/oci:$tag"
umoci unpack --image "$work/oci:$tag" "$work/bundle"
tar -xf "$work/rootfs.tar" -C "$work/bundle/rootfs"
umoci repack --image "$work/oci:$tag" "$work/bundle"
umoci config --image "$work/oci:$tag" --config.user 10001:10001 \
  --config.entrypoint /usr/local/bin/tributary \
  --config.cmd --config --config.cmd /etc/tributary/tributary.yaml \
  --config.exposedports 50051/tcp --config.exposedports 9090/tcp \
  --config.exposedports 5000/tcp --config.exposedports 9091/tcp \
  --config.workingdir / --architecture amd64 --os linux
rm -rf "$work/bundle"

# --- push.
registry_pid=""
cleanup() { [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null; true; }
trap cleanup EXIT
target="${REGISTRY:-}"
if [[ -z "$target" ]]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$work/registry"
  cat >"$work/registry/config.yml" <<CONFIG
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/registry/data
http:
  addr: 127.0.0.1:$port
CONFIG
  docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
  registry_pid=$!
  target="127.0.0.1:$port"
  for _ in $(seq 50); do curl -sf "http://$target/v2/" >/dev/null && break; sleep 0.2; done
fi
log "skopeo: pushing to $target/tributary:$tag"
skopeo copy --dest-tls-verify=false "oci:$work/oci:$tag" "docker://$target/tributary:$tag"
skopeo inspect --tls-verify=false "docker://$target/tributary:$tag" \
  | python3 -c 'import json, sys; i = json.load(sys.stdin); print("image:", i["Name"], i["Digest"], "layers:", len(i["Layers"]))'

$check || exit 0

# --- start the entrypoint as a pod would: pulled back from the registry,
# unpacked, run as 10001 on a read-only root.
log "check: pulling $target/tributary:$tag back and starting its entrypoint"
skopeo copy --src-tls-verify=false "docker://$target/tributary:$tag" "oci:$work/pulled:$tag"
umoci unpack --image "$work/pulled:$tag" "$work/run"
user=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["process"]["user"]["uid"])' "$work/run/config.json")
args=$(python3 -c 'import json, shlex, sys; print(shlex.join(json.load(open(sys.argv[1]))["process"]["args"]))' "$work/run/config.json")
log "check: the image runs \"$args\" as UID $user"
unshare --mount --pid --net --fork --kill-child --mount-proc /bin/bash -euo pipefail -c '
  root=$1; args=$2; user=$3; health=$4
  ip link set lo up
  mount --bind "$root" "$root"
  mount -o remount,bind,ro "$root"
  mount -t proc proc "$root/proc"
  mount -t tmpfs -o mode=1777,size=64m tmp "$root/tmp"
  mount -t tmpfs -o uid=10001,gid=10001,mode=0750,size=256m cache "$root/var/cache/tributary"
  chroot --userspec="$user:$user" "$root" $args &
  pid=$!
  verdict=$("$health" 127.0.0.1:50051 --wait 30) || { echo "health: $verdict" >&2; exit 1; }
  uid=$(awk "/^Uid:/ {print \$2}" /proc/$pid/status)
  rootmount=$(awk "\$5 == \"/\" {print \$6}" /proc/$pid/mountinfo | cut -d, -f1)
  echo "health: $verdict; uid: $uid; root filesystem: $rootmount"
  [[ "$uid" == 10001 && "$rootmount" == ro ]]
  chroot --userspec="$user:$user" "$root" /usr/local/bin/tributary-frontend --plain_http \
    --listen_address 127.0.0.1:5000 --tributary_address 127.0.0.1:50051 &
  for _ in $(seq 50); do curl -sf http://127.0.0.1:5000/healthz >/dev/null && break; sleep 0.2; done
  healthz=$(curl -sf http://127.0.0.1:5000/healthz) || { echo "frontend: /healthz did not answer" >&2; exit 1; }
  api=$(curl -s -o /dev/null -w "%{http_code} %header{docker-distribution-api-version}" http://127.0.0.1:5000/v2/)
  echo "frontend: /healthz $healthz; /v2/ $api"
  [[ "$healthz" == ok && "$api" == "200 registry/2.0" ]]
' _ "$work/run/rootfs" "$args" "$user" "$repo/scripts/grpc_health.sh"
log "check: passed"
