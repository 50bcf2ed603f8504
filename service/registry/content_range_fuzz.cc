// Fuzz target for ParseContentRange (the `Content-Range` of an upstream's 206
// answer, which decides where resumed blob bytes go). Checks that a parsed
// range is consistent (0 <= first <= last, last < total when a total is
// given) and that writing it out again and parsing gives the same range.
//
// Under Bazel it runs as :content_range_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "service/registry/content_range.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;
using tributary::registry::ContentRange;

constexpr char kTarget[] = "content_range";

std::string Format(const ContentRange& range) {
  return absl::StrCat(
      "bytes ", range.first, "-", range.last, "/",
      range.total.has_value() ? absl::StrCat(*range.total) : std::string("*"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::registry::ParseContentRange;
  const absl::string_view header(reinterpret_cast<const char*>(data), size);
  const std::optional<ContentRange> range = ParseContentRange(header);
  if (!range.has_value()) {
    return 0;
  }
  Check(range->first >= 0 && range->first <= range->last, kTarget,
        "first is negative or after last");
  Check(!range->total.has_value() || range->last < *range->total, kTarget,
        "last is not before total");
  const std::optional<ContentRange> again = ParseContentRange(Format(*range));
  Check(again.has_value() && again->first == range->first &&
            again->last == range->last && again->total == range->total,
        kTarget, "a range written out does not parse back the same");
  return 0;
}
