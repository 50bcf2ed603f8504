#!/usr/bin/env bash
# Sets up (apt + npm, idempotent) and runs every test: buf lint, then all Bazel tests
# (unit, integration, end-to-end against a real registry). Ends with the line
# "N passed, N failed" counting test cases, and exits non-zero if any failed.
# Cases that need a tool Debian 12 does not package (kubectl >= 1.21 for the
# deploy renderings) are skipped with the reason when it is missing, listed
# above the line, which then reads "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh --test || { echo "0 passed, 1 failed"; exit 1; }

lint_passed=0
lint_failed=0
if tests/tools/node_modules/.bin/buf lint; then
  echo "buf lint: PASSED"
  lint_passed=1
else
  echo "buf lint: FAILED"
  lint_failed=1
fi

rm -rf bazel-testlogs/ 2>/dev/null
bazel test //... \
  --test_env=TRIBUTARY_BUF="$PWD/tests/tools/node_modules/.bin/buf" \
  --test_env=TRIBUTARY_NODE_MODULES="$PWD/tests/tools/node_modules" \
  "$@"
bazel_rc=$?

python3 scripts/count_tests.py "$(bazel info bazel-testlogs 2>/dev/null)" \
  --extra-passed "$lint_passed" --extra-failed "$lint_failed" --bazel-rc "$bazel_rc"
