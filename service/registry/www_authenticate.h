#ifndef TRIBUTARY_SERVICE_REGISTRY_WWW_AUTHENTICATE_H_
#define TRIBUTARY_SERVICE_REGISTRY_WWW_AUTHENTICATE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace tributary::registry {

// One authentication challenge of a WWW-Authenticate field (RFC 9110 11.6.1),
// e.g. Bearer
// realm="https://auth.docker.io/token",service="registry.docker.io". Plain
// value type.
struct Challenge {
  // The auth scheme, lower-cased ("bearer", "basic").
  std::string scheme;
  // Parameters in the order sent; names lower-cased, values unquoted and
  // unescaped. A name sent twice keeps its first value.
  std::vector<std::pair<std::string, std::string>> params;
  // The token68 form ("Basic dXNlcg==") instead of parameters; rarely used.
  std::string token68;

  // The value of parameter `name` (lower-case), or "" when absent.
  absl::string_view Param(absl::string_view name) const;

  bool operator==(const Challenge&) const = default;
};

// Parses a WWW-Authenticate field value: several comma-separated challenges,
// each with comma-separated parameters whose values are tokens or quoted
// strings (which may hold commas and backslash-escaped quotes), with optional
// white space around commas and '='. The value is untrusted upstream input:
// nothing fails; what does not parse is skipped (a malformed parameter ends its
// challenge, stray characters up to the next comma are dropped). Pure.
std::vector<Challenge> ParseWwwAuthenticate(absl::string_view value);

// The inverse, for tests and fuzzing: challenges as one field value, every
// parameter value quoted. ParseWwwAuthenticate(FormatWwwAuthenticate(c)) == c
// for any `c` that ParseWwwAuthenticate returned.
std::string FormatWwwAuthenticate(const std::vector<Challenge>& challenges);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_WWW_AUTHENTICATE_H_
