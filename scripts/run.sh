#!/usr/bin/env bash
# Sets up (apt, idempotent), builds optimized and runs Tributary on the default
# config (deploy/config/tributary.yaml), or on the config given as $1.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
bazel build -c opt //service:tributary
exec bazel-bin/service/tributary --config "${1:-deploy/config/tributary.yaml}"
