#include "service/registry/content_range.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tributary::registry {
namespace {

bool ParseCount(absl::string_view text, int64_t* value) {
  if (text.empty() || !absl::ascii_isdigit(text.front())) {
    return false;
  }
  return absl::SimpleAtoi(text, value) && *value >= 0;
}

}  // namespace

std::optional<ContentRange> ParseContentRange(absl::string_view header) {
  absl::string_view rest = absl::StripAsciiWhitespace(header);
  if (!absl::ConsumePrefix(&rest, "bytes ")) {
    return std::nullopt;
  }
  std::vector<absl::string_view> range_total =
      absl::StrSplit(absl::StripAsciiWhitespace(rest), '/');
  if (range_total.size() != 2) {
    return std::nullopt;
  }
  std::vector<absl::string_view> first_last =
      absl::StrSplit(range_total[0], '-');
  ContentRange range;
  if (first_last.size() != 2 || !ParseCount(first_last[0], &range.first) ||
      !ParseCount(first_last[1], &range.last) || range.last < range.first) {
    return std::nullopt;
  }
  if (range_total[1] != "*") {
    int64_t total = 0;
    if (!ParseCount(range_total[1], &total) || range.last >= total) {
      return std::nullopt;
    }
    range.total = total;
  }
  return range;
}

std::string RangeHeader(int64_t offset, int64_t end) {
  if (end > 0) {
    return absl::StrCat("bytes=", offset, "-", end - 1);
  }
  return absl::StrCat("bytes=", offset, "-");
}

}  // namespace tributary::registry
