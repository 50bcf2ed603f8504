#!/usr/bin/env bash
# Unpacks Debian's source of the installed libabsl-dev into third_party/abseil-src,
# which `bazel --config=tsan` builds under ThreadSanitizer (bazel/abseil_tsan.BUILD).
# Why: Debian's Abseil is uninstrumented, so TSan cannot see absl::Mutex and
# reports every access it guards. The source must be the exact installed version:
# the instrumented objects replace Debian's shared libraries inside the test
# binaries, and gRPC (built against those) calls them too.
#
# Everything comes from Debian's archive: a deb-src entry for the Debian mirrors
# already configured (added once, beside them) and `apt-get source`. Idempotent;
# needs root (or sudo) the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

dest=third_party/abseil-src
package=libabsl-dev
version="$(dpkg-query -W -f='${source:Version}' "$package")"
source_name="$(dpkg-query -W -f='${source:Package}' "$package")"
stamp="$dest/DEBIAN_VERSION"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
  exit 0
fi

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"

# dpkg-source (dpkg-dev) unpacks the source package and applies Debian's patches.
if ! command -v dpkg-source >/dev/null 2>&1; then
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends dpkg-dev
fi

# Debian's own entries (deb822 .sources or one-line .list), as deb-src.
debian_src_entries() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /Types:[^\n]*deb/ && /URIs:[^\n]*debian/ {
           sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f"
  done
}
debian_src_lines() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -nE 's/^deb (\[[^]]*\] )?(\S*debian\S*)(.*)$/deb-src \1\2\3/p'
}

src_list=/etc/apt/sources.list.d/tributary-deb-src
if ! apt-cache showsrc "$source_name=$version" 2>/dev/null | grep -q '^Package:'; then
  if [[ ! -f "$src_list.sources" && ! -f "$src_list.list" ]]; then
    entries="$(debian_src_entries)"
    if [[ -n "$entries" ]]; then
      printf '%s\n' "$entries" | $sudo tee "$src_list.sources" >/dev/null
    else
      debian_src_lines | $sudo tee "$src_list.list" >/dev/null
    fi
  fi
  $sudo apt-get update -q
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt-get source downloads as the _apt user where that user can write.
chmod 755 "$work"
(cd "$work" && apt-get source -q --only-source "$source_name=$version" >&2)
unpacked="$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)"

# Only the library sources; Abseil's own BUILD files would split the tree into
# packages that bazel/abseil_tsan.BUILD cannot glob across.
rm -rf "$dest"
mkdir -p "$dest"
cp -r "$unpacked/absl" "$unpacked/LICENSE" "$dest/"
find "$dest" \( -name BUILD.bazel -o -name BUILD -o -name '*.bzl' \) -delete
echo "$version" >"$stamp"
echo "abseil_source: Debian abseil $version in $dest" >&2
