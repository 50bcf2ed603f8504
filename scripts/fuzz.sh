#!/usr/bin/env bash
# Runs every fuzz target (*_fuzz.cc, LLVMFuzzerTestOneInput) under real
# libFuzzer, built with clang and ASan + UBSan (any UB aborts), one after the
# other, each for RUNS executions from its seed corpus (testdata/NAME next to
# the unit). Prints per target the executions, seconds and exec/s, and exits
# non-zero when a target crashed, leaked or broke a property (the input is
# kept as OUT/crash-NAME-*). Bazel runs the same targets under GCC as corpus
# replay tests (NAME_fuzz_test); this is for finding new inputs.
#
#   ./scripts/fuzz.sh [-runs N] [TARGET...]    # default: 1000000 runs, all
#
# Built outside Bazel (its toolchain is GCC) against the same Debian libraries.
# New inputs libFuzzer finds stay in OUT/corpus/NAME; commit the ones worth
# keeping to the seed corpus. Needs clang and libclang-rt-14-dev (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1000000
if [[ "${1:-}" == "-runs" ]]; then
  runs="$2"
  shift 2
fi

out="${FUZZ_OUT:-$(mktemp -d /tmp/tributary-fuzz.XXXXXX)}"
mkdir -p "$out/obj" "$out/gen" "$out/bin" "$out/corpus" "$out/logs"
cxx="${CXX:-clang++}"

# The library sources of a package: its .cc files but tests and fuzz targets.
sources_of() {
  ls "$1"/*.cc | grep -v -e '_test\.cc$' -e '_fuzz\.cc$' | tr '\n' ' '
}
oci="$(sources_of service/oci)"
registry=service/registry
frontend=client/frontend

# name | seed corpus | sources besides NAME_fuzz.cc | -max_len
targets=(
  "digest|service/oci/testdata/digest|$oci|256"
  "media_types|service/oci/testdata/media_types|$oci|512"
  "names|service/oci/testdata/names|$oci|512"
  "reference|service/oci/testdata/reference|$oci|256"
  "registry_host|service/oci/testdata/registry_host|$oci|512"
  "content_range|$registry/testdata/content_range|$registry/content_range.cc|256"
  "link_header|$registry/testdata/link_header|$registry/link_header.cc|1024"
  "retry_after|$registry/testdata/retry_after|$registry/retry_after.cc|256"
  "tag_list_json|$registry/testdata/tag_list_json|$registry/tag_list_json.cc $registry/tag_paging.cc $oci|8192"
  "token_response|$registry/testdata/token_response|$registry/token_response.cc|1024"
  "www_authenticate|$registry/testdata/www_authenticate|$registry/www_authenticate.cc|512"
  "config|service/config/testdata/config|$(sources_of service/config) $oci service/util/files.cc service/util/utf8.cc GEN/tributary/v1/config.pb.cc|4096"
  "accept|$frontend/testdata/accept|$frontend/accept.cc $oci|1024"
  "basic_authorization|$frontend/testdata/basic_authorization|$frontend/basic_authorization.cc $oci|512"
  "htpasswd|$frontend/testdata/htpasswd|$frontend/htpasswd.cc $frontend/basic_authorization.cc $oci service/util/files.cc|2048"
  "range|$frontend/testdata/range|$frontend/range.cc|256"
  "route|$frontend/testdata/route|$frontend/route.cc $oci|1024"
)

# config.pb.cc, as //proto:config_v1 makes it.
protoc -I proto -I /usr/include --cpp_out="$out/gen" \
  proto/tributary/v1/config.proto

libs=(absl_strings absl_status absl_statusor absl_str_format absl_time
  absl_synchronization absl_flat_hash_map absl_hash yaml-cpp protobuf spdlog
  libcrypto libxcrypt)
read -r -a cflags <<<"$(pkg-config --cflags "${libs[@]}")"
read -r -a ldflags <<<"$(pkg-config --libs "${libs[@]}") -lboost_url"
# Coverage for libFuzzer, and every sanitizer finding fatal (UBSan only
# prints by default).
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all)
compile_flags=(-std=c++20 -g -O1 -Wall -Wextra -Wno-missing-field-initializers
  -I. -I"$out/gen" "${cflags[@]}" "${sanitize[@]}")

# Compiles each source once, for every target that links it; sets $object.
compile() {
  local source="$1"
  object="$out/obj/${source//\//_}.o"
  if [[ ! -f "$object" || "$source" -nt "$object" ]]; then
    "$cxx" "${compile_flags[@]}" -fsanitize=fuzzer-no-link -c "$source" \
      -o "$object"
  fi
}

# Builds every wanted target first, so a build error stops the script before
# any run. Each entry of $selected is one line of $targets.
selected=()
for entry in "${targets[@]}"; do
  IFS='|' read -r name corpus extra max_len <<<"$entry"
  if [[ $# -gt 0 && ! " $* " =~ " $name " ]]; then
    continue
  fi
  selected+=("$entry")
  objects=()
  for source in "${corpus%/testdata/*}/${name}_fuzz.cc" $extra; do
    compile "${source/GEN/$out/gen}"
    objects+=("$object")
  done
  "$cxx" "${sanitize[@]}" -fsanitize=fuzzer "${objects[@]}" "${ldflags[@]}" \
    -o "$out/bin/${name}_fuzz"
done

failed=()
printf '%-20s %12s %9s %10s\n' target executions seconds exec/s
for entry in "${selected[@]}"; do
  IFS='|' read -r name corpus extra max_len <<<"$entry"
  work="$out/corpus/$name"
  mkdir -p "$work"
  cp "$corpus"/* "$work"/
  log="$out/logs/$name.log"
  start="$(date +%s.%N)"
  rc=0
  UBSAN_OPTIONS=print_stacktrace=1 "$out/bin/${name}_fuzz" -runs="$runs" \
    -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/crash-$name-" "$work" >"$log" 2>&1 || rc=$?
  seconds="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
  executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  executions="${executions:-0}"
  printf '%-20s %12s %9.1f %10.0f\n' "$name" "$executions" "$seconds" \
    "$(awk -v n="$executions" -v s="$seconds" 'BEGIN { print n / s }')"
  if [[ $rc -ne 0 ]]; then
    failed+=("$name")
    echo "fuzz: $name failed (exit $rc); log $log:" >&2
    grep -m 20 -e 'ERROR' -e 'fuzz:' -e 'runtime error' -e '^ \+#[0-9]' \
      -e 'Test unit written' "$log" >&2 || tail -20 "$log" >&2
  fi
done

echo "fuzz: new inputs in $out/corpus, logs in $out/logs" >&2
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
