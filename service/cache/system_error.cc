#include "service/cache/system_error.h"

#include "absl/strings/str_cat.h"
#include "service/oci/absl_compat.h"

namespace tributary::cache {

absl::Status SystemError(std::string_view what,
                         const std::filesystem::path& path, int error_number) {
  return absl::ErrnoToStatus(
      error_number, absl::StrCat(absl::string_view(what.data(), what.size()),
                                 " ", path.string()));
}

absl::Status SystemError(std::string_view what,
                         const std::filesystem::path& path,
                         const std::error_code& error) {
  return SystemError(what, path, error.value());
}

}  // namespace tributary::cache
