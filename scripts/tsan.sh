#!/usr/bin/env bash
# Runs the concurrent tests under ThreadSanitizer: the integration tests (the real
# server in-process against fake upstreams), the resolver and blob path, the caches,
# the gRPC handlers and the HTTP client. Abseil is built instrumented from Debian's
# source (scripts/abseil_source.sh); races inside the other uninstrumented Debian
# libraries are suppressed in bazel/tsan.supp, each with its reason, never ours
# (.bazelrc's test:tsan passes it). Any report fails its test (exit code 66). Usage:
#   ./scripts/tsan.sh                      # the targets below
#   ./scripts/tsan.sh //service/http:all   # others
#   ./scripts/tsan.sh --keep_going         # Bazel flags go through
# Not part of ./scripts/test.sh: see "Sanitizers" in README.md for the timings.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/abseil_source.sh || { echo "tsan: cannot unpack Debian's abseil source" >&2; exit 1; }

# Arguments starting with "-" are Bazel flags, the others targets.
flags=()
targets=()
for arg in "$@"; do
  if [[ "$arg" == -* ]]; then flags+=("$arg"); else targets+=("$arg"); fi
done
if ((${#targets[@]} == 0)); then
  targets=(
    //tests/tsan:all
    //tests/integration:all
    //service/resolve/...
    //service/cache:all
    //service/api:all
    //service/http:all
  )
fi

bazel test --config=tsan --jobs=2 \
  --test_env=TRIBUTARY_BUF="$PWD/tests/tools/node_modules/.bin/buf" \
  --test_env=TRIBUTARY_NODE_MODULES="$PWD/tests/tools/node_modules" \
  "${flags[@]}" "${targets[@]}"
