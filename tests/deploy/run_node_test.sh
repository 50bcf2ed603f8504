#!/bin/sh
# Runs one deploy test script (an ES module, workspace-relative path in $1) with
# Node.js from PATH, in the runfiles tree Bazel starts tests in. The script
# writes its JUnit report to $XML_OUTPUT_FILE itself.
set -eu
command -v node >/dev/null || { echo "node not on PATH ($PATH)" >&2; exit 1; }
exec node "$1"
