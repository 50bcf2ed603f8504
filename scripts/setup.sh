#!/usr/bin/env bash
# Installs what Tributary needs on Debian 12, idempotently: build packages always,
# test packages and the buf CLI with --test. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=false
[[ "${1:-}" == "--test" ]] && with_tests=true

lists=(scripts/packages-build.txt)
$with_tests && lists+=(scripts/packages-test.txt)
mapfile -t wanted < <(grep -hv '^\s*#' "${lists[@]}" | sed '/^\s*$/d')

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if $with_tests && [[ ! -x tests/tools/node_modules/.bin/buf ]]; then
  echo "setup: installing buf (npm)" >&2
  npm install --prefix tests/tools --no-package-lock --no-audit --no-fund >&2
fi
