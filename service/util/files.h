#ifndef TRIBUTARY_SERVICE_UTIL_FILES_H_
#define TRIBUTARY_SERVICE_UTIL_FILES_H_

#include <cstddef>
#include <limits>
#include <string>

#include "absl/status/statusor.h"

namespace tributary::util {

// Reads the whole file at `path`. A file that cannot be opened or read fails
// with the canonical code of its errno (NOT_FOUND, PERMISSION_DENIED, ...) and
// the message "<path>: <reason>", e.g. "/etc/x: No such file or directory";
// callers prefix what the file was for. A file holding more than `max_bytes`
// fails with OUT_OF_RANGE, and is not read past the limit (so a device or a
// misplaced huge file costs little). Thread-safe.
absl::StatusOr<std::string> ReadFileToString(
    const std::string& path,
    size_t max_bytes = std::numeric_limits<size_t>::max());

}  // namespace tributary::util

#endif  // TRIBUTARY_SERVICE_UTIL_FILES_H_
