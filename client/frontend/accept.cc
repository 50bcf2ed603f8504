#include "client/frontend/accept.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "service/oci/absl_compat.h"
#include "service/oci/media_types.h"

namespace tributary::frontend {

std::vector<std::string> AcceptedMediaTypes(
    const std::vector<std::string_view>& headers) {
  std::vector<std::string> types;
  for (std::string_view header : headers) {
    for (absl::string_view entry : absl::StrSplit(oci::AsAbsl(header), ',')) {
      absl::string_view type = entry.substr(0, entry.find(';'));
      type = absl::StripAsciiWhitespace(type);
      if (absl::StrContains(type, '*') ||
          !oci::ValidateMediaType(std::string_view(type.data(), type.size()))
               .ok()) {
        continue;
      }
      std::string lowered = absl::AsciiStrToLower(type);
      if (std::find(types.begin(), types.end(), lowered) == types.end()) {
        types.push_back(std::move(lowered));
      }
    }
  }
  return types;
}

}  // namespace tributary::frontend
