#ifndef TRIBUTARY_SERVICE_CACHE_SYSTEM_ERROR_H_
#define TRIBUTARY_SERVICE_CACHE_SYSTEM_ERROR_H_

#include <filesystem>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"

namespace tributary::cache {

// The one place a system error becomes a Status: `what` names the operation
// and `path` the file; the error supplies the code and the reason, e.g.
// "cannot create /x/tmp/ab.1: Permission denied".
absl::Status SystemError(std::string_view what,
                         const std::filesystem::path& path, int error_number);
absl::Status SystemError(std::string_view what,
                         const std::filesystem::path& path,
                         const std::error_code& error);

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_SYSTEM_ERROR_H_
