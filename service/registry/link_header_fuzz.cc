// Fuzz target for NextPageLast (the `Link` header of an upstream's tag list
// page). Checks that any header parses without harm, that a `last` found is
// no longer than the header (it is decoded from it), that a header without
// "next" has no next page, and that every text put percent-encoded into a
// standard next link as `last` is read back exactly.
//
// Under Bazel it runs as :link_header_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "service/registry/link_header.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "link_header";

// Every byte but RFC 3986's unreserved ones as %XX.
std::string PercentEncode(std::string_view text) {
  std::string encoded;
  for (char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      encoded += c;
    } else {
      encoded += absl::StrFormat("%%%02X", static_cast<unsigned char>(c));
    }
  }
  return encoded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::registry::NextPageLast;
  const absl::string_view header(reinterpret_cast<const char*>(data), size);
  const std::optional<std::string> last = NextPageLast(header);
  if (last.has_value()) {
    Check(last->size() <= header.size(), kTarget,
          "a last is longer than the header it came from");
  }
  if (!absl::StrContains(absl::AsciiStrToLower(header), "next")) {
    Check(!last.has_value(), kTarget, "a next page without rel=next");
  }
  const std::string link = absl::StrCat(
      "</v2/library/demo/tags/list?n=10&last=",
      PercentEncode(std::string_view(header.data(), size)), ">; rel=\"next\"");
  Check(NextPageLast(link) == std::string(header), kTarget,
        "a percent-encoded last does not read back");
  return 0;
}
