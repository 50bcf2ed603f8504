#ifndef TRIBUTARY_SERVICE_CONFIG_ERRORS_H_
#define TRIBUTARY_SERVICE_CONFIG_ERRORS_H_

// Internal to //service/config: how config errors are worded.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace tributary::config::internal {

// `text` in double quotes, C-escaped so that a newline cannot split a log line.
inline std::string Quote(absl::string_view text) {
  return absl::StrCat("\"", absl::CHexEscape(text), "\"");
}

// INVALID_ARGUMENT "path: reason", or just "reason" at the top level (empty
// path).
inline absl::Status FieldError(absl::string_view path,
                               absl::string_view reason) {
  if (path.empty()) {
    return absl::InvalidArgumentError(reason);
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", reason));
}

// Collects "path: reason" lines, so validation reports every broken rule at
// once. Not thread-safe.
class Errors {
 public:
  void Add(absl::string_view path, absl::string_view reason) {
    lines_.push_back(absl::StrCat(path, ": ", reason));
  }
  std::vector<std::string> Take() && { return std::move(lines_); }

 private:
  std::vector<std::string> lines_;
};

}  // namespace tributary::config::internal

#endif  // TRIBUTARY_SERVICE_CONFIG_ERRORS_H_
