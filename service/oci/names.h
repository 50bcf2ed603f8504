#ifndef TRIBUTARY_SERVICE_OCI_NAMES_H_
#define TRIBUTARY_SERVICE_OCI_NAMES_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace tributary::oci {

inline constexpr std::size_t kMaxRepositoryLength = 255;
inline constexpr std::size_t kMaxTagLength = 128;

// Repository name per the OCI distribution grammar: path components
// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* separated by '/', total length <= 255.
// Errors are InvalidArgument and quote the name safely (see QuoteForError).
absl::Status ValidateRepository(std::string_view name);

// Tag: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}. Errors are InvalidArgument.
absl::Status ValidateTag(std::string_view tag);

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_NAMES_H_
