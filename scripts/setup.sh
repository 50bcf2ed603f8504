#!/usr/bin/env bash
# Installs what Tributary needs on Debian 12, idempotently: build and runtime
# packages always, test packages and the npm test tools (tests/tools/package.json)
# with --test. Needs root (or sudo) for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=false
[[ "${1:-}" == "--test" ]] && with_tests=true

lists=(scripts/packages-build.txt scripts/packages-runtime.txt)
$with_tests && lists+=(scripts/packages-test.txt)
mapfile -t wanted < <(grep -hv '^\s*#' "${lists[@]}" | sed '/^\s*$/d')

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# Debian's nodejs comes without npm (a package of its own); a machine whose
# Node.js already brings npm keeps it.
if $with_tests && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Installs again when any devDependency is missing, not only buf.
npm_tools_missing() {
  node -e 'const fs = require("fs");
    const deps = require("./tests/tools/package.json").devDependencies;
    process.exit(Object.keys(deps).every(
      (d) => fs.existsSync(`tests/tools/node_modules/${d}/package.json`)) ? 1 : 0);'
}
if $with_tests && npm_tools_missing; then
  echo "setup: installing the npm test tools" >&2
  npm install --prefix tests/tools --no-package-lock --no-audit --no-fund >&2
fi
