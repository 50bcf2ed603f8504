#ifndef TRIBUTARY_SERVICE_REGISTRY_CONTENT_RANGE_H_
#define TRIBUTARY_SERVICE_REGISTRY_CONTENT_RANGE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace tributary::registry {

// A parsed "Content-Range: bytes FIRST-LAST/TOTAL" (TOTAL may be "*").
struct ContentRange {
  int64_t first = 0;
  int64_t last = 0;              // inclusive
  std::optional<int64_t> total;  // nullopt for "*"
};

// Parses the header of a 206 answer; nullopt when it is malformed or
// inconsistent (last < first, last >= total). Untrusted input: never throws.
std::optional<ContentRange> ParseContentRange(absl::string_view header);

// The Range header value for bytes [offset, end) — end 0 means to the end.
std::string RangeHeader(int64_t offset, int64_t end);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_CONTENT_RANGE_H_
