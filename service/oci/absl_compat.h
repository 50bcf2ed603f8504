#ifndef TRIBUTARY_SERVICE_OCI_ABSL_COMPAT_H_
#define TRIBUTARY_SERVICE_OCI_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace tributary::oci {

// Debian 12's Abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW 0, so
// absl::string_view is a distinct type and absl::StrCat and friends do not
// accept a std::string_view. Our API speaks std::string_view; this converts
// where it meets Abseil.
inline absl::string_view AsAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_ABSL_COMPAT_H_
