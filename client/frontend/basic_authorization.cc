#include "client/frontend/basic_authorization.h"

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "service/oci/absl_compat.h"

namespace tributary::frontend {

std::optional<BasicCredentials> ParseBasicAuthorization(
    std::string_view value) {
  absl::string_view encoded = absl::StripAsciiWhitespace(oci::AsAbsl(value));
  if (encoded.size() < 6 ||
      !absl::EqualsIgnoreCase(encoded.substr(0, 6), "basic ")) {
    return std::nullopt;
  }
  encoded = absl::StripLeadingAsciiWhitespace(encoded.substr(6));
  std::string decoded;
  if (!absl::Base64Unescape(encoded, &decoded)) {
    return std::nullopt;
  }
  const std::size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

}  // namespace tributary::frontend
