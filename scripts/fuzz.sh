#!/usr/bin/env bash
# Runs a fuzz target under real libFuzzer (clang, -fsanitize=fuzzer,address).
# The Bazel build (GCC) runs the same targets as corpus-replay tests; this is for
# finding new inputs. Usage:
#   ./scripts/fuzz.sh [SECONDS]        # www_authenticate, default 60 s
# New inputs that libFuzzer finds go into the corpus directory; commit the ones
# worth keeping. Needs clang (Debian: clang, libclang-rt-14-dev or equivalent).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
out="$(mktemp -d)"
corpus=service/registry/testdata/www_authenticate
work_corpus="$out/corpus"
mkdir -p "$work_corpus"
cp "$corpus"/* "$work_corpus"/

clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
  service/registry/www_authenticate_fuzz.cc service/registry/www_authenticate.cc \
  -labsl_strings -labsl_strings_internal -labsl_int128 -labsl_throw_delegate \
  -labsl_raw_logging_internal -labsl_base -labsl_spinlock_wait \
  -o "$out/www_authenticate_fuzz"

"$out/www_authenticate_fuzz" -max_total_time="$seconds" -max_len=512 "$work_corpus"
echo "fuzz: corpus with new inputs in $work_corpus" >&2
