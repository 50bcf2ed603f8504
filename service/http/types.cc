#include "service/http/types.h"

#include "absl/strings/match.h"

namespace tributary::http {

absl::string_view FindHeader(const Headers& headers, absl::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) {
      return value;
    }
  }
  return {};
}

}  // namespace tributary::http
