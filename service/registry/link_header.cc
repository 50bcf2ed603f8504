#include "service/registry/link_header.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "boost/url/parse.hpp"

namespace tributary::registry {
namespace {

// True when the parameters after "<...>" include rel="next" (quoted or not, and
// rel may list several space-separated relation types).
bool IsNextRelation(absl::string_view params) {
  for (absl::string_view param : absl::StrSplit(params, ';')) {
    std::vector<absl::string_view> kv = absl::StrSplit(
        absl::StripAsciiWhitespace(param), absl::MaxSplits('=', 1));
    if (kv.size() != 2 ||
        !absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(kv[0]), "rel")) {
      continue;
    }
    absl::string_view value = absl::StripAsciiWhitespace(kv[1]);
    absl::ConsumePrefix(&value, "\"");
    absl::ConsumeSuffix(&value, "\"");
    for (absl::string_view rel :
         absl::StrSplit(value, ' ', absl::SkipEmpty())) {
      if (absl::EqualsIgnoreCase(rel, "next")) {
        return true;
      }
    }
  }
  return false;
}

std::optional<std::string> LastParam(absl::string_view target) {
  auto url = boost::urls::parse_uri_reference(
      boost::urls::string_view(target.data(), target.size()));
  if (!url) {
    return std::nullopt;
  }
  for (const auto& param : url->params()) {
    if (param.key == "last" && param.has_value) {
      return std::string(param.value);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NextPageLast(absl::string_view link_header) {
  absl::string_view rest = link_header;
  // Links are "<target>; params" separated by commas; a comma can only appear
  // inside the angle brackets or a quoted parameter, so scan link by link.
  while (true) {
    const size_t open = rest.find('<');
    if (open == absl::string_view::npos) {
      return std::nullopt;
    }
    const size_t close = rest.find('>', open);
    if (close == absl::string_view::npos) {
      return std::nullopt;
    }
    absl::string_view target = rest.substr(open + 1, close - open - 1);
    rest = rest.substr(close + 1);
    const size_t next_link = rest.find('<');
    absl::string_view params =
        absl::StripTrailingAsciiWhitespace(rest.substr(0, next_link));
    absl::ConsumeSuffix(&params, ",");
    if (IsNextRelation(params)) {
      return LastParam(target);
    }
    if (next_link == absl::string_view::npos) {
      return std::nullopt;
    }
  }
}

}  // namespace tributary::registry
