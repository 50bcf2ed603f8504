#!/usr/bin/env bash
# Peak RSS of parsing the largest tag list Tributary accepts from an upstream
# (limits.max_tag_list_bytes, 8 MiB): the old DOM parse against the SAX parser
# of service/registry/tag_list_json.cc. Each case runs in its own process
# (//service/registry:tag_list_rss), so each peak is its own; the figure that
# matters is the growth, after minus before (the 8 MiB body itself is
# already in "before"). Cases: ["a","a",…] and as many distinct short tags as
# fit, without a page size (every distinct tag kept) and with page_size 100.
#
#   bench/tag_list_rss.sh          (env COMPILATION_MODE=opt for -c opt)
#
# See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${COMPILATION_MODE:-fastbuild}"
bazel build --jobs=1 -c "$mode" //service/registry:tag_list_rss >&2
binary="$(bazel info -c "$mode" bazel-bin 2>/dev/null)/service/registry/tag_list_rss"
for list in repeated distinct; do
  "$binary" dom "$list"
  "$binary" sax "$list" 0
  "$binary" sax "$list" 100
done
