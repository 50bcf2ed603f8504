#include "client/status.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace tributary::client {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

int ExitCodeFor(const absl::Status& status) {
  const int code = static_cast<int>(status.code());
  if (code < 0 || code > static_cast<int>(absl::StatusCode::kUnauthenticated)) {
    return static_cast<int>(absl::StatusCode::kUnknown);
  }
  return code;
}

std::string OneLine(const absl::Status& status) {
  std::string line = absl::StrCat(absl::StatusCodeToString(status.code()), ": ",
                                  status.message());
  std::replace_if(
      line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; },
      ' ');
  return line;
}

}  // namespace tributary::client
