#ifndef TRIBUTARY_SERVICE_REGISTRY_LINK_HEADER_H_
#define TRIBUTARY_SERVICE_REGISTRY_LINK_HEADER_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace tributary::registry {

// Extracts the `last` query parameter of the rel="next" link in an RFC 8288
// Link header, as registries send it for tag list pages:
//   </v2/foo/tags/list?n=10&last=v9>; rel="next"
// Returns nullopt when there is no next link or it has no `last`.
std::optional<std::string> NextPageLast(absl::string_view link_header);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_LINK_HEADER_H_
